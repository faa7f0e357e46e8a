import { CancellationScope, condition, setHandler } from '@temporalio/workflow';
import { isRiskSignal } from '../../src/domain/actions.js';
import type { Lift } from '../../src/domain/case.js';
import { refusalIn } from '../../src/domain/failures.js';
import {
  closeLifted,
  completeRevert,
  currentLift,
  endCoolingOff,
  receiveRiskSignal,
  requestRevert,
  startCoolingOff,
} from '../../src/domain/lifecycle/execution.js';
import { systemActor } from '../../src/domain/permissions.js';
import { handleCustom } from '../handlers.js';
import { riskSignal } from '../messages.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';
import { notifyOwners } from './owners.js';

export function registerMonitoring(rt: CaseRuntime): void {
  handleCustom(rt, 'revert', async (actor, payload) => {
    rt.act(requestRevert, payload, actor);
    // Answer once the controls are back, so the caller sees the case as reverted.
    await condition(() => rt.case.revertRequest === null);
    return rt.case;
  });

  // A signal is a fact from the risk engine: never refused, always recorded; a malformed one is dropped.
  setHandler(riskSignal, (signal) => {
    if (!isRiskSignal(signal)) return;
    const { actor, signal: name, severity, occurredAt } = signal;
    rt.apply(receiveRiskSignal, { signal: name, severity, occurredAt }, { ...systemActor, id: actor });
  });
}

function removedBinding(lift: Lift): boolean {
  return lift.snapshot.some((control) => control.category === 'binding');
}

/**
 * Watches the account for the tier's window. A revert (by hand, or a high risk signal) runs the
 * compensation; a quiet window closes the case as lifted.
 */
export async function monitor(rt: CaseRuntime): Promise<void> {
  const lift = currentLift(rt.case);
  if (!lift) throw new Error(`case ${rt.case.id} is monitoring without a lift`);
  if (removedBinding(lift) && !lift.coolingOff) await startCoolingOffLock(rt, lift);

  await condition(() => rt.case.revertRequest !== null, msUntil(lift.monitoringUntil), {
    summary: 'monitoringWindow',
  });
  if (rt.case.revertRequest !== null) await compensate(rt, lift);
  else rt.apply(closeLifted, {});
}

/** A withdrawal lock on the case's account, put on once per `key` however often the activity is retried. */
function lockWithdrawals(rt: CaseRuntime, key: string, reason: string) {
  return rt.activities.applyRestriction({
    idempotencyKey: `${rt.workflowId}:${key}`,
    caseId: rt.case.id,
    accountId: rt.case.accountId,
    kind: 'withdrawal_lock',
    businessLine: rt.case.businessLine,
    reason,
  });
}

async function startCoolingOffLock(rt: CaseRuntime, lift: Lift): Promise<void> {
  const lock = await lockWithdrawals(
    rt,
    `cooling-off:${lift.id}`,
    `cooling-off after a binding was removed by case ${rt.case.id}`,
  );
  rt.apply(startCoolingOff, { liftId: lift.id, control: lock });
  rt.obligations.push(endCoolingOffLock(rt, lift.id, lock.version));
}

/** Lifts the cooling-off lock when its period ends, even if the case has closed by then. */
async function endCoolingOffLock(rt: CaseRuntime, liftId: string, version: number): Promise<void> {
  const coolingOff = () => rt.case.lifts.find((l) => l.id === liftId)?.coolingOff;
  const until = coolingOff()?.until;
  if (!until) return;
  await condition(() => coolingOff()?.status !== 'active', msUntil(until), { summary: 'coolingOff' });
  const active = coolingOff();
  if (active?.status !== 'active') return;
  try {
    await rt.activities.liftControls({
      idempotencyKey: `${rt.workflowId}:cooling-off-end:${liftId}`,
      caseId: rt.case.id,
      actor: 'system (cooling-off period over)',
      controls: [{ id: active.controlId, version }],
    });
    rt.apply(endCoolingOff, { liftId, lifted: true });
  } catch (error) {
    if (refusalIn(error)?.code !== 'controls_changed') throw error;
    rt.apply(endCoolingOff, { liftId, lifted: false });
  }
}

/**
 * The saga's compensation: put back exactly what was lifted, lock withdrawals if a binding was removed,
 * tell the user and risk ops. Non-cancellable and retried until it succeeds; making the account safer
 * needs no checker.
 */
async function compensate(rt: CaseRuntime, lift: Lift): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    const request = rt.case.revertRequest;
    if (!request) return;
    const reapplied = await rt.activities.reapplyControls({
      idempotencyKey: `${rt.workflowId}:revert:${lift.id}`,
      caseId: rt.case.id,
      actor: request.requestedBy,
      snapshots: lift.snapshot,
    });
    let withdrawalLockId: string | null = null;
    if (removedBinding(lift)) {
      const lock = await lockWithdrawals(
        rt,
        `revert-lock:${lift.id}`,
        `revert of ${lift.id} on case ${rt.case.id}: ${request.reason}`,
      );
      withdrawalLockId = lock.id;
    }
    rt.apply(completeRevert, { reapplied, withdrawalLockId });
    for (const recipient of [`account:${rt.case.accountId}`, 'lead:risk_ops']) {
      await rt.activities.notify({
        key: `${rt.workflowId}:${lift.id}:reverted:${recipient}`,
        recipient,
        kind: 'lift.reverted',
        caseId: rt.case.id,
        payload: { liftId: lift.id, reason: request.reason },
      });
    }
    await notifyOwners(rt, lift.snapshot, 'lift.reverted', lift.id);
  });
}
