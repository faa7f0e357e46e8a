import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runUntilStopped } from '../../src/worker/worker.js';
import { caseStartOptions } from '../../workflows/searchAttributes.js';
import type { Case } from '../../src/domain/case.js';
import { createBareActivities } from './activities.js';
import type { BareInput } from './workflow.js';
import { approveUpdate, claimUpdate, proposeUpdate } from './workflow.js';

export interface BareWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/** A worker of its own, on its own task queue, with its own bundle holding only the bare workflow. */
export async function startBareWorker(connection: NativeConnection): Promise<BareWorker> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
    logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
  });
  const taskQueue = `bare-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    activities: createBareActivities(),
    workflowBundle: { code },
  });
  const running = runUntilStopped(worker);
  return { taskQueue, stop: running.stop };
}

export interface Timings {
  intake: number[];
  actions: number[];
}

export async function timed<T>(into: number[], run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  into.push(performance.now() - started);
  return result;
}

/**
 * One bare case from start to its result, timed as dualkey's are: the start as intake, each update as an
 * action. Started with a case's search attributes and memo, so the start carries what dualkey's does.
 */
export async function runBareCase(
  client: Client,
  worker: BareWorker,
  shape: Case,
  input: BareInput,
  timings: Timings,
): Promise<string> {
  const workflowId = `bare-${randomUUID()}`;
  const handle = await timed(timings.intake, () =>
    client.workflow.start('bareUnfreeze', {
      workflowId,
      taskQueue: worker.taskQueue,
      args: [input],
      ...caseStartOptions(shape),
    }),
  );
  await timed(timings.actions, () => handle.executeUpdate(claimUpdate, { args: ['u-agent'] }));
  await timed(timings.actions, () => handle.executeUpdate(proposeUpdate, { args: ['ctl-1'] }));
  await timed(timings.actions, () => handle.executeUpdate(approveUpdate, { args: ['ctl-1'] }));
  await handle.result();
  return workflowId;
}
