import { condition } from '@temporalio/workflow';
import type { Proposal } from '../../src/domain/case.js';
import {
  expireReverification,
  pendingReverification,
  requestReverification,
} from '../../src/domain/lifecycle/reverification.js';
import type { CaseRuntime } from '../runtime.js';
import type { BeforeLiftStep } from './lift.js';
import { msUntil } from '../runtime.js';

/**
 * Added after cases were already running, the first step of a plan (see docs/adding-a-step.md). Cases
 * that had passed this point before the change replay without it; cases that reach it afterwards run it.
 */
export const REVERIFICATION_PATCH = 'unbind-reverification-before-lift';

/**
 * Before an approved unbind is carried out, the user proves again that they own the account (a video
 * call, a selfie check…), recorded by someone other than the maker. No proof within the policy's wait,
 * or a failed one, and nothing is lifted: the case goes back to review.
 */
export const reverifyUser: BeforeLiftStep = {
  patch: REVERIFICATION_PATCH,
  records: requestReverification.action,
  run: requestAndAwaitReverification,
};

async function requestAndAwaitReverification(rt: CaseRuntime, proposal: Proposal): Promise<boolean> {
  const requested = rt.apply(requestReverification, { proposalId: proposal.id });
  const reverification = pendingReverification(requested);
  if (!reverification) return false;
  await rt.activities.notify({
    key: `${rt.workflowId}:${reverification.id}:requested`,
    recipient: `account:${rt.case.accountId}`,
    kind: 'reverification.requested',
    caseId: rt.case.id,
    payload: { proposalId: proposal.id, dueAt: reverification.dueAt },
  });
  const isPending = () => pendingReverification(rt.case)?.id === reverification.id;
  await condition(() => !isPending(), msUntil(reverification.dueAt), { summary: 'reverificationDeadline' });
  if (isPending()) rt.apply(expireReverification, { reverificationId: reverification.id });
  return rt.case.reverifications.find((r) => r.id === reverification.id)?.status === 'passed';
}
