import type { Case } from '../src/domain/case.js';
import { runCase } from './case.js';
import type { CaseWorkflowInput } from './messages.js';
import { plans } from './plans.js';

/*
 * One workflow type per case type, so ops can tell them apart in the Web UI; they share every step and
 * differ only in their plan.
 */

export async function complaintCase(input: CaseWorkflowInput): Promise<Case> {
  return runCase(input, plans.complaintCase);
}

export async function unfreezeCase(input: CaseWorkflowInput): Promise<Case> {
  return runCase(input, plans.unfreezeCase);
}

export async function unbindCase(input: CaseWorkflowInput): Promise<Case> {
  return runCase(input, plans.unbindCase);
}

export { compensateLift } from './compensation.js';
export { incidentCampaign } from './campaign.js';
