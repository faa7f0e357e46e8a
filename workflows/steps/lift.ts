import { patched } from '@temporalio/workflow';
import type { Proposal } from '../../src/domain/case.js';
import { refusalIn } from '../../src/domain/failures.js';
import { voidProposal } from '../../src/domain/lifecycle/approval.js';
import { completeLift } from '../../src/domain/lifecycle/execution.js';
import type { CaseRuntime } from '../runtime.js';
import { notifyOwners } from './owners.js';
import { controlRefs, notifyMaker } from './approval.js';

/**
 * A step that must pass before an approved lift is carried out. Whether it runs is decided synchronously:
 * `when` (if given) says whether this case needs it, then `patched(patch)` says whether this run took the
 * code that has it, so a skipped step adds no `await` and the commands of cases recorded before the step
 * existed keep their order. Every step added after cases were running needs its patch, so the type asks
 * for one. `run` returning false means the step has put the case back where it belongs (in review) and
 * nothing is lifted.
 */
export interface BeforeLiftStep {
  /** The `patched()` id of the change that added the step; cases started before it replay without it. */
  patch: string;
  /**
   * The audit action the step records first when it runs: the replay suite looks for it in the recorded
   * histories, so a step no scenario takes is named before its first production case replays it.
   */
  records: string;
  when?(rt: CaseRuntime, proposal: Proposal): boolean;
  run(rt: CaseRuntime, proposal: Proposal): Promise<boolean>;
}

function applies(step: BeforeLiftStep, rt: CaseRuntime, proposal: Proposal): boolean {
  return (step.when?.(rt, proposal) ?? true) && patched(step.patch);
}

function isControlsChanged(error: unknown): boolean {
  return refusalIn(error)?.code === 'controls_changed';
}

/**
 * Lifts the approved controls. The registry re-checks, in the same transaction that lifts, that each is
 * still active at the version the checkers approved; the lift is keyed by workflow and proposal, so a
 * retry after a crash returns the first lift's snapshot instead of lifting twice.
 */
export async function executeLift(rt: CaseRuntime, beforeLift: readonly BeforeLiftStep[]): Promise<void> {
  const proposal = rt.case.proposals.findLast((p) => p.status === 'approved');
  if (!proposal) throw new Error(`case ${rt.case.id} is executing without an approved proposal`);
  for (const step of beforeLift) {
    if (applies(step, rt, proposal) && !(await step.run(rt, proposal))) return;
  }
  const lifted = {
    key: `${rt.workflowId}:${proposal.id}:lifted`,
    recipient: `account:${rt.case.accountId}`,
    kind: 'controls.lifted' as const,
    caseId: rt.case.id,
    payload: { controlIds: proposal.controlIds },
  };
  try {
    const approvers = proposal.approvals.map((a) => a.by).join(', ');
    const snapshot = await rt.activities.liftControls({
      idempotencyKey: `${rt.workflowId}:lift:${proposal.id}`,
      caseId: rt.case.id,
      actor: `${proposal.maker} (approved by ${approvers})`,
      controls: controlRefs(proposal),
      ...(rt.lean ? { notify: lifted } : {}),
    });
    rt.apply(completeLift, { proposalId: proposal.id, snapshot });
  } catch (error) {
    if (!isControlsChanged(error)) throw error;
    rt.apply(voidProposal, { proposalId: proposal.id, changes: [] });
    await notifyMaker(rt, proposal, 'proposal.voided');
    return;
  }
  if (!rt.lean) await rt.activities.notify(lifted);
  await notifyOwners(rt, rt.case.lifts.at(-1)?.snapshot ?? [], 'controls.lifted', proposal.id);
}
