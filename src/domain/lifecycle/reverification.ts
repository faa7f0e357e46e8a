import type { Case, Reverification } from '../case.js';
import { DomainError } from '../errors.js';
import type { RecordReverificationInput } from '../schemas/actions.js';
import { addMs, defineRule, nextId, requireStatus } from './rule.js';

export function pendingReverification(c: Case): Reverification | undefined {
  return c.reverifications.find((r) => r.status === 'pending');
}

function settle(c: Case, id: string, change: Partial<Reverification>, now: string): Case {
  const reverification = c.reverifications.find((r) => r.id === id);
  const passed = change.status === 'passed';
  return {
    ...c,
    // Without a fresh proof of ownership the approved unbind is not carried out; the case goes back to review.
    status: passed ? c.status : 'in_review',
    reverifications: c.reverifications.map((r) => (r.id === id ? { ...r, ...change } : r)),
    proposals: passed
      ? c.proposals
      : c.proposals.map((p) =>
          p.id === reverification?.proposalId ? { ...p, status: 'voided' as const, decidedAt: now } : p,
        ),
  };
}

export const requestReverification = defineRule<{ proposalId: string }>({
  action: 'reverification.requested',
  check(c) {
    requireStatus(c, ['executing'], 'ask the user to re-verify');
    if (pendingReverification(c))
      throw new DomainError('invalid_state', 'a re-verification is already pending');
  },
  apply(c, input, { now, policy }) {
    const reverification: Reverification = {
      id: nextId('rev', c.reverifications),
      proposalId: input.proposalId,
      requestedAt: now,
      dueAt: addMs(now, policy.reverification.wait),
      status: 'pending',
      method: null,
      recordedBy: null,
    };
    return { ...c, reverifications: [...c.reverifications, reverification] };
  },
  details: (input, next) => ({ proposalId: input.proposalId, dueAt: next.reverifications.at(-1)?.dueAt }),
});

export const recordReverification = defineRule<RecordReverificationInput>({
  action: 'reverification.recorded',
  permission: 'case.review',
  check(c, _input, { actor }) {
    requireStatus(c, ['executing'], 'record a re-verification');
    const pending = pendingReverification(c);
    if (!pending) throw new DomainError('invalid_state', 'no re-verification is pending');
    const proposal = c.proposals.find((p) => p.id === pending.proposalId);
    if (proposal?.maker === actor.id) {
      throw new DomainError(
        'separation_of_duties',
        'the maker of the proposal cannot vouch for the user’s re-verification',
      );
    }
  },
  apply(c, input, { actor, now }) {
    const pending = pendingReverification(c);
    if (!pending) return c;
    return settle(c, pending.id, { status: input.outcome, method: input.method, recordedBy: actor.id }, now);
  },
  details: (input) => ({ outcome: input.outcome, method: input.method }),
});

export const expireReverification = defineRule<{ reverificationId: string }>({
  action: 'reverification.expired',
  check(c, input) {
    if (pendingReverification(c)?.id !== input.reverificationId) {
      throw new DomainError('invalid_state', `re-verification ${input.reverificationId} is not pending`);
    }
  },
  apply: (c, input, { now }) => settle(c, input.reverificationId, { status: 'expired' }, now),
  details: (input) => ({ reverificationId: input.reverificationId }),
});
