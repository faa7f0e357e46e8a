import type { SearchAttributePair } from '@temporalio/common';
import {
  condition,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  AssigneeKey,
  CaseStatusKey,
  OutcomeKey,
  RiskTierKey,
  SlaBreachedKey,
} from '../../workflows/searchAttributes.js';
import type { BareActivities } from './activities.js';

/*
 * The bare baseline: the Temporal work of a low-tier unfreeze case and nothing else. The same updates,
 * the same activities (no-ops on the worker), the same timers and search-attribute upserts at the same
 * points, and a recorder beside the main flow flushing records as dualkey's does; no domain rules, no
 * validation, no case document. Kept in step with `workflows/` by hand: the benchmark prints both
 * histories' billable actions, so a drift shows as a difference there.
 */

export interface BareInput {
  proposalExpiryMs: number;
  monitoringMs: number;
}

type Status = 'open' | 'in_review' | 'awaiting_approval' | 'executing' | 'monitoring' | 'closed';
export interface BareState {
  status: Status;
  assignee: string;
}

export const claimUpdate = defineUpdate<BareState, [string]>('claim');
export const proposeUpdate = defineUpdate<BareState, [string]>('propose');
export const approveUpdate = defineUpdate<BareState, [string]>('approve');

const activities = proxyActivities<BareActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export async function bareUnfreeze(input: BareInput): Promise<BareState> {
  const state: BareState = { status: 'open', assignee: '' };
  let published = { ...state };
  // The opening's record waits for the first change, as dualkey's does when the API wrote the projection.
  let pending = 0;
  let finished = false;

  const attributes = (): SearchAttributePair[] => [
    { key: CaseStatusKey, value: state.status },
    { key: AssigneeKey, value: state.assignee },
    { key: SlaBreachedKey, value: false },
    { key: RiskTierKey, value: 'low' },
    ...(state.status === 'closed' ? [{ key: OutcomeKey, value: 'lifted' }] : []),
  ];
  const recorder = (async () => {
    for (;;) {
      // As dualkey: nothing is flushed while a lift is in flight, and metadata goes out with the records.
      await condition(() => (pending > 0 && state.status !== 'executing') || finished);
      if (pending === 0) return;
      if (published.status !== state.status || published.assignee !== state.assignee) {
        upsertSearchAttributes(attributes());
        published = { ...state };
      }
      const events = pending;
      pending = 0;
      await activities.recordProgress({ status: state.status, events });
    }
  })();
  const change = (next: Partial<BareState>) => {
    Object.assign(state, next);
    pending += 1;
  };

  setHandler(claimUpdate, (agent) => {
    change({ status: 'in_review', assignee: agent });
    return state;
  });
  setHandler(proposeUpdate, async (controlId) => {
    await activities.readControls([controlId]);
    change({ status: 'awaiting_approval' });
    void condition(() => state.status !== 'awaiting_approval', input.proposalExpiryMs);
    await activities.notify('proposal.pending');
    return state;
  });
  setHandler(approveUpdate, async (controlId) => {
    await activities.checkControlsUnchanged([controlId]);
    change({ status: 'executing' });
    return state;
  });

  await condition(() => state.status === 'executing');
  // The lift activity queues the lift's notice itself, as dualkey's does.
  await activities.liftControls('lift');
  change({ status: 'monitoring' });
  await condition(() => false, input.monitoringMs);
  change({ status: 'closed' });
  finished = true;
  await recorder;
  return state;
}
