import { NativeConnection } from '@temporalio/worker';
import { parseEnv } from '../config/env.js';
import { connectDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { createLogger, installSdkRuntime } from '../runtime/logger.js';
import { failStartup, onShutdown } from '../runtime/shutdown.js';
import {
  connectTemporal,
  createAccountControls,
  embeddedDatabaseUrl,
  temporalAddress,
  temporalConnectionOptions,
} from '../runtime/wiring.js';
import { untilReachable } from '../runtime/reachable.js';
import { runWorker } from './run.js';

/** `npm run worker`: one worker process against an existing Temporal and PostgreSQL. */
async function main(): Promise<void> {
  const env = parseEnv();
  const log = createLogger(env.LOG_LEVEL, 'dualkey-worker');
  installSdkRuntime(env);
  const databaseUrl = env.DATABASE_URL ?? embeddedDatabaseUrl(env);
  const say = (line: string) => log.info(line);
  await untilReachable(`PostgreSQL at ${new URL(databaseUrl).host}`, () => runMigrations(databaseUrl), say);
  const database = connectDatabase(databaseUrl, env.DATABASE_POOL_SIZE);
  const address = temporalAddress(env);
  const connectionOptions = temporalConnectionOptions(env, address);
  const temporal = await untilReachable(
    `Temporal at ${address}`,
    () => connectTemporal(connectionOptions, env.TEMPORAL_NAMESPACE),
    say,
  );
  const nativeConnection = await untilReachable(
    `Temporal at ${address}`,
    () => NativeConnection.connect(connectionOptions),
    say,
  );
  const worker = await runWorker({
    db: database.db,
    controls: createAccountControls(env, database.db),
    connection: temporal.connection,
    nativeConnection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    log,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
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
