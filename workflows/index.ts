import type { Case } from '../src/domain/case.js';
import { runCase } from './case.js';
import type { CaseWorkflowInput } from './messages.js';
import { reverifyUser } from './steps/reverification.js';

/*
 * One workflow type per case type, so ops can tell them apart in the Web UI; they share every step and
 * differ only in their plan.
 */

export async function complaintCase(input: CaseWorkflowInput): Promise<Case> {
  return runCase(input, { beforeLift: [] });
}

export async function unfreezeCase(input: CaseWorkflowInput): Promise<Case> {
  return runCase(input, { beforeLift: [] });
}

export async function unbindCase(input: CaseWorkflowInput): Promise<Case> {
  return runCase(input, { beforeLift: [reverifyUser] });
}

export { compensateLift } from './compensation.js';
