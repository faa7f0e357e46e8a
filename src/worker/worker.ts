import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities/index.js';
import { cachedWorkflowBundle } from './bundle.js';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle; otherwise the one cached for the current sources (built on first use). */
  workflowBundle?: { codePath: string } | undefined;
  identity?: string | undefined;
  /** The payload codec; the workflow bundle never sees it, so workflow code stays as it was. */
  dataConverter?: DataConverter | undefined;
  /** Runs kept in the worker's cache; the SDK sizes it from the heap otherwise (see docs/operations.md). */
  maxCachedWorkflows?: number | undefined;
}

export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle: options.workflowBundle ?? (await cachedWorkflowBundle()),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}

/** Runs the worker until `stop` shuts it down (or it fails); `done` settles either way. */
export function runUntilStopped(worker: Worker): { done: Promise<void>; stop(): Promise<void> } {
  const done = worker.run();
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
