import { NativeConnection } from '@temporalio/worker';
import { parseEnv } from '../config/env.js';
import { loadPolicy } from '../config/policy.js';
import { createLogger, installSdkRuntime } from '../runtime/logger.js';
import { failStartup, onShutdown } from '../runtime/shutdown.js';
import { connectDependencies, createAccountControls, createNotificationChannels } from '../runtime/wiring.js';
import { untilReachable } from '../runtime/reachable.js';
import { dataConverterOf } from '../temporal/codec/dataConverter.js';
import { runWorker } from './run.js';

/** `npm run worker`: one worker process against an existing Temporal and PostgreSQL. */
async function main(): Promise<void> {
  const env = parseEnv();
  const log = createLogger(env.LOG_LEVEL, 'dualkey-worker');
  installSdkRuntime(env);
  const say = (line: string) => log.info(line);
  const { database, temporal, address, connectionOptions, codec } = await connectDependencies(env, say);
  const nativeConnection = await untilReachable(
    `Temporal at ${address}`,
    () => NativeConnection.connect(connectionOptions),
    say,
  );
  const controls = createAccountControls(env, database.db);
  const worker = await runWorker(env, {
    db: database.db,
    controls,
    channels: createNotificationChannels(env, { db: database.db, contacts: controls, log }),
    maxDeliveryAttempts: env.NOTIFY_MAX_ATTEMPTS,
    connection: temporal.connection,
    nativeConnection,
    log,
    dataConverter: dataConverterOf(codec),
    policy: loadPolicy(env.DUALKEY_POLICY),
  });
  log.info(
    {
      temporal: address,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      metrics: `http://${env.HOST}:${env.WORKER_METRICS_PORT}/metrics`,
    },
    'worker running',
  );
  onShutdown(
    async () => {
      await worker.stop();
      await nativeConnection.close();
      await temporal.connection.close();
      await database.close();
    },
    (line) => log.info(line),
  );
}

main().catch((error: unknown) => failStartup(error, (line) => console.error(line)));
