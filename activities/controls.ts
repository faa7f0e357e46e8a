import type { Control, ControlChange, ControlRef, ControlSnapshot } from '../src/domain/controls.js';
import type { BusinessLine, RestrictionKind } from '../src/domain/vocabulary.js';
import type { ActivityDeps } from './index.js';

export interface LiftRequest {
  /** Workflow ID and step: a retried lift returns the first lift's snapshot instead of lifting again. */
  idempotencyKey: string;
  caseId: string;
  actor: string;
  controls: ControlRef[];
}

export function createControlActivities({ controls }: Pick<ActivityDeps, 'controls'>) {
  return {
    async readControls(ids: string[]): Promise<Control[]> {
      return controls.get(ids);
    },

    async checkControlsUnchanged(refs: ControlRef[]): Promise<ControlChange[]> {
      return controls.changedSince(refs);
    },

    async liftControls(request: LiftRequest): Promise<ControlSnapshot[]> {
      return controls.lift(request);
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
