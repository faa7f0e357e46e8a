import { randomUUID } from 'node:crypto';
import type { CreateCaseInput } from '../../src/domain/actions.js';
import type { Case } from '../../src/domain/case.js';
import type { Control } from '../../src/domain/controls.js';
import type { Actor, BusinessLineScope, Role } from '../../src/domain/permissions.js';
import type { BusinessLine, ControlKind, Department } from '../../src/domain/vocabulary.js';
import { createUser } from '../../src/db/users.js';
import type { Services } from './services.js';

/** A fresh account id per test, so tests never see each other's controls or cases. */
export function newAccountId(): string {
  return `acct-${randomUUID().slice(0, 12)}`;
}

export async function makeUser(
  services: Services,
  roles: Role[],
  options: { businessLines?: BusinessLineScope[]; departments?: Department[]; name?: string } = {},
): Promise<Actor> {
  return createUser(services.database.db, {
    name: options.name ?? roles.join('+'),
    roles,
    businessLines: options.businessLines ?? ['*'],
    departments: options.departments ?? [],
  });
}

export interface Cast {
  agent: Actor;
  agent2: Actor;
  checker: Actor;
  checker2: Actor;
  senior: Actor;
  compliance: Actor;
  security: Actor;
  reverter: Actor;
  riskEngine: Actor;
}

export async function makeCast(services: Services): Promise<Cast> {
  return {
    agent: await makeUser(services, ['agent']),
    agent2: await makeUser(services, ['agent']),
    checker: await makeUser(services, ['checker']),
    checker2: await makeUser(services, ['checker']),
    senior: await makeUser(services, ['checker', 'senior']),
    compliance: await makeUser(services, ['compliance']),
    security: await makeUser(services, ['department'], { departments: ['security'] }),
    reverter: await makeUser(services, ['senior']),
    riskEngine: await makeUser(services, ['risk_engine']),
  };
}

export async function applyControl(
  services: Services,
  accountId: string,
  kind: ControlKind,
  options: { reason?: string; businessLine?: BusinessLine } = {},
): Promise<Control> {
  return services.registry.apply({
    idempotencyKey: randomUUID(),
    accountId,
    kind,
    businessLine: options.businessLine ?? 'spot',
    reason: options.reason ?? 'routine review',
    actor: 'test',
  });
}

export function caseInput(accountId: string, overrides: Partial<CreateCaseInput> = {}): CreateCaseInput {
  return {
    type: 'unfreeze',
    accountId,
    businessLine: 'spot',
    channel: 'email',
    subject: 'Please lift the restriction on my account',
    description: 'The user verified their identity on a video call.',
    ...overrides,
  };
}

export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 200, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2_000)}`);
}

export function untilStatus(services: Services, caseId: string, status: Case['status'], timeoutMs = 30_000) {
  return eventually(
    () => services.cases.read(caseId),
    (c) => c.status === status,
    { timeoutMs, what: `case ${caseId} to be ${status}` },
  );
}
