import { patched } from '@temporalio/workflow';
import type { ControlSnapshot } from '../../src/domain/controls.js';
import { ownerDepartmentsOf, withOwner } from '../../src/domain/controls.js';
import type { CaseRuntime } from '../runtime.js';

/** Added after cases were running: a lift or revert recorded before it told no owner, and replays so. */
export const OWNER_NOTICE_PATCH = 'notify-control-owners';

/** Tells the lead of each department that owns one of the controls that they were lifted or put back. */
export async function notifyOwners(
  rt: CaseRuntime,
  controls: readonly ControlSnapshot[],
  kind: 'controls.lifted' | 'lift.reverted',
  step: string,
): Promise<void> {
  if (!patched(OWNER_NOTICE_PATCH)) return;
  // Snapshots taken before controls had an owner count as a review's.
  const owned = controls.map(withOwner);
  for (const department of ownerDepartmentsOf(owned)) {
    await rt.activities.notify({
      key: `${rt.workflowId}:${step}:${kind}:owner:${department}`,
      recipient: `lead:${department}`,
      kind,
      caseId: rt.case.id,
      payload: {
        controls: owned
          .filter((c) => ownerDepartmentsOf([c]).includes(department))
          .map((c) => ({ id: c.id, kind: c.kind, source: c.source, externalRef: c.externalRef })),
      },
    });
  }
}
