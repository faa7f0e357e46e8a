import { randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import type { DrillClient } from './client.js';
import type { Span } from './latency.js';

/** The drill's faults by what they take down; the campaign counts those that fell in its batches. */
export type FaultKind = 'worker' | 'devServer' | 'postgres' | 'api' | 'smtp';

export interface CampaignDrillOptions {
  accounts: number;
  /** The policy's `campaigns.liftsPerSecond`; unset keeps its default. */
  liftsPerSecond?: number | undefined;
}

export interface DrillCampaign {
  id: string;
  externalRef: string;
  accounts: number;
}

interface Tokens {
  maker: string;
  approvers: [string, string];
  checker: string;
  riskEngine: string;
  auditor: string;
}

/** Freezes sent at once while seeding. */
const SEED_LANES = 8;

/** The campaign's part of the policy file: a short soak and watch, so the drill waits for neither. */
export function campaignPolicy(options: CampaignDrillOptions) {
  return {
    soak: '5s',
    monitoringWindow: '10s',
    ...(options.liftsPerSecond === undefined ? {} : { liftsPerSecond: options.liftsPerSecond }),
  };
}

async function expectStatus(
  answer: Promise<{ status: number; body: Record<string, unknown> }>,
  status: number,
  what: string,
) {
  const got = await answer;
  if (got.status !== status) {
    throw new Error(`${what} answered ${got.status} ${String(got.body.code)}: ${String(got.body.detail)}`);
  }
  return got.body;
}

/**
 * Freezes `accounts` accounts under one rule's externalRef through the API (as a risk engine would),
 * proposes a campaign selecting them, approves it by the quorum, checks its whole sample, and returns once
 * its batches have begun: the faults that follow fall on lifts in flight.
 */
export async function startDrillCampaign(
  client: DrillClient,
  tokens: Tokens,
  options: CampaignDrillOptions,
  limitMs: number,
  log: (line: string) => void,
  sleep: (ms: number) => Promise<unknown>,
): Promise<DrillCampaign> {
  const run = randomBytes(4).toString('hex');
  const externalRef = `drill-rule-${run}`;
  let next = 0;
  await Promise.all(
    Array.from({ length: SEED_LANES }, async () => {
      while (next < options.accounts) {
        const i = next++;
        const accountId = `acct-drill-campaign-${run}-${String(i).padStart(5, '0')}`;
        await expectStatus(
          client.send(
            'POST',
            `/v1/accounts/${accountId}/controls`,
            tokens.riskEngine,
            {
              category: 'restriction',
              kind: 'account_freeze',
              businessLine: 'spot',
              reason: `rule ${externalRef} fired`,
              source: 'risk_rule',
              externalRef,
            },
            `drill-campaign-${run}-freeze-${i}`,
          ),
          201,
          `freezing ${accountId}`,
        );
      }
    }),
  );
  const proposed = await expectStatus(
    client.send(
      'POST',
      '/v1/campaigns',
      tokens.maker,
      {
        selector: { externalRef, kinds: ['account_freeze'] },
        reasonCode: 'false_positive',
        justification: `Rule ${externalRef} froze legitimate accounts (fault drill).`,
        evidence: [{ kind: 'device_check', ref: `DRILL-${run}` }],
      },
      `drill-campaign-${run}-propose`,
    ),
    201,
    'proposing the campaign',
  );
  const id = proposed.id as string;
  if (proposed.included !== options.accounts) {
    throw new Error(`campaign ${id} included ${String(proposed.included)} of ${options.accounts} accounts`);
  }
  for (const [i, approver] of tokens.approvers.entries()) {
    await expectStatus(
      client.send('POST', `/v1/campaigns/${id}/approve`, approver, {}, `drill-campaign-${run}-approve-${i}`),
      200,
      `approval ${i + 1} of ${id}`,
    );
  }
  for (const accountId of proposed.sample as string[]) {
    await expectStatus(
      client.send(
        'POST',
        `/v1/campaigns/${id}/sample/${accountId}`,
        tokens.checker,
        { decision: 'approved', comment: 'The freeze came from the misfired rule alone.' },
        `drill-campaign-${run}-check-${accountId}`,
      ),
      200,
      `checking ${accountId} of ${id}`,
    );
  }
  log(`campaign ${id}: ${options.accounts} accounts frozen, proposed, approved and sampled`);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const got = await client.send('GET', `/v1/campaigns/${id}`, tokens.auditor);
    if (got.body.phase === 'batches') break;
    // Between the last check and the canary the run resolves the set again, still awaiting approval.
    if (got.body.status !== 'running' && got.body.status !== 'awaiting_approval') {
      throw new Error(`campaign ${id} is ${String(got.body.status)} before its batches`);
    }
    if (Date.now() > deadline) throw new Error(`campaign ${id} did not reach its batches in time`);
    await sleep(250);
  }
  log(`campaign ${id}: batches under way`);
  return { id, externalRef, accounts: options.accounts };
}

/** Waits until the campaign has completed: every account lifted or failed and its watch over. */
export async function finishDrillCampaign(
  client: DrillClient,
  campaign: DrillCampaign,
  auditor: string,
  limitMs: number,
  sleep: (ms: number) => Promise<unknown>,
): Promise<string | null> {
  const deadline = Date.now() + limitMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const got = await client.send('GET', `/v1/campaigns/${campaign.id}`, auditor);
      const counts = got.body.counts as { lifted: number; failed: number } | undefined;
      last = `${String(got.body.status)}/${String(got.body.phase)}, ${counts?.lifted} lifted, ${counts?.failed} failed`;
      if (got.body.status === 'completed') return null;
      if (got.body.status === 'halted' || got.body.status === 'reverting') {
        return `campaign ${campaign.id} stopped: ${last}`;
      }
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(1_000);
  }
  return `campaign ${campaign.id} did not complete in time (last: ${last})`;
}

/**
 * The campaign's invariants, from the registry and the campaign's own records: every account it included
 * lifted, each control's lift in the ledger (`control_events`) exactly once and under the campaign's key,
 * and once on the campaign's chain. A failure unless 0 lifted twice, 0 lost, and every lift once.
 */
export async function checkDrillCampaign(
  sql: Sql,
  campaign: DrillCampaign,
  faults: readonly (Span & { what: FaultKind })[],
): Promise<{ figures: Record<string, number | string>; failures: string[] }> {
  const [ledger] = await sql<{ once: number; twice: number; never: number; foreign: number }[]>`
    select count(*) filter (where lifts = 1 and ours = 1)::int as once,
      count(*) filter (where lifts > 1)::int as twice,
      count(*) filter (where lifts = 0)::int as never,
      count(*) filter (where lifts = 1 and ours = 0)::int as foreign
    from (select c.id, count(e.id) as lifts,
        count(e.id) filter (where e.idempotency_key = (${`campaign-${campaign.id}:lift:`} || c.account_id)) as ours
      from controls c left join control_events e on e.control_id = c.id and e.action = 'lifted'
      where c.external_ref = ${campaign.externalRef} group by c.id) per_control`;
  const [rows] = await sql<{ lifted: number; other: number }[]>`
    select count(*) filter (where state = 'lifted')::int as lifted,
      count(*) filter (where state <> 'lifted')::int as other
    from campaign_accounts where campaign_id = ${campaign.id}`;
  const [chain] = await sql<{ entries: number; accounts: number }[]>`
    select count(*)::int as entries, count(distinct account_id)::int as accounts from audit_events
    where stream = ${`campaign:${campaign.id}`} and action = 'campaign.account_lifted'`;
  const [steps] = await sql<{ started: string | null; ended: string | null }[]>`
    select to_json(min(at) filter (where action = 'campaign.batches_started'))#>>'{}' as started,
      to_json(min(at) filter (where action = 'campaign.lifted'))#>>'{}' as ended
    from audit_events where stream = ${`campaign:${campaign.id}`}`;
  const once = ledger?.once ?? 0;
  const twice = ledger?.twice ?? 0;
  const lost = campaign.accounts - once - twice;
  const failures: string[] = [];
  if (twice > 0) failures.push(`campaign ${campaign.id}: ${twice} account(s) lifted twice`);
  if (lost > 0) {
    failures.push(
      `campaign ${campaign.id}: ${lost} account(s) lost (${ledger?.never ?? 0} never lifted, ${ledger?.foreign ?? 0} lifted by another key)`,
    );
  }
  if ((rows?.lifted ?? 0) !== campaign.accounts || (rows?.other ?? 0) > 0) {
    failures.push(
      `campaign ${campaign.id}: ${rows?.lifted ?? 0} of ${campaign.accounts} accounts recorded lifted, ${rows?.other ?? 0} otherwise`,
    );
  }
  if (chain?.entries !== campaign.accounts || chain.accounts !== campaign.accounts) {
    failures.push(
      `campaign ${campaign.id}: ${chain?.entries ?? 0} lifts on its chain for ${chain?.accounts ?? 0} of ${campaign.accounts} accounts`,
    );
  }
  // From the batches' start to the end of their last wave, as the campaign's chain has them.
  const batches: Span = {
    start: steps?.started ? Date.parse(steps.started) : Number.NaN,
    end: steps?.ended ? Date.parse(steps.ended) : Number.NaN,
  };
  const during = (what: FaultKind) =>
    faults.filter((f) => f.what === what && f.start <= batches.end && batches.start <= f.end).length;
  const batchSeconds = (batches.end - batches.start) / 1_000;
  return {
    failures,
    figures: {
      'campaign accounts': campaign.accounts,
      'campaign accounts lifted twice': twice,
      'campaign accounts lost': lost,
      'campaign lifts in the ledger exactly once': once,
      'campaign lifts on its chain': chain?.entries ?? 0,
      'campaign batches, seconds': Number.isFinite(batchSeconds) ? batchSeconds.toFixed(1) : 'unknown',
      'campaign worker kills during batches': during('worker'),
      'campaign dev server kills during batches': during('devServer'),
      'campaign PostgreSQL outages during batches': during('postgres'),
    },
  };
}
