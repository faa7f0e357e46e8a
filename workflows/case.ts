import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { Case } from '../src/domain/case.js';
import type { CaseWorkflowInput } from './messages.js';
import { getCaseQuery } from './messages.js';
import { handleRemainingActions } from './handlers.js';
import { CaseRuntime } from './runtime.js';
import { registerAfterReview } from './steps/afterReview.js';
import { registerApproval } from './steps/approval.js';
import { registerDeadlines } from './steps/deadlines.js';
import { registerEscalations } from './steps/escalations.js';
import type { BeforeLiftStep } from './steps/lift.js';
import { executeLift } from './steps/lift.js';
import { monitor, registerMonitoring } from './steps/monitoring.js';
import { registerReview } from './steps/review.js';

/** What differs between case types: the steps an approved lift must pass first. */
export interface CasePlan {
  beforeLift: readonly BeforeLiftStep[];
}

/**
 * One case from intake to closure. Agent actions arrive as updates and change the state; this loop
 * carries out what those changes set going (a lift once approved, the monitoring after it) until the
 * case is closed, then finishes the obligations that outlive it and writes the last records.
 */
export async function runCase(input: CaseWorkflowInput, plan: CasePlan): Promise<Case> {
  const rt = new CaseRuntime(input);
  setHandler(getCaseQuery, () => rt.case);
  rt.opened();
  registerReview(rt);
  registerEscalations(rt);
  registerApproval(rt);
  registerMonitoring(rt);
  registerAfterReview(rt, input.afterReview);
  registerDeadlines(rt);
  handleRemainingActions(rt);

  let finished = false;
  const recorder = rt.recordUntil(() => finished);

  while (rt.case.status !== 'closed') {
    await condition(() => ['executing', 'monitoring', 'closed'].includes(rt.case.status));
    if (rt.case.status === 'executing') await executeLift(rt, plan.beforeLift);
    else if (rt.case.status === 'monitoring') await monitor(rt);
  }

  rt.timers.cancel();
  await Promise.all(rt.obligations);
  await condition(allHandlersFinished);
  finished = true;
  await recorder;
  return rt.case;
}
