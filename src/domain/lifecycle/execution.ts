import type { RevertInput, RiskSignalInput } from '../schemas/actions.js';
import type { AfterReview, Case, Lift } from '../case.js';
import type { Control, ControlSnapshot } from '../controls.js';
import { DomainError } from '../errors.js';
import type { Policy, ReasonCodeRule } from '../policy.js';
import { monitoringWindowMs } from '../policy.js';
import { pinnedReason } from './approval.js';
import type { ControlKind } from '../vocabulary.js';
import { addMs, defineRule, nextId, requireStatus } from './rule.js';

/** The reason-code rule the lift's proposal gave, when the case follows the matrix. */
function reasonOfProposal(c: Case, proposalId: string, policy: Policy): ReasonCodeRule | undefined {
  const proposal = c.proposals.find((p) => p.id === proposalId);
  return proposal ? pinnedReason(c, policy, proposal.reasonCode) : undefined;
}

export function currentLift(c: Case): Lift | undefined {
  const lift = c.lifts.at(-1);
  return lift?.status === 'monitoring' ? lift : undefined;
}

function updateLift(c: Case, liftId: string, change: Partial<Lift>): Case['lifts'] {
  return c.lifts.map((l) => (l.id === liftId ? { ...l, ...change } : l));
}

function findLift(c: Case, liftId: string): Lift {
  const lift = c.lifts.find((l) => l.id === liftId);
  if (!lift) throw new DomainError('not_found', `case ${c.id} has no lift ${liftId}`);
  return lift;
}

export const completeLift = defineRule<{ proposalId: string; snapshot: readonly ControlSnapshot[] }>({
  action: 'controls.lifted',
  check: (c) => requireStatus(c, ['executing'], 'record a lift'),
  apply(c, input, { now, policy }) {
    const reason = reasonOfProposal(c, input.proposalId, policy);
    const lift: Lift = {
      id: nextId('lift', c.lifts),
      proposalId: input.proposalId,
      status: 'monitoring',
      liftedAt: now,
      snapshot: [...input.snapshot],
      monitoringUntil: addMs(now, monitoringWindowMs(policy, c.riskTier, reason)),
      coolingOff: null,
      revert: null,
    };
    return { ...c, status: 'monitoring', lifts: [...c.lifts, lift] };
  },
  details: (input, next) => ({
    proposalId: input.proposalId,
    liftId: next.lifts.at(-1)?.id,
    controls: input.snapshot.map((s) => ({ id: s.id, kind: s.kind, version: s.version })),
    monitoringUntil: next.lifts.at(-1)?.monitoringUntil,
  }),
});

/** After a binding is removed, withdrawals stay locked for a cooling-off period so a thief cannot cash out at once. */
export const startCoolingOff = defineRule<{ liftId: string; control: Control }>({
  action: 'cooling_off.applied',
  check(c, input) {
    if (findLift(c, input.liftId).coolingOff)
      throw new DomainError('invalid_state', 'cooling-off already applied');
  },
  apply: (c, input, { now, policy }) => ({
    ...c,
    lifts: updateLift(c, input.liftId, {
      coolingOff: {
        controlId: input.control.id,
        until: addMs(
          now,
          reasonOfProposal(c, findLift(c, input.liftId).proposalId, policy)?.coolingOff ??
            policy.coolingOff.withdrawalLock,
        ),
        status: 'active',
      },
    }),
  }),
  details: (input) => ({ liftId: input.liftId, controlId: input.control.id }),
});

/** `lifted: false` when someone changed the lock meanwhile: it is theirs now, and it stays. */
export const endCoolingOff = defineRule<{ liftId: string; lifted: boolean }>({
  action: 'cooling_off.ended',
  check(c, input) {
    if (findLift(c, input.liftId).coolingOff?.status !== 'active') {
      throw new DomainError('invalid_state', 'no cooling-off lock is active');
    }
  },
  apply: (c, input) => {
    const coolingOff = findLift(c, input.liftId).coolingOff;
    return {
      ...c,
      lifts: updateLift(c, input.liftId, {
        coolingOff: coolingOff ? { ...coolingOff, status: input.lifted ? 'lifted' : 'kept' } : null,
      }),
    };
  },
  details: (input) => ({ liftId: input.liftId, lifted: input.lifted }),
});

const revertible = ['executing', 'monitoring'] as const;

/**
 * The lift of a closed case that can still be reverted: its last lift, settled, with the revert window
 * (counted from the case's closure) still open at `now`. Throws why not.
 */
export function lateRevertableLift(c: Case, now: string, policy: Policy): Lift {
  const lift = c.lifts.at(-1);
  if (!lift || c.closedAt === null)
    throw new DomainError('invalid_state', 'the case lifted nothing to revert');
  if (lift.status === 'reverted') throw new DomainError('already_decided', `${lift.id} is already reverted`);
  const until = addMs(c.closedAt, policy.revert.window);
  if (Date.parse(now) > Date.parse(until)) {
    throw new DomainError('invalid_state', `the revert window of ${lift.id} closed at ${until}`);
  }
  return lift;
}

export const requestRevert = defineRule<RevertInput>({
  action: 'revert.requested',
  permission: 'removal.revert',
  check(c, _input, { now, policy }) {
    // A closed case's lift is reverted by a compensation run of its own, not by the finished workflow.
    if (c.status === 'closed') {
      lateRevertableLift(c, now, policy);
      return;
    }
    requireStatus(c, revertible, 'revert a lift');
    if (c.revertRequest) throw new DomainError('already_decided', 'a revert is already under way');
  },
  apply: (c, input, { actor, now }) => ({
    ...c,
    revertRequest: { requestedBy: actor.id, reason: input.reason, requestedAt: now },
  }),
  details: (input) => ({ reason: input.reason }),
});

/** Signals are facts, never refused: each is recorded; a high or critical one during a lift asks for a revert. */
export const receiveRiskSignal = defineRule<Omit<RiskSignalInput, 'accountId'>>({
  action: 'risk_signal.received',
  check() {},
  apply(c, input, { actor, now }) {
    const actedOn =
      (input.severity === 'high' || input.severity === 'critical') &&
      (revertible as readonly string[]).includes(c.status) &&
      c.revertRequest === null;
    return {
      ...c,
      riskSignals: [...c.riskSignals, { ...input, receivedAt: now, actedOn }],
      revertRequest: actedOn
        ? {
            requestedBy: actor.id,
            reason: `risk signal ${input.signal} (${input.severity})`,
            requestedAt: now,
          }
        : c.revertRequest,
    };
  },
  details: (input, next) => ({ ...input, actedOn: next.riskSignals.at(-1)?.actedOn }),
});

/** The compensation has put every lifted control back (and locked withdrawals after an unbind). */
export const completeRevert = defineRule<{ reapplied: readonly Control[]; withdrawalLockId: string | null }>({
  action: 'revert.completed',
  check(c) {
    requireStatus(c, ['monitoring'], 'complete a revert');
    if (!c.revertRequest || !currentLift(c))
      throw new DomainError('invalid_state', 'no revert was requested');
  },
  apply(c, input, { now }) {
    const lift = currentLift(c);
    const request = c.revertRequest;
    if (!lift || !request) return c;
    return {
      ...c,
      status: 'reverted',
      revertRequest: null,
      lifts: updateLift(c, lift.id, {
        status: 'reverted',
        revert: { ...request, completedAt: now, withdrawalLockId: input.withdrawalLockId },
      }),
    };
  },
  details: (input) => ({
    reapplied: input.reapplied.map((ctl) => ({ id: ctl.id, version: ctl.version })),
    withdrawalLockId: input.withdrawalLockId,
  }),
});

export interface LateRevert {
  liftId: string;
  request: { requestedBy: string; reason: string; requestedAt: string };
  /** Controls found active again before the compensation reached them: put back by someone else. */
  alreadyReapplied: string[];
  withdrawalLockId: string | null;
  followUpCaseId: string;
}

/** Recorded on the closed case by the compensation run once the lifted controls are back. */
export const completeLateRevert = defineRule<LateRevert>({
  action: 'revert.completed_late',
  check(c, input) {
    requireStatus(c, ['closed'], 'record a late revert');
    if (findLift(c, input.liftId).status !== 'settled') {
      throw new DomainError('already_decided', `${input.liftId} is not a settled lift`);
    }
  },
  apply: (c, input, { now }) => ({
    ...c,
    lifts: updateLift(c, input.liftId, {
      status: 'reverted',
      revert: {
        ...input.request,
        completedAt: now,
        withdrawalLockId: input.withdrawalLockId,
        late: true,
        alreadyReapplied: input.alreadyReapplied,
        followUpCaseId: input.followUpCaseId,
      },
    }),
  }),
  details: (input) => ({
    liftId: input.liftId,
    reason: input.request.reason,
    alreadyReapplied: input.alreadyReapplied,
    withdrawalLockId: input.withdrawalLockId,
    followUpCaseId: input.followUpCaseId,
  }),
});

/** The review case a late revert or a risk signal opens about a lift: one per lift, so a second joins it. */
export function followUpCaseIdOf(c: Pick<Case, 'id'>, liftId: string): string {
  return `REV-${c.id}-${liftId}`;
}

export const closeLifted = defineRule<Record<string, never>>({
  action: 'case.closed',
  check(c) {
    requireStatus(c, ['monitoring'], 'close after monitoring');
    if (c.revertRequest) throw new DomainError('invalid_state', 'a revert is under way');
  },
  apply: (c, _input, { now }) => ({
    ...c,
    status: 'closed',
    outcome: 'lifted',
    closedAt: now,
    lifts: c.lifts.map((l) => (l.status === 'monitoring' ? { ...l, status: 'settled' as const } : l)),
  }),
  details: () => ({ outcome: 'lifted' }),
});

export const requestAfterReview = defineRule<{
  controlId: string;
  kind: ControlKind;
  appliedBy: string;
  reason: string;
}>({
  action: 'after_review.requested',
  check(c) {
    if (c.status === 'closed') throw new DomainError('invalid_state', 'the case is closed');
  },
  apply(c, input, { now, policy }) {
    const review: AfterReview = {
      ...input,
      dueAt: addMs(now, policy.breakGlass.afterReviewWithin),
      status: 'open',
    };
    return { ...c, afterReviews: [...c.afterReviews, review] };
  },
  details: (input) => ({ controlId: input.controlId, kind: input.kind, appliedBy: input.appliedBy }),
});

export const afterReviewOverdue = defineRule<{ controlId: string }>({
  action: 'after_review.overdue',
  check(c, input) {
    if (!c.afterReviews.some((r) => r.controlId === input.controlId && r.status === 'open')) {
      throw new DomainError('invalid_state', `no open after-review for ${input.controlId}`);
    }
  },
  apply: (c, input) => ({
    ...c,
    slaBreached: true,
    afterReviews: c.afterReviews.map((r) =>
      r.controlId === input.controlId && r.status === 'open' ? { ...r, status: 'overdue' as const } : r,
    ),
  }),
  details: (input) => ({ controlId: input.controlId }),
});
