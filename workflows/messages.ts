import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AnswerEscalationInput,
  ApproveInput,
  EscalateInput,
  InfoRequestInput,
  InfoResponseInput,
  NoteInput,
  ProposeInput,
  RejectInput,
  ResolveInput,
  RevertInput,
  RiskSignalInput,
} from '../src/domain/actions.js';
import type { Case } from '../src/domain/case.js';
import type { RecordReverificationInput } from '../src/domain/lifecycle/reverification.js';
import type { Actor } from '../src/domain/permissions.js';
import type { Policy } from '../src/domain/policy.js';
import type { CaseType, ControlKind } from '../src/domain/vocabulary.js';

/*
 * The only contract between the API and the case workflows. Agent actions are Updates: the workflow
 * validates them against its own state and answers with the case after the action. Risk signals are
 * Signals, accepted by the server even while no worker runs.
 */

/** Every update carries who is acting; the workflow re-checks their permissions itself. */
export interface Acting<P> {
  actor: Actor;
  payload: P;
}

export interface AfterReviewRequest {
  controlId: string;
  kind: ControlKind;
  appliedBy: string;
  reason: string;
}

export interface CaseWorkflowInput {
  case: Case;
  /** Snapshotted at start, so a later policy change never alters a running case. */
  policy: Policy;
  afterReview?: AfterReviewRequest | undefined;
}

export const claimUpdate = defineUpdate<Case, [Acting<Record<string, never>>]>('claim');
export const releaseUpdate = defineUpdate<Case, [Acting<Record<string, never>>]>('release');
export const addNoteUpdate = defineUpdate<Case, [Acting<NoteInput>]>('addNote');
export const requestInfoUpdate = defineUpdate<Case, [Acting<InfoRequestInput>]>('requestInfo');
export const respondInfoUpdate = defineUpdate<Case, [Acting<InfoResponseInput>]>('respondInfo');
export const escalateUpdate = defineUpdate<Case, [Acting<EscalateInput>]>('escalate');
export const answerEscalationUpdate = defineUpdate<
  Case,
  [Acting<AnswerEscalationInput & { escalationId: string }>]
>('answerEscalation');
export const proposeUpdate = defineUpdate<Case, [Acting<ProposeInput>]>('propose');
export const approveUpdate = defineUpdate<Case, [Acting<ApproveInput & { proposalId: string }>]>('approve');
export const rejectUpdate = defineUpdate<Case, [Acting<RejectInput & { proposalId: string }>]>('reject');
export const resolveUpdate = defineUpdate<Case, [Acting<ResolveInput>]>('resolve');
export const revertUpdate = defineUpdate<Case, [Acting<RevertInput>]>('revert');
export const afterReviewUpdate = defineUpdate<Case, [Acting<AfterReviewRequest>]>('requestAfterReview');
export const recordReverificationUpdate = defineUpdate<Case, [Acting<RecordReverificationInput>]>(
  'recordReverification',
);

export type RiskSignal = Omit<RiskSignalInput, 'accountId'> & { actor: string };
export const riskSignal = defineSignal<[RiskSignal]>('riskSignal');

export const getCaseQuery = defineQuery<Case>('getCase');

export const workflowTypes = {
  complaint: 'complaintCase',
  unfreeze: 'unfreezeCase',
  unbind: 'unbindCase',
} as const satisfies Record<CaseType, string>;
