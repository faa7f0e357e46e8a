import { condition } from '@temporalio/workflow';
import { z } from 'zod';
import { InfoRequestInput, InfoResponseInput, NoteInput, ResolveInput } from '../../src/domain/actions.js';
import {
  addNote,
  claim,
  expireInfoRequest,
  release,
  requestInfo,
  resolve,
  respondInfo,
} from '../../src/domain/lifecycle/review.js';
import { handleAction } from '../handlers.js';
import {
  addNoteUpdate,
  claimUpdate,
  releaseUpdate,
  requestInfoUpdate,
  resolveUpdate,
  respondInfoUpdate,
} from '../messages.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';

const Empty = z.strictObject({});

/** Claim, release, notes, questions to the user (with a deadline) and resolution. */
export function registerReview(rt: CaseRuntime): void {
  handleAction(rt, claimUpdate, Empty, claim);
  handleAction(rt, releaseUpdate, Empty, release);
  handleAction(rt, addNoteUpdate, NoteInput, addNote);
  handleAction(rt, requestInfoUpdate, InfoRequestInput, requestInfo, (next) => {
    const request = next.infoRequests.at(-1);
    if (request) rt.spawnTimer(() => infoRequestDeadline(rt, request.id, request.dueAt));
  });
  handleAction(rt, respondInfoUpdate, InfoResponseInput, respondInfo);
  handleAction(rt, resolveUpdate, ResolveInput, resolve);
}

/** A question the user never answers closes the case as expired after the policy's wait. */
async function infoRequestDeadline(rt: CaseRuntime, infoRequestId: string, dueAt: string): Promise<void> {
  const isOpen = () => rt.case.infoRequests.some((r) => r.id === infoRequestId && r.status === 'open');
  const answered = await condition(() => !isOpen(), msUntil(dueAt), { summary: 'infoRequestDeadline' });
  if (!answered && isOpen()) rt.apply(expireInfoRequest, { infoRequestId });
}
