import { DefaultLogger, Runtime } from '@temporalio/worker';
import { connectServices } from '../test/support/services.js';
import { startThrowawayStack } from '../test/support/stack.js';
import { applyControl, caseInput, makeCast, newAccountId } from '../test/support/world.js';
import { measureConsole } from './console.js';

/*
 * `npm run bench`: the case lifecycle on a throw-away local stack (dev server, embedded PostgreSQL, one
 * in-process worker, all on this machine). Low-tier unfreeze cases run from intake to a closed, lifted
 * case in two phases: one at a time, for the latency an agent sees, then BENCH_CONCURRENCY at a time,
 * for throughput under load. Then the console: the JavaScript it ships and the time chromium takes to
 * render a queue of 200 cases. The figures are checked against the goals below; exit code 1 if one is missed.
 */
const phases = [
  { name: 'latency', cases: Number(process.env.BENCH_LATENCY_CASES ?? 15), concurrency: 1 },
  {
    name: 'load',
    cases: Number(process.env.BENCH_CASES ?? 60),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 10),
  },
] as const;
const goals = {
  latency: { intakeP95Ms: 100, actionP95Ms: 250 },
  load: { actionP95Ms: 1_000, casesPerMinute: 120 },
  rssMiB: 700,
  console: { jsGzipKB: 250, queueRenderMs: 200 },
};

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const stack = await startThrowawayStack();

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

try {
  const services = await connectServices(
    { databaseUrl: stack.databaseUrl, temporalAddress: stack.server.address, bundlePath: stack.bundlePath },
    { policy: { monitoring: { window: { low: '1s', medium: '1s', high: '1s', critical: '1s' } } } },
  );
  const cast = await makeCast(services);
  const runPhase = async (cases: number, concurrency: number) => {
    const intake: number[] = [];
    const actions: number[] = [];
    const timed = async <T>(into: number[], run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await run();
      into.push(performance.now() - started);
      return result;
    };
    let lastWorkflowId = '';
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
      lastWorkflowId = created.workflowId;
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
    const history = await services.client.workflow.getHandle(lastWorkflowId).fetchHistory();
    return {
      cases,
      concurrency,
      intakeP50Ms: percentile(intake, 50),
      intakeP95Ms: percentile(intake, 95),
      actionP50Ms: percentile(actions, 50),
      actionP95Ms: percentile(actions, 95),
      casesPerMinute: cases / minutes,
      historyEventsPerUnfreeze: history.events?.length ?? 0,
    };
  };

  const [latencyPhase, loadPhase] = phases;
  const latency = await runPhase(latencyPhase.cases, latencyPhase.concurrency);
  const load = await runPhase(loadPhase.cases, loadPhase.concurrency);
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  const consoleFigures = await measureConsole(services, cast.agent);
  const jsGzipKB = consoleFigures.jsGzipBytes / 1_000;
  const checks = [
    [
      'one at a time: intake p95 (ms)',
      latency.intakeP95Ms,
      `<= ${goals.latency.intakeP95Ms}`,
      latency.intakeP95Ms <= goals.latency.intakeP95Ms,
    ],
    [
      'one at a time: action p95 (ms)',
      latency.actionP95Ms,
      `<= ${goals.latency.actionP95Ms}`,
      latency.actionP95Ms <= goals.latency.actionP95Ms,
    ],
    [
      `${loadPhase.concurrency} at once: action p95 (ms)`,
      load.actionP95Ms,
      `<= ${goals.load.actionP95Ms}`,
      load.actionP95Ms <= goals.load.actionP95Ms,
    ],
    [
      `${loadPhase.concurrency} at once: cases per minute`,
      load.casesPerMinute,
      `>= ${goals.load.casesPerMinute}`,
      load.casesPerMinute >= goals.load.casesPerMinute,
    ],
    ['RSS of this process (MiB)', rssMiB, `<= ${goals.rssMiB}`, rssMiB <= goals.rssMiB],
    [
      'console JavaScript, gzip (KB)',
      jsGzipKB,
      `<= ${goals.console.jsGzipKB}`,
      jsGzipKB <= goals.console.jsGzipKB,
    ],
    [
      'console: render a 200-case queue (ms)',
      consoleFigures.queueRenderMs,
      `<= ${goals.console.queueRenderMs}`,
      consoleFigures.queueRenderMs <= goals.console.queueRenderMs,
    ],
  ] as const;
  console.log(JSON.stringify({ latency, load, rssMiB, console: consoleFigures }, null, 2));
  for (const [name, value, goal, ok] of checks) {
    console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(38)} ${value.toFixed(1).padStart(8)}   goal ${goal}`);
  }
  await services.stop();
  process.exitCode = checks.every(([, , , ok]) => ok) ? 0 : 1;
} finally {
  await stack.stop();
}
