import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { workflowIdFor } from '../src/domain/case.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { freePort } from '../src/runtime/ports.js';
import { startDevServer } from '../src/temporal/devServer.js';
import { workflowsPath } from '../src/worker/worker.js';
import { connectServices } from '../test/support/services.js';
import { applyControl, caseInput, makeCast, newAccountId } from '../test/support/world.js';

/*
 * `npm run bench`: the case lifecycle on a throw-away local stack (dev server, embedded PostgreSQL, one
 * in-process worker). Runs BENCH_CASES low-tier unfreeze cases, BENCH_CONCURRENCY at a time, from intake
 * to a closed, lifted case, and checks the figures against the goals below. Exit code 1 if a goal is
 * missed.
 */
const cases = Number(process.env.BENCH_CASES ?? 60);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
const goals = { intakeP95Ms: 250, actionP95Ms: 250, casesPerMinute: 120, rssMiB: 600 };

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const dataDir = await mkdtemp(join(tmpdir(), 'dualkey-bench-'));
const server = await startDevServer({
  cliPath: process.env.TEMPORAL_CLI_PATH,
  cacheDir: process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey'),
  namespace: 'default',
  log: (line) => console.log(line),
});
const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

try {
  await runMigrations(postgres.url);
  const bundlePath = join(dataDir, 'bundle.js');
  await writeFile(
    bundlePath,
    (await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') })).code,
  );
  const services = await connectServices(
    { databaseUrl: postgres.url, temporalAddress: server.address, bundlePath },
    { policy: { monitoring: { window: { low: '1s', medium: '1s', high: '1s', critical: '1s' } } } },
  );
  const cast = await makeCast(services);
  const intake: number[] = [];
  const actions: number[] = [];
  const timed = async <T>(into: number[], run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    into.push(performance.now() - started);
    return result;
  };

  let lastCaseId = '';
  const one = async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const created = await timed(intake, () =>
      services.cases.create(cast.agent, caseInput(lock.accountId, { controlIds: [lock.id] })),
    );
    await timed(actions, () => services.cases.act(cast.agent, created.id, 'claim', {}));
    const proposed = await timed(actions, () =>
      services.cases.act(cast.agent, created.id, 'propose', {
        controlIds: [lock.id],
        reasonCode: 'verified_owner',
        justification: 'bench',
      }),
    );
    await timed(actions, () =>
      services.cases.act(cast.checker, created.id, 'approve', { proposalId: proposed.proposals[0]!.id }),
    );
    // Waiting on the workflow's result, not polling, so the bench measures the engine and not its own load.
    await services.client.workflow.getHandle(created.workflowId).result();
    lastCaseId = created.id;
  };

  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cases) {
        next += 1;
        await one();
      }
    }),
  );
  const minutes = (performance.now() - started) / 60_000;
  const history = await services.client.workflow.getHandle(workflowIdFor(lastCaseId)).fetchHistory();
  const rssMiB = process.memoryUsage().rss / 2 ** 20;

  const figures = {
    cases,
    concurrency,
    intakeP50Ms: percentile(intake, 50),
    intakeP95Ms: percentile(intake, 95),
    actionP50Ms: percentile(actions, 50),
    actionP95Ms: percentile(actions, 95),
    casesPerMinute: cases / minutes,
    historyEventsPerUnfreeze: history.events?.length ?? 0,
    rssMiB,
  };
  const checks = [
    [
      'intake p95 (ms)',
      figures.intakeP95Ms,
      `<= ${goals.intakeP95Ms}`,
      figures.intakeP95Ms <= goals.intakeP95Ms,
    ],
    [
      'action p95 (ms)',
      figures.actionP95Ms,
      `<= ${goals.actionP95Ms}`,
      figures.actionP95Ms <= goals.actionP95Ms,
    ],
    [
      'cases per minute',
      figures.casesPerMinute,
      `>= ${goals.casesPerMinute}`,
      figures.casesPerMinute >= goals.casesPerMinute,
    ],
    ['RSS of this process (MiB)', figures.rssMiB, `<= ${goals.rssMiB}`, figures.rssMiB <= goals.rssMiB],
  ] as const;
  console.log(JSON.stringify(figures, null, 2));
  for (const [name, value, goal, ok] of checks) {
    console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(28)} ${value.toFixed(1).padStart(8)}   goal ${goal}`);
  }
  await services.stop();
  process.exitCode = checks.every(([, , , ok]) => ok) ? 0 : 1;
} finally {
  await server.stop();
  await postgres.stop();
  await rm(dataDir, { recursive: true, force: true });
}
