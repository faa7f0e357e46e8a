import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RiskSignalInput } from '../src/domain/schemas/actions.js';
import type { Case, LiftLink } from '../src/domain/case.js';
import type { LateRevert } from '../src/domain/lifecycle/execution.js';
import type { ActionPayload } from '../src/domain/caseActions.js';
import type { Policy } from '../src/domain/policy.js';
import type { CaseType } from '../src/domain/vocabulary.js';

/*
 * The contract between the API and the case workflows, beside the actions' updates (declared with their
 * rules in src/domain/caseActions.ts). Risk signals are Signals, accepted by the server even while no
 * worker runs; the case is read with a Query.
 */

/** A break-glass restriction to review after the fact, handed to the case that opens for it. */
export type AfterReviewRequest = ActionPayload<'requestAfterReview'>;

export interface CaseWorkflowInput {
  case: Case;
  /** Snapshotted at start, so a later policy change never alters a running case. */
  policy: Policy;
  afterReview?: AfterReviewRequest | undefined;
  /**
   * Set by a starter that wrote the case's projection before starting it (the API does): the opening's
   * audit entry can then wait for the case's first change and go out with it.
   */
  projected?: true | undefined;
}

export type RiskSignal = Omit<RiskSignalInput, 'accountId'> & { actor: string };
export const riskSignal = defineSignal<[RiskSignal]>('riskSignal');

export const getCaseQuery = defineQuery<Case>('getCase');

export const workflowTypes = {
  complaint: 'complaintCase',
  unfreeze: 'unfreezeCase',
  unbind: 'unbindCase',
} as const satisfies Record<CaseType, string>;

/** The input of `compensateLift`, the revert of a lift whose case has closed; one run per lift. */
export interface CompensationInput {
  /** The closed case as the projection held it when the revert was asked for. */
  case: Case;
  liftId: string;
  request: LateRevert['request'];
  followUpCaseId: string;
  why: LiftLink['why'];
  /** The policy new cases start with now: the follow-up case's own snapshot. */
  policy: Policy;
}

export interface CompensationResult {
  case: Case;
  followUpCaseId: string;
}
