import type { Connection } from '@temporalio/client';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../../activities/index.js';
import type { Env } from '../config/env.js';
import type { Database } from '../db/client.js';
import type { AccountControls } from '../domain/controls.js';
import type { Policy } from '../domain/policy.js';
import { Assigner } from '../temporal/assignment.js';
import type { Channels } from '../notify/channels.js';
import { logNotifier } from '../notify/channels.js';
import { logOnlyRouting } from '../db/outbox.js';
import { registerSearchAttributes } from '../temporal/searchAttributes.js';
import { startAssignmentSweep } from './assignmentSweep.js';
import { startDispatcher } from './dispatcher.js';
import { startFourEyesDigestSweep } from './fourEyesDigestSweep.js';
import { createCaseWorker, runUntilStopped } from './worker.js';

export interface RunningWorker {
  stop(): Promise<void>;
  /** Settles when the worker stops, for whatever reason. */
  done: Promise<void>;
}

/**
 * The worker side of dualkey: registers the search attributes on the namespace, runs the case workflows
 * and their activities, drains the notification outbox, sweeps for cases to hand over and sends the
 * weekly four-eyes digest.
 */
export async function runWorker(
  settings: Pick<
    Env,
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_TASK_QUEUE'
    | 'WORKER_MAX_CACHED_WORKFLOWS'
    | 'ASSIGNMENT_SWEEP_MS'
    | 'UPDATE_TIMEOUT_MS'
    | 'FOUR_EYES_DIGEST_AT'
    | 'FOUR_EYES_DIGEST_LEADS'
  >,
  options: {
    db: Database;
    controls: AccountControls;
    connection: Connection;
    nativeConnection: NativeConnection;
    log: Logger;
    /** Without channels, every notification is written to the log. */
    channels?: Channels | undefined;
    maxDeliveryAttempts?: number | undefined;
    dataConverter?: DataConverter;
    /** The policy whose assignment section the sweep follows. */
    policy: Policy;
  },
): Promise<RunningWorker> {
  const { log } = options;
  try {
    const added = await registerSearchAttributes(options.connection, settings.TEMPORAL_NAMESPACE);
    if (added.length > 0) log.info({ added }, 'registered search attributes');
  } catch (error) {
    log.warn(
      { err: error },
      'could not register search attributes through the operator service; register them with `temporal operator search-attribute create` (see docs/operations.md)',
    );
  }
  const worker = await createCaseWorker({
    connection: options.nativeConnection,
    namespace: settings.TEMPORAL_NAMESPACE,
    taskQueue: settings.TEMPORAL_TASK_QUEUE,
    activities: createActivities({
      db: options.db,
      controls: options.controls,
      notifications: options.channels?.outbox,
    }),
    maxCachedWorkflows: settings.WORKER_MAX_CACHED_WORKFLOWS,
    dataConverter: options.dataConverter,
  });
  log.info(
    options.channels?.summary ??
      'no notification channel is configured: notifications are written to the log only',
  );
  const dispatcher = startDispatcher({
    db: options.db,
    notifier: options.channels?.notifier ?? logNotifier(log),
    log,
    maxAttempts: options.maxDeliveryAttempts,
  });
  const sweep =
    settings.ASSIGNMENT_SWEEP_MS > 0
      ? startAssignmentSweep({
          assigner: new Assigner({
            db: options.db,
            client: new Client({
              connection: options.connection,
              namespace: settings.TEMPORAL_NAMESPACE,
              ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
            }),
            policy: options.policy,
            updateTimeoutMs: settings.UPDATE_TIMEOUT_MS,
          }),
          intervalMs: settings.ASSIGNMENT_SWEEP_MS,
          log,
        })
      : undefined;
  const digest =
    settings.FOUR_EYES_DIGEST_AT && settings.FOUR_EYES_DIGEST_LEADS.length > 0
      ? startFourEyesDigestSweep({
          db: options.db,
          outbox: options.channels?.outbox ?? logOnlyRouting,
          policy: options.policy,
          schedule: settings.FOUR_EYES_DIGEST_AT,
          leads: settings.FOUR_EYES_DIGEST_LEADS,
          log,
        })
      : undefined;
  const running = runUntilStopped(worker, { db: options.db });
  return {
    done: running.done,
    async stop() {
      await sweep?.stop();
      await digest?.stop();
      await running.stop();
      await dispatcher.stop();
      options.channels?.close();
    },
  };
}
