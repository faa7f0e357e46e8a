import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlClient from 'postgres';
import { caseSearchAttributes } from '../../workflows/searchAttributes.js';
import type { EmbeddedPostgresHandle } from '../../src/db/embedded.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { runMigrations } from '../../src/db/migrate.js';
import { freePort } from '../../src/runtime/ports.js';
import { findTemporalCli, installAdvice } from '../../src/temporal/cli.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import { workflowBundleFile } from '../../src/worker/bundle.js';
import type { CampaignDrillOptions, DrillCampaign, FaultKind } from './campaign.js';
import { campaignPolicy, checkDrillCampaign, finishDrillCampaign, startDrillCampaign } from './campaign.js';
import { DrillClient } from './client.js';
import { Fleet } from './fleet.js';
import type { Fault, Span } from './latency.js';
import { acrossWorkerKills, summary } from './latency.js';
import { startNotificationFaults } from './notifications.js';

/**
 * A cluster the drill runs against instead of starting its own dev server and PostgreSQL. It neither
 * kills nor stops them (it does not manage them): its faults there are worker and API replica kills.
 */
export interface DrillCluster {
  temporalAddress: string;
  namespace: string;
  /** A database of the drill's own: it is migrated, and the drill's users, cases and controls stay in it. */
  databaseUrl: string;
}

export interface DrillOptions {
  cases: number;
  /** Pause between starting one case and the next, so cases are in every state while faults land. */
  staggerMs: number;
  workerKills: number;
  /** How long PostgreSQL stays stopped. */
  outageMs: number;
  /** Pause before each fault, letting the system settle into the next one. */
  faultGapMs: number;
  /** Bound on one case from its first request to its final state. */
  caseLimitMs: number;
  cacheDir: string;
  /**
   * An incident lift campaign over this many accounts besides the cases: its batches are under way when
   * the faults begin, and its invariants (no account lifted twice, none lost, each lift once in the
   * ledger) join the report.
   */
  campaign?: CampaignDrillOptions | undefined;
  cluster?: DrillCluster | undefined;
  log: (line: string) => void;
}

/** What the API and worker processes take from the drill's own environment: the way to reach a cluster. */
const clusterCredentials = ['TEMPORAL_TLS', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'];

export interface DrillReport {
  figures: Record<string, number | string>;
  failures: string[];
}

type Expected = 'lifted' | 'reverted';
interface DrillCase {
  index: number;
  expected: Expected;
  accountId: string;
  controlId?: string;
  caseId?: string;
  problem?: string;
}

/** The steps that are actions on a case (updates to its run), whose latency the report gives. */
const caseActions = new Set(['claim', 'propose', 'approve', 'resolve']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a condition, bounded in time; returns the last value it read. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch {
      // an outage in progress; the bound decides
    }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 300)})`);
}

/**
 * The fault drill: two API replicas and two workers as processes of their own, a Temporal dev server and
 * an embedded PostgreSQL it starts itself (loopback, free ports), unfreeze cases driven over HTTP while
 * workers are SIGKILLed, the dev server is killed and restarted, PostgreSQL is stopped for a while and an
 * API replica is killed; then the invariants are checked. Given a cluster, it runs against that instead,
 * with the faults it can cause there (workers and an API replica killed).
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const { log, cluster } = options;
  const started = Date.now();
  const failures: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'dualkey-drill-'));
  const [temporalPort, temporalHttpPort, temporalMetricsPort, pgPort, ...ports] = await Promise.all(
    Array.from({ length: 8 }, () => freePort()),
  );
  const apiPorts = [ports[0]!, ports[1]!];
  const metricsPorts = [ports[2]!, ports[3]!];
  const adminToken = `drill-${randomBytes(24).toString('hex')}`;
  const cli = cluster
    ? undefined
    : await findTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, cacheDir: options.cacheDir });
  if (!cluster && !cli)
    throw new Error(`no Temporal CLI found; run npm run temporal:install\n${installAdvice}`);

  const notifications = await startNotificationFaults();
  const pgOptions = { dataDir: dir, port: pgPort!, persistent: true };
  let postgres: EmbeddedPostgresHandle | undefined;
  const fleet = new Fleet({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });
  const devServerArgs = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(temporalPort),
    '--http-port',
    String(temporalHttpPort),
    '--metrics-port',
    String(temporalMetricsPort),
    '--headless',
    '--log-level',
    'error',
    '--db-filename',
    join(dir, 'temporal.sqlite'),
    '--sqlite-pragma',
    'journal_mode=wal',
    ...caseSearchAttributes.flatMap((a) => [
      '--search-attribute',
      `${a.name}=${a.type === 'BOOL' ? 'Bool' : 'Keyword'}`,
    ]),
  ];
  const faults = { workerKills: 0, devServerKills: 0, postgresOutages: 0, apiKills: 0 };
  const faultSpans: (Fault & { what: FaultKind })[] = [];
  /** A fault from just before it is caused until what it stopped is started again. */
  const fault = async (what: FaultKind, cause: () => Promise<void>) => {
    const start = Date.now();
    await cause();
    faultSpans.push({ kind: what === 'worker' ? 'worker' : 'other', what, start, end: Date.now() });
  };
  const actionSpans: Span[] = [];
  const databaseUrl =
    cluster?.databaseUrl ?? `postgres://dualkey:dualkey-embedded@127.0.0.1:${pgPort}/dualkey`;
  const common = {
    ...Object.fromEntries(
      clusterCredentials.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
    ),
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: cluster?.temporalAddress ?? `127.0.0.1:${temporalPort}`,
    TEMPORAL_NAMESPACE: cluster?.namespace ?? 'default',
    // A queue of its own: on a shared namespace, no other worker takes the drill's cases (nor it theirs).
    TEMPORAL_TASK_QUEUE: `dualkey-drill-${randomBytes(4).toString('hex')}`,
    DUALKEY_POLICY: join(dir, 'policy.json'),
    UPDATE_TIMEOUT_MS: '5000',
    RATE_LIMIT_PER_MINUTE: '100000',
    // Every API and worker encrypts and decrypts with the same key, as a deployment's would.
    DUALKEY_ENCRYPTION_KEYS: `drill:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'info',
    ...notifications.env,
  };
  const startApi = (i: number) =>
    fleet.entry(`api-${i + 1}`, 'src/api/main.ts', {
      ...common,
      PORT: String(apiPorts[i]),
      DUALKEY_BOOTSTRAP_ADMIN_TOKEN: adminToken,
    });
  const startWorker = (i: number) =>
    fleet.entry(`worker-${i + 1}`, 'src/worker/main.ts', {
      ...common,
      WORKER_METRICS_PORT: String(metricsPorts[i]),
    });
  const apiUrls = apiPorts.map((p) => `http://127.0.0.1:${p}`);
  const client = new DrillClient(apiUrls, options.caseLimitMs);
  const cases: DrillCase[] = Array.from({ length: options.cases }, (_, index) => ({
    index,
    // Every fourth case is reverted by a risk signal; it uses a medium-tier control, watched for long.
    expected: index % 4 === 3 ? 'reverted' : 'lifted',
    accountId: `acct-drill-${randomBytes(4).toString('hex')}-${index}`,
  }));

  try {
    // Lifts at low tier are watched for seconds, at medium for long enough that a signal finds them.
    await writeFile(
      common.DUALKEY_POLICY,
      JSON.stringify({
        monitoring: { window: { low: '5s', medium: '30m' } },
        activities: { attemptTimeout: '10s' },
        ...(options.campaign ? { campaigns: campaignPolicy(options.campaign) } : {}),
      }),
    );
    if (cli) {
      const [pgHandle] = await Promise.all([startEmbeddedPostgres(pgOptions), workflowBundleFile()]);
      postgres = pgHandle;
    } else {
      await workflowBundleFile();
    }
    await runMigrations(databaseUrl);
    if (cli) fleet.command('temporal', cli.path, devServerArgs);
    for (const i of [0, 1]) {
      startApi(i);
      startWorker(i);
    }
    await Promise.all(
      apiUrls.map((url) =>
        until(
          () => fetch(`${url}/readyz`).then((r) => r.status),
          (status) => status === 200,
          180_000,
          `${url}/readyz`,
        ),
      ),
    );
    log(`stack up in ${((Date.now() - started) / 1_000).toFixed(1)}s; driving ${options.cases} cases`);

    const user = async (roles: string[]) => {
      const created = await client.send('POST', '/v1/admin/users', adminToken, {
        name: `drill ${roles.join('+')}`,
        roles,
        businessLines: ['*'],
        departments: [],
      });
      if (created.status !== 201) throw new Error(`creating a ${roles.join('+')} answered ${created.status}`);
      return created.body.token as string;
    };
    const [agent, checker, riskEngine, auditor] = [
      await user(['agent']),
      await user(['checker']),
      await user(['risk_engine']),
      await user(['auditor']),
    ];
    let campaign: DrillCampaign | undefined;
    if (options.campaign) {
      campaign = await startDrillCampaign(
        client,
        {
          maker: await user(['senior']),
          approvers: [await user(['senior']), await user(['compliance'])],
          checker,
          riskEngine,
          auditor,
        },
        options.campaign,
        options.caseLimitMs,
        log,
        sleep,
      );
    }

    const read = async (caseId: string) => {
      const answer = await client.send('GET', `/v1/cases/${caseId}`, auditor);
      return answer.body as { status: string; outcome: string | null; proposals: { id: string }[] };
    };
    const act = async (
      c: DrillCase,
      step: string,
      token: string,
      path: string,
      body: unknown,
      expectStatus: number,
    ) => {
      const start = Date.now();
      const answer = await client.send('POST', path, token, body, `drill-${c.accountId}-${step}`);
      if (caseActions.has(step)) actionSpans.push({ start, end: Date.now() });
      if (answer.status !== expectStatus) {
        throw new Error(
          `${step} answered ${answer.status} ${String(answer.body.code)}: ${String(answer.body.detail)}`,
        );
      }
      return answer.body;
    };

    const drive = async (c: DrillCase) => {
      await sleep(c.index * options.staggerMs);
      const kind = c.expected === 'reverted' ? 'trading_lock' : 'login_lock';
      const control = await act(
        c,
        'control',
        riskEngine,
        `/v1/accounts/${c.accountId}/controls`,
        {
          category: 'restriction',
          kind,
          businessLine: 'spot',
          reason: 'drill restriction',
        },
        201,
      );
      c.controlId = control.id as string;
      const created = await act(
        c,
        'create',
        agent,
        '/v1/cases',
        {
          type: 'unfreeze',
          accountId: c.accountId,
          businessLine: 'spot',
          channel: 'ticket',
          subject: `Drill case ${c.index}`,
          description: 'Driven by the fault drill.',
          controlIds: [c.controlId],
        },
        201,
      );
      const caseId = created.id as string;
      const untilStatus = (status: string) =>
        until(
          () => read(caseId),
          (k) => k.status === status,
          options.caseLimitMs,
          `${caseId} ${status}`,
        );
      c.caseId = caseId;
      await act(c, 'claim', agent, `/v1/cases/${caseId}/claim`, undefined, 200);
      const proposed = await act(
        c,
        'propose',
        agent,
        `/v1/cases/${caseId}/proposals`,
        {
          controlIds: [c.controlId],
          reasonCode: 'verified_owner',
          justification: 'Verified on a video call.',
        },
        201,
      );
      const proposalId = (proposed.proposals as { id: string }[]).at(-1)!.id;
      await act(c, 'approve', checker, `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {}, 200);
      if (c.expected === 'reverted') {
        await untilStatus('monitoring');
        await act(
          c,
          'signal',
          riskEngine,
          '/v1/risk-signals',
          {
            accountId: c.accountId,
            signal: 'login.new_country',
            severity: 'high',
            occurredAt: new Date().toISOString(),
          },
          202,
        );
        await untilStatus('reverted');
        await act(
          c,
          'resolve',
          agent,
          `/v1/cases/${caseId}/resolve`,
          {
            outcome: 'reverted',
            summary: 'Re-frozen after a risk signal.',
          },
          200,
        );
      }
      const final = await untilStatus('closed');
      if (final.outcome !== c.expected)
        throw new Error(`closed with outcome ${final.outcome}, expected ${c.expected}`);
    };

    const chaos = async () => {
      const killWorker = () =>
        fault('worker', async () => {
          const i = faults.workerKills % 2;
          await fleet.kill(`worker-${i + 1}`);
          faults.workerKills++;
          await sleep(1_000);
          // A fresh port: the killed worker's may have gone meanwhile as the local port of some connection.
          metricsPorts[i] = await freePort();
          startWorker(i);
        });
      const plan: (() => Promise<void>)[] = [killWorker];
      if (cli) {
        plan.push(() =>
          fault('devServer', async () => {
            await fleet.kill('temporal');
            faults.devServerKills++;
            await sleep(2_000);
            fleet.command('temporal', cli.path, devServerArgs);
          }),
        );
      }
      if (options.workerKills > 1) plan.push(killWorker);
      if (cli) {
        plan.push(() =>
          fault('postgres', async () => {
            await postgres?.stop();
            postgres = undefined;
            faults.postgresOutages++;
            await sleep(options.outageMs);
            postgres = await startEmbeddedPostgres(pgOptions);
          }),
        );
      }
      plan.push(() =>
        fault('api', async () => {
          await fleet.kill('api-2');
          faults.apiKills++;
          await sleep(1_000);
          startApi(1);
        }),
      );
      plan.push(() => fault('smtp', () => notifications.smtpOutage(options.outageMs, sleep)));
      for (let k = plan.filter((f) => f === killWorker).length; k < options.workerKills; k++)
        plan.push(killWorker);
      for (const next of plan) {
        await sleep(options.faultGapMs);
        await next();
      }
    };

    const driven = Promise.all(
      cases.map((c) =>
        drive(c).catch((error: unknown) => {
          c.problem = (error as Error).message;
        }),
      ),
    );
    await Promise.all([driven, chaos()]);
    if (campaign) {
      const rate = options.campaign?.liftsPerSecond ?? defaultPolicy.campaigns.liftsPerSecond;
      const problem = await finishDrillCampaign(
        client,
        campaign,
        auditor,
        options.caseLimitMs + (campaign.accounts / rate) * 3_000,
        sleep,
      );
      if (problem) failures.push(problem);
    }
    const driveSeconds = (Date.now() - started) / 1_000;

    for (const c of cases) {
      if (c.problem)
        failures.push(`case ${c.index} (${c.caseId ?? 'not opened'}, ${c.expected}): ${c.problem}`);
    }
    // What happened to each control, from the registry itself.
    const sql = sqlClient(databaseUrl, { max: 1, onnotice: () => undefined });
    let campaignFigures: Record<string, number | string> = {};
    try {
      if (campaign) {
        const checked = await checkDrillCampaign(sql, campaign, faultSpans);
        campaignFigures = checked.figures;
        failures.push(...checked.failures);
      }
      for (const c of cases) {
        if (!c.controlId || c.problem) continue;
        const rows = await sql<{ action: string; n: string }[]>`
          select action, count(*) as n from control_events where control_id = ${c.controlId} group by action`;
        const count = (action: string) => Number(rows.find((r) => r.action === action)?.n ?? 0);
        const reapplied = c.expected === 'reverted' ? 1 : 0;
        if (count('lifted') !== 1 || count('reapplied') !== reapplied) {
          failures.push(
            `case ${c.index} (${c.caseId}): lifted ${count('lifted')}×, re-applied ${count('reapplied')}× (expected 1 and ${reapplied})`,
          );
        }
      }
    } finally {
      await sql.end();
    }
    let chainsVerified = 0;
    for (const c of cases) {
      if (!c.caseId) continue;
      const audit = await client.send('GET', `/v1/cases/${c.caseId}/audit`, auditor);
      if (audit.status === 200 && audit.body.verified === true) chainsVerified++;
      else
        failures.push(
          `case ${c.index} (${c.caseId}): audit chain ${audit.status} verified=${String(audit.body.verified)}`,
        );
    }
    log(`cases done at ${((Date.now() - started) / 1_000).toFixed(1)}s; settling the outbox`);
    const outbox = await notifications.settle(databaseUrl, options.caseLimitMs, sleep);
    log(`outbox settled at ${((Date.now() - started) / 1_000).toFixed(1)}s`);
    failures.push(...outbox.failures);
    const mismatches = await client.replayAll();
    failures.push(...mismatches.map((m) => `retried key not answered with its first result: ${m}`));
    failures.push(...client.serverErrors.map((e) => `server error: ${e}`));
    for (const exit of fleet.unexpectedExits()) {
      failures.push(
        `${exit.name} exited on its own (code ${exit.code}, signal ${exit.signal}):\n${exit.tail}`,
      );
    }

    const statuses = [...client.statuses].sort(([a], [b]) => a - b);
    return {
      failures,
      figures: {
        cluster: cluster
          ? `${cluster.temporalAddress}, namespace ${cluster.namespace}`
          : 'its own dev server',
        cases: options.cases,
        lifted: cases.filter((c) => c.expected === 'lifted' && !c.problem).length,
        reverted: cases.filter((c) => c.expected === 'reverted' && !c.problem).length,
        'lost or wrong cases': cases.filter((c) => c.problem).length,
        'audit chains verified': chainsVerified,
        'worker SIGKILLs': faults.workerKills,
        'dev server kills': cli ? faults.devServerKills : 'none (not managed by the drill)',
        'PostgreSQL outages': cli
          ? `${faults.postgresOutages} × ${options.outageMs / 1_000}s`
          : 'none (not managed by the drill)',
        'API replica kills': faults.apiKills,
        requests: statuses.reduce((sum, [, n]) => sum + n, 0),
        'answers by status': statuses.map(([s, n]) => `${s}: ${n}`).join(', '),
        'actions, p50 / p99 / max': summary(actionSpans.map((a) => a.end - a.start)),
        'actions across worker kills, p50 / p99 / max': summary(
          acrossWorkerKills(actionSpans, faultSpans).map((a) => a.end - a.start),
        ),
        'requests retried': client.retriedRequests,
        'connection errors': client.connectionErrors,
        '409 for a key still in progress': client.inProgressAnswers,
        'keyed requests replayed': client.keyed.length,
        'unexpected process exits': fleet.unexpectedExits().length,
        ...outbox.figures,
        ...campaignFigures,
        'seconds, start-up included': driveSeconds.toFixed(1),
      },
    };
  } finally {
    await fleet.stopAll();
    await notifications.stop();
    await postgres?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
