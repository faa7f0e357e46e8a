import { DefaultLogger, Runtime } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CampaignService } from '../src/api/services/campaigns.js';
import type { CampaignUpdateName } from '../src/api/services/campaigns.js';
import type { Database } from '../src/db/client.js';
import { campaignStream } from '../src/db/campaigns.js';
import { historyLimitOf, workflowIdForCampaign } from '../src/domain/campaigns.js';
import { DomainError } from '../src/domain/errors.js';
import type { Actor } from '../src/domain/permissions.js';
import { defaultPolicy } from '../src/domain/policy.js';
import type { Campaign } from '../src/domain/schemas/campaigns.js';
import { freePort } from '../src/runtime/ports.js';
import { keyFileEnv, newKeyFile } from '../src/temporal/codec/keys.js';
import type { RunningProcess } from '../test/support/processes.js';
import { runEntry, waitForHttp } from '../test/support/processes.js';
import type { Services } from '../test/support/services.js';
import { connectServices } from '../test/support/services.js';
import type { ThrowawayStack } from '../test/support/stack.js';
import { startThrowawayStack } from '../test/support/stack.js';
import { makeUser } from '../test/support/world.js';
import type { SectionResult } from './section.js';
import { check, report } from './section.js';

/*
 * The campaign section of `npm run bench`: an incident lift campaign over BENCH_CAMPAIGN_ACCOUNTS
 * (10,000) frozen accounts, on one worker in a process of its own (`src/worker/main.ts`, encrypting as
 * production does). The accounts are frozen through the PostgreSQL registry the stack uses, under one
 * rule's externalRef; the campaign selects them by it, two approvers approve it and a checker approves
 * every sampled account, then it runs at the policy's default rate. Only the canary's soak and the
 * monitoring window are shortened (the defaults are 30 min and 24 h of waiting, nothing measured), and the
 * figures say so. Lifts per second are counted over the batches, from their start to the last wave, and
 * held against the configured rate; the history is the largest of the campaign's runs (continue-as-new);
 * the ledger (`control_events`) must hold every account's control lifted exactly once.
 * `npx tsx bench/campaigns.ts` runs it alone on a throw-away stack.
 */

/** A run continues as new within a wave of the history limit: a wave of 20 lifts is about 100 events. */
const goals = { rateVsConfigured: 0.8, historyOverLimit: 500, workerPeakRssMiB: 600 };
const shortened = { soak: '10s', monitoringWindow: '10s' };
/** connectServices shortens every duration for tests; the attempt timeout goes back to the default. */
const attemptTimeout = '30s';
/** Freezes sent at once to the registry while seeding. */
const SEED_LANES = 8;

export interface CampaignBenchOptions {
  accounts?: number;
  log?: (line: string) => void;
}

async function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  if (kib === undefined) throw new Error(`no ${field} for process ${pid}`);
  return Number(kib) / 1024;
}

async function inLanes(count: number, lanes: number, one: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  // Every lane settles before the error is thrown, so no call is left in flight on a closing pool.
  const settled = await Promise.allSettled(
    Array.from({ length: lanes }, async () => {
      while (next < count && !failed) {
        const index = next++;
        try {
          await one(index);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
}

/** An action answered 503 (no worker confirmed in time on a busy machine) is sent again under its key. */
async function act(
  campaigns: CampaignService,
  actor: Actor,
  id: string,
  action: CampaignUpdateName,
  payload: Record<string, unknown>,
): Promise<Campaign> {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await campaigns.act(actor, id, action, payload, key);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'unavailable') || attempt === 5) throw error;
    }
  }
}

/** Each run of the campaign's chain, newest first, by the run each one continued. */
async function runHistories(services: Services, workflowId: string) {
  const runs: { runId: string; events: number }[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await services.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    runs.push({ runId: runId ?? 'latest', events: events.length });
    runId = started?.continuedExecutionRunId ?? undefined;
    if (!runId) return runs;
  }
}

/** When the campaign's own chain says each step happened. */
async function stepTimes(db: Database, campaignId: string): Promise<Map<string, number>> {
  const rows = await db.execute<{ action: string; at: string }>(
    sql`select action, to_json(min(at))#>>'{}' as at from audit_events
      where stream = ${campaignStream(campaignId)} and action in
        ('campaign.started', 'campaign.batches_started', 'campaign.lifted', 'campaign.completed')
      group by action`,
  );
  return new Map(rows.map((r) => [r.action, Date.parse(r.at)]));
}

/** Every control the bench froze under `externalRef`, by how many times the ledger says it was lifted. */
async function ledger(db: Database, externalRef: string) {
  const [row] = await db.execute<{ once: number; twice: number; never: number; other: number }>(
    sql`select count(*) filter (where lifts = 1 and ours = 1)::int as once,
        count(*) filter (where lifts > 1)::int as twice,
        count(*) filter (where lifts = 0)::int as never,
        count(*) filter (where lifts = 1 and ours = 0)::int as other
      from (select c.id, count(e.id) as lifts,
          count(e.id) filter (where e.idempotency_key like ('campaign-%:lift:' || c.account_id)) as ours
        from controls c left join control_events e on e.control_id = c.id and e.action = 'lifted'
        where c.external_ref = ${externalRef} group by c.id) per_control`,
  );
  return row ?? { once: 0, twice: 0, never: 0, other: 0 };
}

export async function measureCampaign(
  stack: ThrowawayStack,
  options: CampaignBenchOptions = {},
): Promise<SectionResult> {
  const count = options.accounts ?? Number(process.env.BENCH_CAMPAIGN_ACCOUNTS ?? 10_000);
  const log = options.log ?? ((line: string) => console.log(line));
  const keys = newKeyFile('bench-campaign');
  const services = await connectServices(
    { databaseUrl: stack.databaseUrl, temporalAddress: stack.server.address, bundlePath: stack.bundlePath },
    { keys, withoutWorker: true, policy: { campaigns: shortened, activities: { attemptTimeout } } },
  );
  const { policy } = services;
  const rate = policy.campaigns.liftsPerSecond;
  if (rate !== defaultPolicy.campaigns.liftsPerSecond) {
    throw new Error(`the bench runs at the default rate, not ${rate} lifts a second`);
  }
  const metricsPort = await freePort();
  let worker: RunningProcess | undefined;
  try {
    worker = runEntry(fileURLToPath(new URL('../src/worker/main.ts', import.meta.url)), {
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.server.address,
      TEMPORAL_TASK_QUEUE: services.taskQueue,
      WORKER_METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      ...keyFileEnv(keys),
    });
    const pid = worker.child.pid;
    if (pid === undefined) throw new Error('the worker process did not start');
    await waitForHttp(`http://127.0.0.1:${metricsPort}/metrics`, 120_000, worker);
    const campaigns = new CampaignService({
      db: services.database.db,
      client: services.client,
      policy,
      taskQueue: services.taskQueue,
      updateTimeoutMs: 20_000,
    });
    const [maker, senior, compliance, checker] = [
      await makeUser(services, ['senior']),
      await makeUser(services, ['senior']),
      await makeUser(services, ['compliance']),
      await makeUser(services, ['checker']),
    ];

    const run = randomBytes(4).toString('hex');
    const externalRef = `bench-rule-${run}`;
    const seedStarted = performance.now();
    await inLanes(count, SEED_LANES, async (i) => {
      await services.registry.apply({
        idempotencyKey: `bench-${run}-freeze-${i}`,
        accountId: `acct-bench-${run}-${String(i).padStart(6, '0')}`,
        kind: 'account_freeze',
        businessLine: 'spot',
        reason: `rule ${externalRef} fired`,
        source: 'risk_rule',
        externalRef,
        actor: 'bench risk engine',
      });
    });
    const seedSeconds = (performance.now() - seedStarted) / 1_000;
    log(`campaign: ${count} accounts frozen in ${seedSeconds.toFixed(0)} s`);

    const proposeStarted = performance.now();
    const proposed = await campaigns.propose(maker, {
      selector: { externalRef, kinds: ['account_freeze'] },
      reasonCode: 'false_positive',
      justification: `Rule ${externalRef} froze legitimate accounts (benchmark).`,
      evidence: [{ kind: 'device_check', ref: `BENCH-${run}` }],
    });
    const dryRunSeconds = (performance.now() - proposeStarted) / 1_000;
    if (proposed.included !== count) {
      throw new Error(`the dry run included ${proposed.included} of the ${count} accounts frozen`);
    }
    const approvalStarted = performance.now();
    for (const approver of [senior, compliance]) await act(campaigns, approver, proposed.id, 'approve', {});
    for (const accountId of proposed.sample) {
      await act(campaigns, checker, proposed.id, 'checkSample', {
        accountId,
        decision: 'approved',
        comment: 'The freeze came from the misfired rule alone.',
      });
    }
    const approvalSeconds = (performance.now() - approvalStarted) / 1_000;
    const started = performance.now();
    log(
      `campaign: ${proposed.id} proposed in ${dryRunSeconds.toFixed(1)} s; approved and ${proposed.sample.length} sampled accounts checked in ${approvalSeconds.toFixed(1)} s`,
    );

    let peakRssMiB = 0;
    let last = '';
    let done: Campaign | undefined;
    const deadline = Date.now() + Math.max(1_800_000, (count / rate) * 3_000);
    while (!done) {
      if (Date.now() > deadline)
        throw new Error(`campaign ${proposed.id} did not complete in time (${last})`);
      if (worker.child.exitCode !== null) throw new Error(`the worker exited:\n${worker.output()}`);
      peakRssMiB = Math.max(peakRssMiB, await procStatus(pid, 'VmHWM'));
      const campaign = await campaigns.get(proposed.id);
      const counts = await campaigns.counts(campaign);
      const line = `${campaign.status}/${campaign.phase}, ${counts.lifted} lifted, ${counts.failed} failed`;
      if (line !== last && (counts.lifted % 1_000 < rate || campaign.phase !== 'batches')) {
        log(`campaign: ${line} after ${((performance.now() - started) / 1_000).toFixed(0)} s`);
      }
      last = line;
      if (campaign.status === 'halted' || campaign.status === 'reverting') {
        throw new Error(`campaign ${proposed.id} stopped: ${campaign.halt?.reason ?? campaign.status}`);
      }
      if (campaign.status === 'completed') done = campaign;
      else await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const completeSeconds = (performance.now() - started) / 1_000;
    peakRssMiB = Math.max(peakRssMiB, await procStatus(pid, 'VmHWM'));
    const rssMiB = await procStatus(pid, 'VmRSS');

    const counts = await campaigns.counts(done);
    const steps = await stepTimes(services.database.db, done.id);
    const at = (action: string) => {
      const time = steps.get(action);
      if (time === undefined) throw new Error(`campaign ${done.id} has no ${action} on its chain`);
      return time;
    };
    const batchSeconds = (at('campaign.lifted') - at('campaign.batches_started')) / 1_000;
    const batchLifts = counts.lifted - done.canarySize;
    const liftsPerSecond = batchLifts / batchSeconds;
    const runs = await runHistories(services, workflowIdForCampaign(done.id));
    const largestHistory = Math.max(...runs.map((r) => r.events));
    const lifts = await ledger(services.database.db, externalRef);
    log(
      `campaign: completed in ${completeSeconds.toFixed(0)} s; ${liftsPerSecond.toFixed(1)} lifts/s in batches; ${runs.length} runs, the largest ${largestHistory} events; worker peak ${peakRssMiB.toFixed(0)} MiB`,
    );

    const figures = {
      accounts: count,
      policy: {
        liftsPerSecond: `${rate} (the default)`,
        canary: done.canarySize,
        sample: done.sample.length,
        shortenedForTheBench: `soak ${shortened.soak} (default 30m), monitoring window ${shortened.monitoringWindow} (default 24h)`,
      },
      seedSeconds,
      dryRunSeconds,
      approvalAndSampleSeconds: approvalSeconds,
      secondsToComplete: {
        fromApproval: completeSeconds,
        liftingCanaryToLastWave: (at('campaign.lifted') - at('campaign.started')) / 1_000,
        batches: batchSeconds,
      },
      liftsPerSecond: { batches: liftsPerSecond, configured: rate, ratio: liftsPerSecond / rate },
      history: { runs: runs.length, largestEvents: largestHistory, events: runs.map((r) => r.events) },
      worker: { peakRssMiB, rssMiBAtEnd: rssMiB },
      counts: { lifted: counts.lifted, failed: counts.failed, pending: counts.pending },
      ledger: {
        liftedOnce: lifts.once,
        liftedTwiceOrMore: lifts.twice,
        notLifted: lifts.never,
        liftedOutsideTheCampaign: lifts.other,
      },
    };
    return {
      figures,
      checks: [
        check(
          `campaign of ${count}: lifts/s vs configured (x)`,
          liftsPerSecond / rate,
          `>= ${goals.rateVsConfigured}`,
        ),
        check(
          `campaign of ${count}: largest run history (events)`,
          largestHistory,
          `<= ${historyLimitOf(policy) + goals.historyOverLimit}`,
        ),
        check(`campaign of ${count}: worker peak RSS (MiB)`, peakRssMiB, `<= ${goals.workerPeakRssMiB}`),
        check(`campaign of ${count}: accounts lifted exactly once (ledger)`, lifts.once, `>= ${count}`),
        check(
          `campaign of ${count}: accounts lifted twice or not at all`,
          lifts.twice + lifts.never + lifts.other,
          '<= 0',
        ),
      ],
    };
  } finally {
    await worker?.stop();
    await services.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const stack = await startThrowawayStack();
  try {
    const campaign = await measureCampaign(stack);
    process.exitCode = report({ campaign }) ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
