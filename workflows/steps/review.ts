import { condition, patched } from '@temporalio/workflow';
import { assignByPolicy, expireInfoRequest } from '../../src/domain/lifecycle/review.js';
import { handleAction, handleCustom } from '../handlers.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';

/**
 * Added after cases were running: a question is now sent to the account owner (with a link to answer it
 * on the respond page), and the assignee hears when the owner answers there. Cases that asked before
 * sent nothing, and replay so.
 */
export const ASK_ACCOUNT_OWNER_PATCH = 'ask-account-owner-with-respond-link';

/**
 * Added after cases were running: a hand-over by the assignment policy no longer counts as the case's
 * first response (no person responded), so the first-response time and deadline wait for a person's claim
 * or assignment. Runs that handed a case over before it replay as they counted it.
 */
export const POLICY_ASSIGNMENT_PATCH = 'policy-assignment-is-not-first-response';

/**
 * Questions to the user have a deadline; a policy's hand-over counts as a response only in runs from
 * before `POLICY_ASSIGNMENT_PATCH`; claim, release, notes, answers and resolution are plain rules.
 */
export function registerReview(rt: CaseRuntime): void {
  handleCustom(rt, 'assignByPolicy', (actor, payload) =>
    rt.act(
      assignByPolicy,
      patched(POLICY_ASSIGNMENT_PATCH) ? payload : { ...payload, countsAsFirstResponse: true },
      actor,
    ),
  );
  handleAction(rt, 'requestInfo', (next) => {
    const request = next.infoRequests.at(-1);
    if (!request) return;
    rt.spawnTimer(() => infoRequestDeadline(rt, request.id, request.dueAt));
    if (patched(ASK_ACCOUNT_OWNER_PATCH)) {
      rt.spawnTimer(() =>
        rt.activities.notify({
          key: `${rt.workflowId}:${request.id}:asked`,
          recipient: `account:${next.accountId}`,
          kind: 'info.requested',
          caseId: next.id,
          payload: { infoRequestId: request.id, question: request.question, dueAt: request.dueAt },
        }),
      );
    }
  });
  handleAction(rt, 'answerAsOwner', (next) => {
    const { assignee } = next;
    const request = next.infoRequests.findLast((r) => r.answeredVia === 'respond_link');
    if (!assignee || !request || !patched(ASK_ACCOUNT_OWNER_PATCH)) return;
    rt.spawnTimer(() =>
      rt.activities.notify({
        key: `${rt.workflowId}:${request.id}:answered`,
        recipient: `user:${assignee}`,
        kind: 'info.answered',
        caseId: next.id,
        payload: { infoRequestId: request.id, answeredVia: 'respond_link' },
      }),
    );
  });
}

/** A question the user never answers closes the case as expired after the policy's wait. */
async function infoRequestDeadline(rt: CaseRuntime, infoRequestId: string, dueAt: string): Promise<void> {
  const isOpen = () => rt.case.infoRequests.some((r) => r.id === infoRequestId && r.status === 'open');
  const answered = await condition(() => !isOpen(), msUntil(dueAt), { summary: 'infoRequestDeadline' });
  if (!answered && isOpen()) rt.apply(expireInfoRequest, { infoRequestId });
}
