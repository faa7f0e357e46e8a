import type { NotificationInput } from '../src/db/outbox.js';
import { enqueueNotification } from '../src/db/outbox.js';
import type { Control, ControlChange, ControlRef, ControlSnapshot } from '../src/domain/controls.js';
import type { BusinessLine, RestrictionKind } from '../src/domain/vocabulary.js';
import type { ActivityDeps } from './index.js';

export interface LiftRequest {
  /** Workflow ID and step: a retried lift returns the first lift's snapshot instead of lifting again. */
  idempotencyKey: string;
  caseId: string;
  actor: string;
  controls: ControlRef[];
  /** Queued once the controls are lifted (keyed, so a retried lift queues it once), not as an activity of its own. */
  notify?: NotificationInput;
}

export function createControlActivities({
  controls,
  db,
  notifications,
}: Pick<ActivityDeps, 'controls' | 'db' | 'notifications'>) {
  return {
    async readControls(ids: string[]): Promise<Control[]> {
      return controls.get(ids);
    },

    async checkControlsUnchanged(refs: ControlRef[]): Promise<ControlChange[]> {
      return controls.changedSince(refs);
    },

    async liftControls({ notify, ...request }: LiftRequest): Promise<ControlSnapshot[]> {
      const snapshot = await controls.lift(request);
      if (notify) await enqueueNotification(db, notify, notifications);
      return snapshot;
    },

    async applyRestriction(input: {
      idempotencyKey: string;
      caseId: string;
      accountId: string;
      kind: RestrictionKind;
      businessLine: BusinessLine;
      reason: string;
    }): Promise<Control> {
      return controls.apply({ ...input, actor: 'system' });
    },

    /** Compensation: puts back exactly what a lift removed. */
    async reapplyControls(input: {
      idempotencyKey: string;
      caseId: string;
      actor: string;
      snapshots: ControlSnapshot[];
    }): Promise<Control[]> {
      return controls.reapply(input);
    },
  };
}
