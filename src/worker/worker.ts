import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { Activities } from '../../activities/index.js';
import type { Database } from '../db/client.js';
import { forgetWorker, recordWorkerBeat } from '../db/workerBeats.js';
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

/**
 * How long a workflow task waits on this worker's own (sticky) queue before Temporal hands it to any
 * worker. A killed worker leaves the cases it had cached sticky to it; the SDK's default of 10 s held an
 * action on one of them that long (the API answered 503), this costs about a second. A live worker
 * takes its sticky tasks within milliseconds; one that misses this only replays the case elsewhere.
 */
export const STICKY_QUEUE_TIMEOUT = '1s';

export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle: options.workflowBundle ?? (await cachedWorkflowBundle()),
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}

/** How often a running worker says so in `worker_beats`; readiness counts three missed beats as gone. */
export const WORKER_BEAT_MS = 5_000;

/**
 * Runs the worker until `stop` shuts it down (or it fails); `done` settles either way. With a database,
 * it beats in `worker_beats` while it runs and deletes its row when it stops, so readiness sees a stopped
 * worker at once and a killed one within seconds.
 */
export function runUntilStopped(
  worker: Worker,
  beats?: { db: Database },
): { done: Promise<void>; stop(): Promise<void> } {
  const done = worker.run();
  const stopBeating = beats ? beat(beats.db, worker.options.taskQueue, done) : () => Promise.resolve();
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await done;
      } finally {
        await stopBeating();
      }
    },
  };
}

function beat(db: Database, taskQueue: string, done: Promise<void>): () => Promise<void> {
  // Not the worker's identity: workers in one process share it, and one stopping must not hide another.
  const id = randomUUID();
  // A failed beat is retried by the next one; PostgreSQL being down is readiness's own finding.
  const once = () => recordWorkerBeat(db, id, taskQueue).catch(() => undefined);
  void once();
  const timer = setInterval(() => void once(), WORKER_BEAT_MS);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    clearInterval(timer);
    stopped ??= forgetWorker(db, id).catch(() => undefined);
    return stopped;
  };
  void done.then(stop, stop);
  return stop;
}
