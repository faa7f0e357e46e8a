import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import { workflowIdFor } from '../src/domain/case.js';
import { ownerDepartmentsOf, withOwner } from '../src/domain/controls.js';
import { completeLateRevert } from '../src/domain/lifecycle/execution.js';
import { openCase } from '../src/domain/lifecycle/intake.js';
import { run } from '../src/domain/lifecycle/rule.js';
import type { Actor } from '../src/domain/permissions.js';
import { systemActor } from '../src/domain/permissions.js';
import type { Policy } from '../src/domain/policy.js';
import { defaultPolicy } from '../src/domain/policy.js';
import type { CaseWorkflowInput, CompensationInput, CompensationResult } from './messages.js';
import { activitiesFor, nowIso } from './runtime.js';
import { caseStartOptions } from './searchAttributes.js';

/**
 * A lift reverted after its case closed. The case workflow has finished, so this run of its own (one per
 * lift: its ID is derived from the lift, and a second request joins it) puts the snapshot back, locks
 * withdrawals after an unbind, records the revert on the closed case, and opens a review case linked to
 * the lift. Every activity is retried until it succeeds: a compensation never gives up.
 */
export async function compensateLift(input: CompensationInput): Promise<CompensationResult> {
  const policy = { ...defaultPolicy, ...input.policy };
  const activities = activitiesFor(policy);
  const { workflowId } = workflowInfo();
  const original = input.case;
  const lift = original.lifts.find((l) => l.id === input.liftId);
  if (!lift) throw new Error(`case ${original.id} has no lift ${input.liftId}`);
  const snapshot = lift.snapshot.map(withOwner);

  const current = await activities.readControls(snapshot.map((c) => c.id));
  const alreadyReapplied = current.filter((c) => c.status === 'active').map((c) => c.id);
  await activities.reapplyControls({
    idempotencyKey: `${workflowId}:reapply`,
    caseId: original.id,
    actor: input.request.requestedBy,
    snapshots: snapshot.filter((c) => !alreadyReapplied.includes(c.id)),
  });
  let withdrawalLockId: string | null = null;
  if (snapshot.some((c) => c.category === 'binding')) {
    const lock = await activities.applyRestriction({
      idempotencyKey: `${workflowId}:lock`,
      caseId: original.id,
      accountId: original.accountId,
      kind: 'withdrawal_lock',
      businessLine: original.businessLine,
      reason: `late revert of ${lift.id} on case ${original.id}: ${input.request.reason}`,
    });
    withdrawalLockId = lock.id;
  }

  const actor: Actor = { ...systemActor, id: input.request.requestedBy };
  const { next, event } = run(
    completeLateRevert,
    original,
    {
      liftId: lift.id,
      request: input.request,
      alreadyReapplied,
      withdrawalLockId,
      followUpCaseId: input.followUpCaseId,
    },
    { actor, now: nowIso(), policy },
  );
  await activities.recordProgress({ case: next, events: [{ ...event, revision: next.revision }] });

  await openFollowUp(input, policy);
  for (const recipient of [
    `account:${original.accountId}`,
    'lead:risk_ops',
    ...ownerDepartmentsOf(snapshot).map((d) => `lead:${d}`),
  ]) {
    await activities.notify({
      key: `${workflowId}:reverted:${recipient}`,
      recipient,
      kind: 'lift.reverted',
      caseId: original.id,
      payload: {
        liftId: lift.id,
        reason: input.request.reason,
        late: true,
        followUpCaseId: input.followUpCaseId,
      },
    });
  }
  return { case: next, followUpCaseId: input.followUpCaseId };
}

/** The review case about the lift; a signal may have opened it already, and then it stands. */
async function openFollowUp(input: CompensationInput, policy: Policy): Promise<void> {
  const original = input.case;
  const c = openCase(
    input.followUpCaseId,
    {
      type: 'complaint',
      accountId: original.accountId,
      businessLine: original.businessLine,
      channel: 'internal',
      subject: `Review of ${input.liftId} on case ${original.id} after it was reverted`,
      description: `${input.liftId} on case ${original.id} was reverted after the case closed: ${input.request.reason}`,
    },
    { tier: original.riskTier, reasons: [`follows up case ${original.id}, which was ${original.riskTier}`] },
    input.request.requestedBy,
    nowIso(),
    {
      reasonCodeVersion: policy.reasonCodes.version,
      policy,
      linkedTo: { caseId: original.id, liftId: input.liftId, why: input.why },
    },
  );
  const start: CaseWorkflowInput = { case: c, policy };
  try {
    await startChild('complaintCase', {
      workflowId: workflowIdFor(c.id),
      args: [start],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...caseStartOptions(c),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
