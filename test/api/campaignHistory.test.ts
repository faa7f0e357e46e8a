import { defaultPayloadConverter } from '@temporalio/common';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlEvents } from '../../src/db/schema/index.js';
import type { CampaignWorkflowInput } from '../../workflows/campaignMessages.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { campaignPeople, campaignPolicy, campaignSteps } from '../support/campaigns.js';
import type { HistoryEvent } from '../support/runs.js';
import { runChain } from '../support/runs.js';
import { documentedSearches } from '../support/savedSearches.js';
import { eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;
interface CampaignBody {
  id: string;
  status: string;
  phase: string;
  sample: string[];
  counts: { included: number; pending: number; lifted: number; failed: number; reverted: number };
}

/** Low enough that a campaign of a few dozen accounts continues as new several times while it lifts. */
const historyLimit = 100;
const suffix = Math.random().toString(36).slice(2, 7);

let api: ApiHarness;
let steps: ReturnType<typeof campaignSteps>;
let senior: User;
let compliance: User;

beforeAll(async () => {
  api = await startApi({
    policy: campaignPolicy({ soak: '1s', liftsPerSecond: 4, monitoringWindow: '2s', historyLimit }),
  });
  const people = await campaignPeople(api);
  ({ senior, compliance } = people);
  steps = campaignSteps(api, people);
});
afterAll(async () => api?.stop());

const read = (id: string) => steps.read<CampaignBody>(id);

async function frozenAccounts(n: number): Promise<{ accountId: string; controlId: string }[]> {
  const accounts: { accountId: string; controlId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const accountId = newAccountId();
    const control = await steps.freeze(accountId, { externalRef: `rule-417-${suffix}` });
    accounts.push({ accountId, controlId: control.id });
  }
  return accounts;
}

const propose = (accountIds: string[]) => steps.propose<CampaignBody>(accountIds);

/** Both approvals and every sampled account checked: the campaign starts lifting. */
async function approveAndCheck(c: CampaignBody): Promise<void> {
  await steps.approveAll(c.id);
  await steps.checkSample(c.id, c.sample);
}

/** The state a run handed to the next one, opened as the worker opens it. */
async function handedOver(events: HistoryEvent[]): Promise<CampaignWorkflowInput | null> {
  const payloads = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.input?.payloads;
  if (!payloads?.length) return null;
  const opened = api.services.codec ? await api.services.codec.decode(payloads) : payloads;
  return defaultPayloadConverter.fromPayload<CampaignWorkflowInput>(opened[0]!);
}

const liftsScheduled = (events: HistoryEvent[]) =>
  events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'liftControls').length;

describe('a campaign longer than its history limit', () => {
  it('continues as new between waves, lifts every account exactly once, and its counts stay right', async () => {
    const accounts = await frozenAccounts(40);
    const c = await propose(accounts.map((a) => a.accountId));
    await approveAndCheck(c);

    // Read while it lifts: the count only grows, never past the ledger nor the included set.
    const ids = accounts.map((a) => a.controlId);
    const ledger = () =>
      api.services.database.db
        .select()
        .from(controlEvents)
        .where(and(inArray(controlEvents.controlId, ids), eq(controlEvents.action, 'lifted')));
    const seen: number[] = [];
    const done = await eventually(
      async () => {
        const now = await read(c.id);
        const inLedger = (await ledger()).length;
        expect(now.counts.lifted).toBeLessThanOrEqual(inLedger);
        expect(now.counts.lifted + now.counts.pending + now.counts.failed).toBe(40);
        seen.push(now.counts.lifted);
        return now;
      },
      (x) => x.status === 'completed',
      { what: 'the campaign to complete', timeoutMs: 240_000, intervalMs: 500 },
    );
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(done.counts).toMatchObject({ included: 40, pending: 0, lifted: 40, failed: 0, reverted: 0 });
    const lifts = await ledger();
    expect(lifts.map((e) => e.controlId).sort()).toEqual([...ids].sort());

    const runs = await runChain(api.services.client, `campaign-${c.id}`);
    const handovers = await Promise.all(runs.map((r) => handedOver(r.events)));
    // Mid-batches: the run had lifted some of the batch accounts and handed over the rest.
    const midBatches = handovers.filter(
      (h, i) => h?.campaign.phase === 'batches' && liftsScheduled(runs[i]!.events) > 0,
    );
    expect(midBatches.length).toBeGreaterThanOrEqual(2);
    expect(handovers.at(-1)).toBeNull();
    // Every lift was scheduled once across the runs: none repeated by a run that took over.
    expect(runs.reduce((n, r) => n + liftsScheduled(r.events), 0)).toBe(40);
    for (const h of handovers.filter((x) => x !== null)) {
      expect(h.policy.campaigns.historyLimit).toBe(historyLimit);
    }
    // The first run also holds the approvals; each later one ends within a wave of the limit.
    for (const run of runs.slice(1)) expect(run.events.length).toBeLessThan(historyLimit + 60);
  }, 300_000);

  it('is found by the documented campaign searches, one run at a time, and by no case search', async () => {
    const searches = documentedSearches();
    const campaignRows = [...searches.keys()].filter((what) => /campaign/.test(what));
    expect(campaignRows).toEqual([
      'every open campaign',
      'campaigns awaiting approval',
      'campaigns lifting',
      'halted campaigns',
      'completed campaigns',
      'reverted campaigns',
    ]);
    const accounts = await frozenAccounts(30);
    const c = await propose(accounts.map((a) => a.accountId));
    const workflowId = `campaign-${c.id}`;
    /** Which runs of this campaign each documented search finds (the namespace is shared). */
    const everySearch = async (): Promise<Record<string, string[]>> => {
      const results: Record<string, string[]> = {};
      for (const [what, filter] of searches) {
        const runs: string[] = [];
        const query = `(${filter}) AND WorkflowId="${workflowId}"`;
        for await (const run of api.services.client.workflow.list({ query })) runs.push(run.runId);
        results[what] = runs;
      }
      return results;
    };
    const onlyBy = (found: Record<string, string[]>, runId: string, ...rows: string[]) =>
      Object.fromEntries(Object.keys(found).map((what) => [what, rows.includes(what) ? [runId] : []]));
    const current = async () => (await api.services.client.workflow.getHandle(workflowId).describe()).runId;

    const proposed = await current();
    const awaiting = await eventually(
      everySearch,
      (found) => found['campaigns awaiting approval']!.length > 0,
      {
        what: 'the proposed campaign to be found',
      },
    );
    expect(awaiting).toEqual(
      onlyBy(awaiting, proposed, 'every open campaign', 'campaigns awaiting approval'),
    );

    await approveAndCheck(c);
    // Halted mid-batches in a run that continued from another: the search attributes came along.
    await eventually(
      async () => ({ c: await read(c.id), runs: (await runChain(api.services.client, workflowId)).length }),
      (x) => x.runs >= 2 && x.c.phase === 'batches' && x.c.counts.lifted < 30,
      { what: 'the batches under way in a continued run', intervalMs: 100 },
    );
    const halt = await api.call('POST', `/v1/campaigns/${c.id}/halt`, {
      token: senior.token,
      body: { reason: 'Checking the search attributes while it waits.' },
    });
    expect(halt.status, JSON.stringify(halt.body)).toBe(200);
    const haltedRun = await current();
    expect(haltedRun).not.toBe(proposed);
    const halted = await eventually(everySearch, (found) => found['halted campaigns']!.length > 0, {
      what: 'the halted campaign to be found',
    });
    expect(halted).toEqual(onlyBy(halted, haltedRun, 'every open campaign', 'halted campaigns'));

    for (const user of [senior, compliance]) {
      const resumed = await api.call('POST', `/v1/campaigns/${c.id}/resume`, { token: user.token, body: {} });
      expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    }
    await eventually(
      () => read(c.id),
      (x) => x.status === 'completed',
      { what: 'the campaign to complete', timeoutMs: 240_000 },
    );
    const last = await current();
    const completed = await eventually(everySearch, (found) => found['completed campaigns']!.length > 0, {
      what: 'the completed campaign to be found',
    });
    expect(completed).toEqual(onlyBy(completed, last, 'completed campaigns'));
  }, 300_000);
});
