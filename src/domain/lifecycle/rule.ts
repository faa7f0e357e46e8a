import type { Case } from '../case.js';
import { DomainError } from '../errors.js';
import type { Actor, Permission } from '../permissions.js';
import { authorize } from '../permissions.js';
import type { Policy } from '../policy.js';
import type { CaseStatus } from '../vocabulary.js';
import { holdingItem } from '../waits.js';

export interface Context {
  actor: Actor;
  /** RFC 3339; in a workflow this comes from the workflow clock, so replays see the same time. */
  now: string;
  policy: Policy;
}

/** One accepted change as the audit log records it. */
export interface AuditEntry {
  action: string;
  actor: string;
  at: string;
  details: Record<string, unknown>;
}

export interface Transition {
  next: Case;
  event: AuditEntry;
}

/**
 * A business step on a case: `check` says whether the actor may take it now (throwing a DomainError if
 * not) and `apply` computes the case after it. The API calls `check` before it asks the workflow, and the
 * workflow's update validator calls it again on its own state.
 */
export interface Rule<I> {
  /** The audit action name, for accepted and refused attempts alike. */
  action: string;
  /** The permission a person needs, within the case's business line; steps the engine takes need none. */
  permission?: Permission | undefined;
  check(c: Case, input: I, ctx: Context): void;
  apply(c: Case, input: I, ctx: Context): Case;
  details?(input: I, next: Case): Record<string, unknown>;
}

/** A rule whose `check` starts with its permission, so no caller can check the state and forget who asks. */
export function defineRule<I>(rule: Rule<I>): Rule<I> {
  const { permission } = rule;
  if (permission === undefined) return rule;
  return {
    ...rule,
    check(c: Case, input: I, ctx: Context) {
      authorize(ctx.actor, permission, c.businessLine);
      rule.check(c, input, ctx);
    },
  };
}

export function run<I>(rule: Rule<I>, c: Case, input: I, ctx: Context): Transition {
  rule.check(c, input, ctx);
  const next = touch(rule.apply(c, input, ctx), ctx.now);
  const details = { accountId: c.accountId, status: next.status, ...(rule.details?.(input, next) ?? {}) };
  return { next, event: { action: rule.action, actor: ctx.actor.id, at: ctx.now, details } };
}

export function touch(c: Case, now: string): Case {
  const next = { ...c, updatedAt: now, revision: c.revision + 1 };
  return { ...next, step: describeStep(next) };
}

export function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export function nextId(prefix: string, existing: readonly unknown[]): string {
  return `${prefix}-${existing.length + 1}`;
}

export function requireStatus(c: Case, allowed: readonly CaseStatus[], doing: string): void {
  if (!allowed.includes(c.status)) {
    throw new DomainError('invalid_state', `cannot ${doing} while the case is ${c.status}`);
  }
}

export function requireAssignee(c: Case, actor: Actor, doing: string): void {
  if (c.assignee === null) throw new DomainError('invalid_state', `claim the case before you ${doing}`);
  if (c.assignee !== actor.id) {
    throw new DomainError('invalid_state', `only the assignee (${c.assignee}) may ${doing}`);
  }
}

/**
 * The step the case is in, in words. While a wait holds the case in its status (a question to the user, a
 * proposal, a re-verification), that wait's own text says what the case is waiting for.
 */
export function describeStep(c: Case): string {
  const holding = holdingItem(c);
  if (holding) return holding.step;
  switch (c.status) {
    case 'open':
      return 'waiting for an agent to claim it';
    case 'in_review':
      return c.assignee ? `in review by ${c.assignee}` : 'in review, unassigned';
    case 'awaiting_info':
      return 'waiting for the user';
    case 'awaiting_approval':
      return 'waiting for approval';
    case 'executing':
      return 'lifting the approved controls';
    case 'monitoring': {
      const lift = c.lifts.at(-1);
      return lift ? `watching the account until ${lift.monitoringUntil}` : 'watching the account';
    }
    case 'reverted':
      return 'lift reverted; waiting for review';
    case 'closed':
      return `closed as ${c.outcome ?? 'unknown'}`;
  }
}
