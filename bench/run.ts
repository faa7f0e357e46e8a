import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import type { Case } from '../src/domain/case.js';
import { connectServices } from '../test/support/services.js';
import { startThrowawayStack } from '../test/support/stack.js';
import { makeCast } from '../test/support/world.js';
import type { Timings } from './baseline/index.js';
import { runBareCase, startBareWorker } from './baseline/index.js';
import { billableActions, historyBytes } from './billable.js';
import { measureCampaign } from './campaigns.js';
import { measureConsole } from './console.js';
import { measureCodec } from './codec.js';
import { measureFourEyes } from './fourEyes.js';
import { measureMemory } from './memory.js';
import { measureNotifications } from './notifications.js';
import { measureQueries } from './queries.js';
import type { Round, Side } from './rounds.js';
import { cpuMsPerCase, dualkeySide, perMinute, runRound } from './rounds.js';
import type { SectionResult } from './section.js';
import { check, percentile, report } from './section.js';

/*
 * `npm run bench`: the case lifecycle on a throw-away local stack (dev server, embedded PostgreSQL, one
 * in-process worker, all on this machine), against a bare workflow doing the same Temporal work (bench/
 * baseline/: same updates, activities as no-ops, same timers and upserts) on its own task queue and worker
 * in this process, on the same dev server. Low-tier unfreeze cases run from intake to a closed, lifted case
 * one at a time (the latency an agent sees), then BENCH_CONCURRENCY at a time in BENCH_PAIRS alternating
 * rounds of dualkey and bare (the order flips every pair, so a drift in the machine's load hits both).
 * Then the console; then the payload codec's cost, the same rounds with and without encryption (bench/
 * codec.ts); then the notification outbox draining 1,000 queued mails and 1,000 queued webhooks to a real
 * SMTP server and webhook receiver in this process, against the same sends made directly (bench/
 * notifications.ts: throughput, delivery latency p50/p99); then a worker process holding BENCH_OPEN_CASES
 * open cases (bench/memory.ts: its RSS, and an action on an evicted case against a cached one); then an
 * incident lift campaign over BENCH_CAMPAIGN_ACCOUNTS (10,000) accounts at the policy's default rate
 * (bench/campaigns.ts: time to complete, lifts per second against the configured rate, its largest run
 * history, the worker's peak RSS, every lift once in the ledger); then the four-eyes report over 2,000
 * decided cases among 20 users, against the operations report on the same rows (bench/fourEyes.ts: p50/p99,
 * beside a `GET /v1/me` and a `select 1` floor); then statements per case and case-list queries over
 * 100,000 projection rows (bench/queries.ts). The notifications, memory, campaign, four-eyes and queries
 * sections each run alone too (`npx tsx bench/campaigns.ts`). Every section's checks are printed
 * as one table; exit code 1 if one is missed.
 *
 * Measured on a shared machine, the ratios to the bare workflow are the figures; the absolute ones move
 * with the load (printed first).
 */
const latencyCases = Number(process.env.BENCH_LATENCY_CASES ?? 15);
const roundCases = Number(process.env.BENCH_ROUND_CASES ?? 30);
const pairs = Number(process.env.BENCH_PAIRS ?? 3);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
const goals = {
  latency: { intakeP95Ms: 100, actionP95Ms: 250 },
  load: { actionP95Ms: 1_000, casesPerMinute: 120 },
  rssMiB: 700,
  console: { jsGzipKB: 250, queueRenderMs: 200 },
};

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const loadBefore = execFileSync('uptime', { encoding: 'utf8' }).trim();
const stack = await startThrowawayStack();

const all = (rounds: Round[], what: keyof Timings) => rounds.flatMap((r) => r.timings[what]);
const median = (values: number[]) => percentile(values, 50);

try {
  const services = await connectServices(
    { databaseUrl: stack.databaseUrl, temporalAddress: stack.server.address, bundlePath: stack.bundlePath },
    { policy: { monitoring: { window: { low: '1s', medium: '1s', high: '1s', critical: '1s' } } } },
  );
  const cast = await makeCast(services);
  const bareInput = {
    proposalExpiryMs: services.policy.approval.expiry,
    monitoringMs: services.policy.monitoring.window.low,
  };
  let shape: Case | undefined;

  const dualkey = dualkeySide(services, cast, (created) => {
    shape ??= created;
  });

  // Warm-up: the worker loads its bundle and the first runs compile; nothing here is counted.
  await runRound(2, 1, dualkey);
  const latency = await runRound(latencyCases, 1, dualkey);
  // What dualkey's API and worker hold, before the bare worker joins them in this process.
  const rssMiB = process.memoryUsage().rss / 2 ** 20;

  const bareWorker = await startBareWorker(services.nativeConnection);
  const bare: Side = {
    one: (t) => {
      if (!shape) throw new Error('a dualkey case runs first: the bare one starts with its attributes');
      return runBareCase(services.client, bareWorker, shape, bareInput, t);
    },
  };
  await runRound(2, 1, bare);
  const bareLatency = await runRound(latencyCases, 1, bare);
  const dualkeyRounds: Round[] = [];
  const bareRounds: Round[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const order = pair % 2 === 0 ? (['dualkey', 'bare'] as const) : (['bare', 'dualkey'] as const);
    for (const side of order) {
      if (side === 'dualkey') dualkeyRounds.push(await runRound(roundCases, concurrency, dualkey));
      else bareRounds.push(await runRound(roundCases, concurrency, bare));
    }
  }

  const history = async (workflowId: string) => {
    const h = await services.client.workflow.getHandle(workflowId).fetchHistory();
    return { events: h.events?.length ?? 0, bytes: historyBytes(h), billable: billableActions(h) };
  };
  const dualkeyHistory = await history(latency.lastWorkflowId);
  const bareHistory = await history(bareLatency.lastWorkflowId);

  const pairRatios = dualkeyRounds.map((d, i) => {
    const b = bareRounds[i]!;
    return {
      throughput: perMinute([d]) / perMinute([b]),
      cpuPerCase: cpuMsPerCase([d], 'all') / cpuMsPerCase([b], 'all'),
    };
  });
  const ratios = {
    throughput: perMinute(dualkeyRounds) / perMinute(bareRounds),
    cpuPerCaseAll: cpuMsPerCase(dualkeyRounds, 'all') / cpuMsPerCase(bareRounds, 'all'),
    cpuPerCaseThisProcess: cpuMsPerCase(dualkeyRounds, 'self') / cpuMsPerCase(bareRounds, 'self'),
    actionP50: median(all(dualkeyRounds, 'actions')) / median(all(bareRounds, 'actions')),
    actionP50OneAtATime: median(latency.timings.actions) / median(bareLatency.timings.actions),
    intakeP50: median(all(dualkeyRounds, 'intake')) / median(all(bareRounds, 'intake')),
    intakeP50OneAtATime: median(latency.timings.intake) / median(bareLatency.timings.intake),
  };
  const side = (rounds: Round[]) => ({
    casesPerMinute: perMinute(rounds),
    cpuMsPerCase: { thisProcess: cpuMsPerCase(rounds, 'self'), withServers: cpuMsPerCase(rounds, 'all') },
    intakeP50Ms: median(all(rounds, 'intake')),
    actionP50Ms: median(all(rounds, 'actions')),
    actionP95Ms: percentile(all(rounds, 'actions'), 95),
    roundsCasesPerMinute: rounds.map((r) => perMinute([r])),
  });
  const oneAtATime = (round: Round) => ({
    intakeP50Ms: median(round.timings.intake),
    intakeP95Ms: percentile(round.timings.intake, 95),
    actionP50Ms: median(round.timings.actions),
    actionP95Ms: percentile(round.timings.actions, 95),
  });
  const loadActionP95 = percentile(all(dualkeyRounds, 'actions'), 95);
  const engine: SectionResult = {
    figures: {
      load: { before: loadBefore, after: execFileSync('uptime', { encoding: 'utf8' }).trim() },
      cpuCounted:
        'user+system seconds of this process (API, worker, bare worker) plus its descendants (dev server, PostgreSQL and its backends), from /proc',
      rounds: { cases: roundCases, concurrency, pairs },
      oneAtATime: { dualkey: oneAtATime(latency), bare: oneAtATime(bareLatency) },
      atOnce: { dualkey: side(dualkeyRounds), bare: side(bareRounds) },
      ratios,
      pairRatios,
      history: { dualkey: dualkeyHistory, bare: bareHistory },
      rssMiB,
    },
    checks: [
      check(
        'one at a time: intake p95 (ms)',
        oneAtATime(latency).intakeP95Ms,
        `<= ${goals.latency.intakeP95Ms}`,
      ),
      check(
        'one at a time: action p95 (ms)',
        oneAtATime(latency).actionP95Ms,
        `<= ${goals.latency.actionP95Ms}`,
      ),
      check(`${concurrency} at once: action p95 (ms)`, loadActionP95, `<= ${goals.load.actionP95Ms}`),
      check(
        `${concurrency} at once: cases per minute`,
        perMinute(dualkeyRounds),
        `>= ${goals.load.casesPerMinute}`,
      ),
      check(`${concurrency} at once: throughput vs bare (x)`, ratios.throughput, '>= 0.85'),
      check(`${concurrency} at once: CPU per case vs bare (x)`, ratios.cpuPerCaseAll, '<= 1.3'),
      check(`${concurrency} at once: action p50 vs bare update (x)`, ratios.actionP50, '<= 1.4'),
      check(`${concurrency} at once: intake p50 vs bare start (x)`, ratios.intakeP50, '<= 2'),
      check('billable actions per standard case', dualkeyHistory.billable.total, '<= 18'),
      check('RSS of the API and worker (MiB)', rssMiB, `<= ${goals.rssMiB}`),
    ],
  };

  const consoleFigures = await measureConsole(services, cast.agent);
  const jsGzipKB = consoleFigures.jsGzipBytes / 1_000;
  const consoleSection: SectionResult = {
    figures: { ...consoleFigures },
    checks: [
      check('console JavaScript, gzip (KB)', jsGzipKB, `<= ${goals.console.jsGzipKB}`),
      check(
        'console: render a 200-case queue (ms)',
        consoleFigures.queueRenderMs,
        `<= ${goals.console.queueRenderMs}`,
      ),
      check(
        'console: KB received per case change, 200 listed',
        consoleFigures.caseChangeBytes / 1_000,
        '<= 15',
      ),
      check(
        'console: per case change vs the 200-case list (x)',
        consoleFigures.caseChangeBytes / consoleFigures.queueListBytes,
        '<= 0.1',
      ),
    ],
  };
  await bareWorker.stop();
  await services.stop();
  const codec = await measureCodec(stack, { roundCases, concurrency, pairs });
  // Each on its own worker: the memory section's in a process of its own. The queries section goes last,
  // as the 100,000 rows it adds to the projection would weigh on everything measured after it.
  const notifications = await measureNotifications(stack);
  const memory = await measureMemory(stack);
  const campaign = await measureCampaign(stack);
  const fourEyes = await measureFourEyes(stack, {
    cases: Number(process.env.BENCH_FOUR_EYES_CASES ?? 2_000),
  });
  const queries = await measureQueries(stack);
  process.exitCode = report({
    engine,
    console: consoleSection,
    codec,
    notifications,
    memory,
    campaign,
    fourEyes,
    queries,
  })
    ? 0
    : 1;
} finally {
  await stack.stop();
}
