import type {
  AssignByPolicyInput,
  AssignInput,
  InfoRequestInput,
  InfoResponseInput,
  NoteInput,
  OwnerAnswerInput,
  ResolveInput,
} from '../schemas/actions.js';
import type { Case } from '../case.js';
import { DomainError } from '../errors.js';
import type { Actor } from '../permissions.js';
import { hasPermission, inScope } from '../permissions.js';
import type { BusinessLine } from '../vocabulary.js';
import { ACCOUNT_OWNER } from '../vocabulary.js';
import { addMs, defineRule, nextId, requireAssignee, requireStatus } from './rule.js';

/** Statuses in which a case can be claimed or handed over. */
const workable = [
  'open',
  'in_review',
  'awaiting_info',
  'awaiting_approval',
  'monitoring',
  'reverted',
] as const;

export const claim = defineRule<Record<string, never>>({
  action: 'case.claimed',
  permission: 'case.review',
  check(c, _input, { actor }) {
    requireStatus(c, workable, 'claim');
    if (c.assignee !== null && c.assignee !== actor.id) {
      throw new DomainError('invalid_state', `the case is already claimed by ${c.assignee}`);
    }
  },
  apply(c, _input, { actor, now }) {
    return {
      ...c,
      assignee: actor.id,
      status: c.status === 'open' ? 'in_review' : c.status,
      firstClaimedAt: c.firstClaimedAt ?? now,
    };
  },
});

export const release = defineRule<Record<string, never>>({
  action: 'case.released',
  permission: 'case.review',
  check(c, _input, { actor }) {
    requireStatus(
      c,
      ['in_review', 'awaiting_info', 'awaiting_approval', 'monitoring', 'reverted'],
      'release',
    );
    if (c.assignee === null) throw new DomainError('invalid_state', 'the case is not claimed');
    if (c.assignee !== actor.id && !hasPermission(actor, 'case.release_any')) {
      throw new DomainError('forbidden', `only ${c.assignee} or a senior may release this case`);
    }
  },
  apply(c) {
    return { ...c, assignee: null };
  },
});

/**
 * Handing a case to someone else, by a senior. Whether that person may take it (enabled, reviewing in
 * the case's business line) is `assigneeRefusal`, which needs the user directory: the API checks it
 * before the update, and the directory's list of assignees is built with the same function.
 */
export const assign = defineRule<AssignInput>({
  action: 'case.assigned',
  permission: 'case.release_any',
  check(c, input) {
    requireStatus(c, workable, 'assign');
    if (c.assignee === input.assignee) {
      throw new DomainError('invalid_state', `the case is already assigned to ${input.assignee}`);
    }
  },
  apply(c, input, { now }) {
    return {
      ...c,
      assignee: input.assignee,
      status: c.status === 'open' ? 'in_review' : c.status,
      firstClaimedAt: c.firstClaimedAt ?? now,
    };
  },
  details: (input, next) => ({
    assignee: next.assignee,
    ...(input.comment === undefined ? {} : { comment: input.comment }),
  }),
});

/**
 * What the workflow adds to a policy's hand-over: `countsAsFirstResponse` is set only by runs replaying
 * from before the patch `policy-assignment-is-not-first-response`, which counted it as the case's first
 * response.
 */
export type AssignByPolicyStep = AssignByPolicyInput & { countsAsFirstResponse?: boolean };

/**
 * The engine handing a case over by the business line's assignment policy: a new case to the agent the
 * policy picks, or the case of an agent who went away to another (or back to the queue, `assignee` null).
 * It acts only on the case as the decision saw it, so a claim that came first is never overridden. It is
 * a senior's assignment in all but one thing: no person responded, so the first-response time (and its
 * deadline) waits for a person's claim or assignment.
 */
export const assignByPolicy = defineRule<AssignByPolicyStep>({
  action: 'case.assigned',
  check(c, input) {
    requireStatus(c, workable, 'assign');
    if (c.assignee !== input.from) {
      throw new DomainError(
        'invalid_state',
        c.assignee === null ? 'the case is not assigned any more' : `the case is assigned to ${c.assignee}`,
      );
    }
    if (input.assignee === c.assignee) {
      throw new DomainError('invalid_state', `the case is already assigned to ${input.assignee ?? 'nobody'}`);
    }
  },
  apply(c, input, ctx) {
    if (input.assignee === null) return { ...c, assignee: null };
    const next = assign.apply(c, { assignee: input.assignee }, ctx);
    return input.countsAsFirstResponse ? next : { ...next, firstClaimedAt: c.firstClaimedAt };
  },
  details: (input, next) => ({
    assignee: next.assignee,
    byPolicy: input.policy,
    policyVersion: input.policyVersion,
    why: input.why,
    ...(input.from === null ? {} : { from: input.from }),
    ...(input.awayUntil === null ? {} : { awayUntil: input.awayUntil }),
  }),
});

/** A person the directory knows, as far as taking a case goes. */
export interface Candidate extends Pick<Actor, 'id' | 'roles' | 'businessLines'> {
  enabled: boolean;
}

/** Why this person may not take a case in this business line, or undefined when they may. */
export function assigneeRefusal(candidate: Candidate, businessLine: BusinessLine): string | undefined {
  if (!candidate.enabled) return `${candidate.id} is disabled`;
  if (!hasPermission(candidate, 'case.review')) return `${candidate.id} does not review cases (case.review)`;
  if (!inScope(candidate, businessLine))
    return `business line ${businessLine} is not in ${candidate.id}'s scopes`;
  return undefined;
}

export const addNote = defineRule<NoteInput>({
  action: 'note.added',
  permission: 'case.review',
  check(c) {
    if (c.status === 'closed') throw new DomainError('invalid_state', 'the case is closed');
  },
  apply(c, input, { actor, now }) {
    return {
      ...c,
      notes: [...c.notes, { id: nextId('note', c.notes), text: input.text, by: actor.id, at: now }],
    };
  },
  details: (input, next) => ({ noteId: next.notes.at(-1)?.id, length: input.text.length }),
});

export const requestInfo = defineRule<InfoRequestInput>({
  action: 'info.requested',
  permission: 'case.review',
  check(c, _input, { actor }) {
    requireStatus(c, ['in_review'], 'ask the user for information');
    requireAssignee(c, actor, 'ask the user for information');
  },
  apply(c, input, { actor, now, policy }) {
    const request = {
      id: nextId('info', c.infoRequests),
      question: input.question,
      requestedBy: actor.id,
      requestedAt: now,
      dueAt: addMs(now, policy.infoRequest.wait),
      status: 'open' as const,
      answer: null,
      answeredBy: null,
      answeredVia: null,
    };
    return { ...c, status: 'awaiting_info', infoRequests: [...c.infoRequests, request] };
  },
  details: (_input, next) => ({
    infoRequestId: next.infoRequests.at(-1)?.id,
    dueAt: next.infoRequests.at(-1)?.dueAt,
  }),
});

export const respondInfo = defineRule<InfoResponseInput>({
  action: 'info.answered',
  permission: 'case.review',
  check(c) {
    requireStatus(c, ['awaiting_info'], 'record the user’s answer');
  },
  apply(c, input, { actor }) {
    // Answers recorded before channels existed carry no `via`: they were all told to an agent.
    const via = input.via ?? 'phone';
    return {
      ...c,
      status: 'in_review',
      infoRequests: c.infoRequests.map((r) =>
        r.status === 'open'
          ? {
              ...r,
              status: 'answered' as const,
              answer: input.answer,
              answeredBy: actor.id,
              answeredVia: via,
            }
          : r,
      ),
    };
  },
  details: (input) => ({ answeredBy: 'agent', via: input.via ?? 'phone' }),
});

/**
 * The account owner's own answer, from the respond page: the link they followed was minted for this one
 * request, so an answer to a request that was since answered, expired or replaced is refused.
 */
export const answerAsOwner = defineRule<OwnerAnswerInput>({
  action: 'info.answered',
  check(c, input) {
    requireStatus(c, ['awaiting_info'], 'record the user’s answer');
    if (!c.infoRequests.some((r) => r.id === input.infoRequestId && r.status === 'open')) {
      throw new DomainError('invalid_state', `information request ${input.infoRequestId} is not open`);
    }
  },
  apply(c, input) {
    return {
      ...c,
      status: 'in_review',
      infoRequests: c.infoRequests.map((r) =>
        r.id === input.infoRequestId
          ? {
              ...r,
              status: 'answered' as const,
              answer: input.answer,
              answeredBy: ACCOUNT_OWNER,
              answeredVia: 'respond_link' as const,
            }
          : r,
      ),
    };
  },
  details: (input) => ({
    infoRequestId: input.infoRequestId,
    answeredBy: ACCOUNT_OWNER,
    via: 'respond_link',
  }),
});

export const expireInfoRequest = defineRule<{ infoRequestId: string }>({
  action: 'info.expired',
  check(c, input) {
    requireStatus(c, ['awaiting_info'], 'expire an information request');
    if (!c.infoRequests.some((r) => r.id === input.infoRequestId && r.status === 'open')) {
      throw new DomainError('invalid_state', `information request ${input.infoRequestId} is not open`);
    }
  },
  apply(c, input, { now }) {
    return {
      ...c,
      status: 'closed',
      outcome: 'expired',
      closedAt: now,
      infoRequests: c.infoRequests.map((r) =>
        r.id === input.infoRequestId ? { ...r, status: 'expired' as const } : r,
      ),
    };
  },
  details: (input) => ({ infoRequestId: input.infoRequestId }),
});

export const resolve = defineRule<ResolveInput>({
  action: 'case.resolved',
  permission: 'case.review',
  check(c, input, { actor }) {
    requireStatus(c, ['in_review', 'awaiting_info', 'awaiting_approval', 'reverted'], 'resolve');
    requireAssignee(c, actor, 'resolve the case');
    if ((input.outcome === 'reverted') !== (c.status === 'reverted')) {
      throw new DomainError(
        'invalid_state',
        c.status === 'reverted'
          ? 'a case whose lift was reverted closes with outcome reverted'
          : 'outcome reverted is only for a case whose lift was reverted',
      );
    }
  },
  apply(c, input, { actor, now }) {
    return {
      ...c,
      status: 'closed',
      outcome: input.outcome,
      closedAt: now,
      resolution: { by: actor.id, summary: input.summary },
      proposals: c.proposals.map((p) =>
        p.status === 'pending' ? { ...p, status: 'withdrawn' as const, decidedAt: now } : p,
      ),
      infoRequests: c.infoRequests.map((r) =>
        r.status === 'open' ? { ...r, status: 'expired' as const } : r,
      ),
      afterReviews: closeAfterReviews(c),
    };
  },
  details: (input) => ({ outcome: input.outcome }),
});

/** A case closed by a person counts as the after-review of any break-glass restriction it carried. */
function closeAfterReviews(c: Case): Case['afterReviews'] {
  return c.afterReviews.map((r) => (r.status === 'open' ? { ...r, status: 'done' as const } : r));
}
