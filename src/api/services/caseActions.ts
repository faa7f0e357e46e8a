import type { UpdateDefinition } from '@temporalio/common';
import {
  afterReviewUpdate,
  addNoteUpdate,
  answerEscalationUpdate,
  approveUpdate,
  claimUpdate,
  escalateUpdate,
  proposeUpdate,
  rejectUpdate,
  releaseUpdate,
  requestInfoUpdate,
  resolveUpdate,
  respondInfoUpdate,
  recordReverificationUpdate,
  revertUpdate,
} from '../../../workflows/messages.js';
import type { Acting } from '../../../workflows/messages.js';
import type { Case } from '../../domain/case.js';
import { answerEscalation, escalate } from '../../domain/lifecycle/escalations.js';
import { approve, propose, reject } from '../../domain/lifecycle/approval.js';
import { requestAfterReview, requestRevert } from '../../domain/lifecycle/execution.js';
import { addNote, claim, release, requestInfo, resolve, respondInfo } from '../../domain/lifecycle/review.js';
import { recordReverification } from '../../domain/lifecycle/reverification.js';
import type { Rule } from '../../domain/lifecycle/rule.js';

interface CaseAction<P> {
  update: UpdateDefinition<Case, [Acting<P>]>;
  rule: Rule<P>;
}

function action<P>(update: UpdateDefinition<Case, [Acting<P>]>, rule: Rule<P>): CaseAction<P> {
  return { update, rule };
}

/**
 * Each agent action: the update that carries it to the workflow and the rule the API checks first.
 * The workflow's validator checks the same rule again on its own state.
 */
export const caseActions = {
  claim: action(claimUpdate, claim),
  release: action(releaseUpdate, release),
  addNote: action(addNoteUpdate, addNote),
  requestInfo: action(requestInfoUpdate, requestInfo),
  respondInfo: action(respondInfoUpdate, respondInfo),
  escalate: action(escalateUpdate, escalate),
  answerEscalation: action(answerEscalationUpdate, answerEscalation),
  propose: action(proposeUpdate, propose),
  approve: action(approveUpdate, approve),
  reject: action(rejectUpdate, reject),
  resolve: action(resolveUpdate, resolve),
  revert: action(revertUpdate, requestRevert),
  requestAfterReview: action(afterReviewUpdate, requestAfterReview),
  recordReverification: action(recordReverificationUpdate, recordReverification),
};

export type CaseActionName = keyof typeof caseActions;
export type PayloadOf<A extends CaseActionName> =
  (typeof caseActions)[A] extends CaseAction<infer P> ? P : never;
