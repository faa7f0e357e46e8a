import { condition } from '@temporalio/workflow';
import { expireInfoRequest } from '../../src/domain/lifecycle/review.js';
import { handleAction } from '../handlers.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';

/** Questions to the user have a deadline; claim, release, notes, answers and resolution are plain rules. */
export function registerReview(rt: CaseRuntime): void {
  handleAction(rt, 'requestInfo', (next) => {
    const request = next.infoRequests.at(-1);
    if (request) rt.spawnTimer(() => infoRequestDeadline(rt, request.id, request.dueAt));
  });
}

/** A question the user never answers closes the case as expired after the policy's wait. */
async function infoRequestDeadline(rt: CaseRuntime, infoRequestId: string, dueAt: string): Promise<void> {
  const isOpen = () => rt.case.infoRequests.some((r) => r.id === infoRequestId && r.status === 'open');
  const answered = await condition(() => !isOpen(), msUntil(dueAt), { summary: 'infoRequestDeadline' });
  if (!answered && isOpen()) rt.apply(expireInfoRequest, { infoRequestId });
}
