import { condition } from '@temporalio/workflow';
import { afterReviewOverdue, requestAfterReview } from '../../src/domain/lifecycle/execution.js';
import { systemActor } from '../../src/domain/permissions.js';
import { handleAction } from '../handlers.js';
import type { AfterReviewRequest } from '../messages.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';

/**
 * Break-glass: a restriction a person applied at once, without a checker, must be reviewed after the
 * fact within the policy's time; an overdue review flags the case and tells the risk-ops lead.
 */
export function registerAfterReview(rt: CaseRuntime, initial: AfterReviewRequest | undefined): void {
  handleAction(rt, 'requestAfterReview', (next) => {
    const review = next.afterReviews.at(-1);
    if (review) rt.spawnTimer(() => afterReviewDue(rt, review.controlId));
  });
  if (initial) {
    rt.apply(requestAfterReview, initial, { ...systemActor, id: initial.appliedBy });
    rt.spawnTimer(() => afterReviewDue(rt, initial.controlId));
  }
}

async function afterReviewDue(rt: CaseRuntime, controlId: string): Promise<void> {
  const review = () => rt.case.afterReviews.find((r) => r.controlId === controlId && r.status === 'open');
  const dueAt = review()?.dueAt;
  if (!dueAt) return;
  const done = await condition(() => review() === undefined, msUntil(dueAt), { summary: 'afterReviewDue' });
  if (done || !review()) return;
  rt.apply(afterReviewOverdue, { controlId });
  await rt.activities.notify({
    key: `${rt.workflowId}:after-review:${controlId}:overdue`,
    recipient: 'lead:risk_ops',
    kind: 'after_review.overdue',
    caseId: rt.case.id,
    payload: { controlId, dueAt },
  });
}
