import type { Case } from './case.js';
import type { ActionName } from './caseActions.js';
import type { Outstanding, PendingItem } from './schemas/waits.js';
import type { CaseDeadline, CaseStatus } from './vocabulary.js';

export type { Outstanding, PendingItem } from './schemas/waits.js';

/*
 * What a case is waiting for, declared once per step. The step text, the recorder's choice to hold records
 * back, the case's next due time, `allowedActions` and the console all read these declarations, so a step
 * that waits for someone adds an entry here and nothing to any of them.
 */

/** One kind of thing a case can wait for, as a step declares it. */
export interface Wait {
  /** What is outstanding on this case now, each with who must act and by when. */
  pending(c: Case): Outstanding[];
  /** The actions that answer it, which mean nothing while none is pending. */
  actions: readonly ActionName[];
  /**
   * The status the case stays in while one is pending, and the step text then. While it holds the case,
   * the records of the changes before it do not wait for a later change to go out with.
   */
  holds?: { status: CaseStatus; step(item: Outstanding, c: Case): string };
}

/** When the case owes this deadline, while it still owes it; undefined once met (or never set). */
export function owedDeadline(c: Case, deadline: CaseDeadline): string | undefined {
  switch (deadline) {
    case 'first_response':
      return c.firstClaimedAt === null && c.status !== 'closed'
        ? (c.firstResponseDueAt ?? undefined)
        : undefined;
    case 'resolution':
      return c.status === 'monitoring' || c.status === 'closed'
        ? undefined
        : (c.resolutionDueAt ?? undefined);
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const waits = {
  escalation: {
    pending: (c) =>
      c.escalations
        .filter((e) => e.status === 'open')
        .map((e) => ({ id: e.id, what: `an answer to ${e.id}`, who: e.department, dueAt: e.dueAt })),
    actions: ['answerEscalation'],
  },
  infoRequest: {
    pending: (c) =>
      c.infoRequests
        .filter((r) => r.status === 'open')
        .map((r) => ({ id: r.id, what: `the user's answer to ${r.id}`, who: 'the user', dueAt: r.dueAt })),
    actions: ['respondInfo'],
    holds: { status: 'awaiting_info', step: (item) => `waiting for the user's answer until ${item.dueAt}` },
  },
  proposal: {
    pending: (c) =>
      c.proposals
        .filter((p) => p.status === 'pending')
        .map((p) => {
          const missing = p.requiredApprovals - p.approvals.length;
          const roleMissing =
            p.requiredRole !== null && !p.approvals.some((a) => a.countsAs === p.requiredRole);
          const role = roleMissing ? ` (one ${p.requiredRole})` : '';
          return {
            id: p.id,
            what: `${plural(missing, 'more approval')}${role} of ${p.id}`,
            who: roleMissing ? `a checker (${p.requiredRole})` : 'a checker',
            dueAt: p.expiresAt,
          };
        }),
    actions: ['approve', 'reject', 'withdraw'],
    holds: { status: 'awaiting_approval', step: (item) => `waiting for ${item.what}` },
  },
  afterReview: {
    pending: (c) =>
      c.afterReviews
        .filter((r) => r.status !== 'done')
        .map((r) => ({
          id: r.controlId,
          what: `a review of ${r.kind} ${r.controlId}, applied by ${r.appliedBy}`,
          who: 'a reviewer',
          dueAt: r.dueAt,
        })),
    actions: [],
  },
  reverification: {
    pending: (c) =>
      c.reverifications
        .filter((r) => r.status === 'pending')
        .map((r) => ({
          id: r.id,
          what: `the user to re-verify before ${r.proposalId} is carried out`,
          who: 'the user, recorded by someone other than the maker',
          dueAt: r.dueAt,
        })),
    actions: ['recordReverification'],
    holds: { status: 'executing', step: (item) => `waiting for the user to re-verify until ${item.dueAt}` },
  },
  firstResponse: {
    pending: (c) => {
      const dueAt = owedDeadline(c, 'first_response');
      return dueAt === undefined
        ? []
        : [
            {
              id: 'first_response',
              what: 'a first response: an agent claiming the case',
              who: 'an agent',
              dueAt,
            },
          ];
    },
    actions: [],
  },
  resolution: {
    pending: (c) => {
      const dueAt = owedDeadline(c, 'resolution');
      return dueAt === undefined
        ? []
        : [
            {
              id: 'resolution',
              what: 'the case resolved: closed, or its lift carried out',
              who: c.assignee ?? 'an agent',
              dueAt,
            },
          ];
    },
    actions: [],
  },
} satisfies Record<string, Wait>;

export type WaitKind = keyof typeof waits;

const declared: [WaitKind, Wait][] = Object.entries(waits) as [WaitKind, Wait][];

/** Everything the case is waiting for now, in the order the waits are declared. */
export function pendingItems(c: Case): PendingItem[] {
  return declared.flatMap(([wait, declaration]) =>
    declaration.pending(c).map((item) => ({ wait, ...item, actions: [...declaration.actions] })),
  );
}

/** The pending item the case's status waits on (a question, a proposal, a re-verification), if any. */
export function holdingItem(c: Case): { item: PendingItem; step: string } | undefined {
  for (const [wait, declaration] of declared) {
    if (declaration.holds?.status !== c.status) continue;
    const item = declaration.pending(c)[0];
    if (item) {
      return {
        item: { wait, ...item, actions: [...declaration.actions] },
        step: declaration.holds.step(item, c),
      };
    }
  }
  return undefined;
}

/** The earliest due time of anything the case waits for; null when it waits for nothing with one. */
export function nextDueAt(c: Case): string | null {
  let next: string | null = null;
  for (const [, declaration] of declared) {
    for (const item of declaration.pending(c)) if (next === null || item.dueAt < next) next = item.dueAt;
  }
  return next;
}

/**
 * Whether an action means anything on the case now: false for one that answers a wait (a
 * re-verification, an escalation) while nothing of that wait is pending, whose refusal then only says
 * there is nothing to answer.
 */
export function isAwaited(c: Case, action: ActionName): boolean {
  const answering = declared.filter(([, declaration]) => declaration.actions.includes(action));
  return answering.length === 0 || answering.some(([, declaration]) => declaration.pending(c).length > 0);
}
