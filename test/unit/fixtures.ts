import type { Control } from '../../src/domain/controls.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Actor, BusinessLineScope, Role } from '../../src/domain/permissions.js';
import type { BusinessLine, ControlKind, Department } from '../../src/domain/vocabulary.js';
import { categoryOf } from '../../src/domain/vocabulary.js';

export function actor(
  id: string,
  roles: Role[],
  options: { businessLines?: BusinessLineScope[]; departments?: Department[] } = {},
): Actor {
  return {
    id,
    name: id,
    roles,
    businessLines: options.businessLines ?? ['*'],
    departments: options.departments ?? [],
  };
}

export function control(
  id: string,
  kind: ControlKind,
  options: {
    accountId?: string;
    businessLine?: BusinessLine;
    status?: Control['status'];
    reason?: string;
    version?: number;
    source?: Control['source'];
    externalRef?: string;
  } = {},
): Control {
  return {
    id,
    accountId: options.accountId ?? 'acct-1',
    category: categoryOf(kind),
    kind,
    businessLine: options.businessLine ?? 'spot',
    status: options.status ?? 'active',
    reason: options.reason ?? 'routine review',
    version: options.version ?? 1,
    source: options.source ?? 'manual_review',
    externalRef: options.externalRef ?? null,
  };
}

/** Runs `fn` and returns the DomainError it throws; fails the test if it throws nothing or something else. */
export function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function plus(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}
