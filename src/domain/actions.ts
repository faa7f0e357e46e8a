import type { RiskSignalInput } from './schemas/actions.js';
import { isOneOf, severities } from './vocabulary.js';

/*
 * Checks on inputs from outside that need no zod. The HTTP edge parses every input with the schemas in
 * `schemas/actions.ts`; workflow code, which must not load zod, checks again only what these cover.
 */

const earliestStorable = Date.parse('0001-01-01T00:00:00.000Z');
const latestStorable = Date.parse('9999-12-31T23:59:59.999Z');

/** Instants PostgreSQL can store: years 1 to 9999 in UTC (an offset can push an ISO string past either end). */
export function isStorableInstant(iso: string): boolean {
  const at = Date.parse(iso);
  return at >= earliestStorable && at <= latestStorable;
}

/** A risk signal's name: lower-case, such as `login.anomaly`. */
export const riskSignalName = /^[a-z][a-z0-9_.:-]{0,63}$/;

/** RFC 3339 with a time and an offset, as `z.iso.datetime({ offset: true })` accepts it. */
const instantWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

export type RiskSignalFields = Omit<RiskSignalInput, 'accountId'>;

/** Whether a signal handed to a case workflow is well-formed; the workflow drops one that is not. */
export function isRiskSignal(value: unknown): value is RiskSignalFields & { actor: string } {
  if (typeof value !== 'object' || value === null) return false;
  const signal = value as Record<string, unknown>;
  return (
    typeof signal.actor === 'string' &&
    signal.actor.length > 0 &&
    typeof signal.signal === 'string' &&
    riskSignalName.test(signal.signal) &&
    isOneOf(severities, signal.severity) &&
    typeof signal.occurredAt === 'string' &&
    instantWithOffset.test(signal.occurredAt) &&
    !Number.isNaN(Date.parse(signal.occurredAt))
  );
}
