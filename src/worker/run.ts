import type { Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../../activities/index.js';
import type { Database } from '../db/client.js';
import type { AccountControls } from '../domain/controls.js';
import type { Notifier } from '../domain/notifications.js';
import { registerSearchAttributes } from '../temporal/searchAttributes.js';
import { logNotifier, startDispatcher } from './dispatcher.js';
import { createCaseWorker } from './worker.js';

export interface RunningWorker {
  stop(): Promise<void>;
  /** Settles when the worker stops, for whatever reason. */
  done: Promise<void>;
}

/**
 * The worker side of dualkey: registers the search attributes on the namespace, runs the case workflows
 * and their activities, and drains the notification outbox.
 */
export async function runWorker(options: {
  db: Database;
  controls: AccountControls;
  connection: Connection;
  nativeConnection: NativeConnection;
  namespace: string;
  taskQueue: string;
  log: Logger;
  notifier?: Notifier;
  maxCachedWorkflows: number;
}): Promise<RunningWorker> {
  const { log } = options;
  try {
    const added = await registerSearchAttributes(options.connection, options.namespace);
    if (added.length > 0) log.info({ added }, 'registered search attributes');
  } catch (error) {
    log.warn(
      { err: error },
      'could not register search attributes through the operator service; register them with `temporal operator search-attribute create` (see docs/operations.md)',
    );
  }
  const worker = await createCaseWorker({
    connection: options.nativeConnection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ db: options.db, controls: options.controls }),
    maxCachedWorkflows: options.maxCachedWorkflows,
  });
  const dispatcher = startDispatcher({ db: options.db, notifier: options.notifier ?? logNotifier(log), log });
  const done = worker.run();
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
      await dispatcher.stop();
    },
  };
}
