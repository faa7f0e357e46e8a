import { NativeConnection } from '@temporalio/worker';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApiDeps, startApiServer } from './api/server.js';
import { loadPayloadKeys } from './temporal/codec/payloadKeys.js';
import { parseEnv } from './config/env.js';
import { loadPolicy } from './config/policy.js';
import { connectDatabase } from './db/client.js';
import { seedDemoUsers } from './db/demoUsers.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { runMigrations } from './db/migrate.js';
import { createLogger, installSdkRuntime } from './runtime/logger.js';
import { assertPortFree } from './runtime/ports.js';
import { failStartup, onShutdown } from './runtime/shutdown.js';
import { removeStackFile, writeStackFile } from './runtime/stackFile.js';
import {
  bootstrapAdmin,
  codecEndpoint,
  connectTemporal,
  createAccountControls,
  createNotificationChannels,
  payloadCodec,
  temporalAddress,
  temporalConnectionOptions,
  uiUrl,
} from './runtime/wiring.js';
import { dataConverterOf } from './temporal/codec/dataConverter.js';
import { startDevServer } from './temporal/devServer.js';
import { startMailCatcher } from './runtime/mailCatcher.js';
import { runWorker } from './worker/run.js';

/**
 * Everything on one machine, run by `npm start` (src/start.ts) in a process group of its own. A Temporal
 * dev server (unless TEMPORAL_ADDRESS) and an embedded PostgreSQL (unless DATABASE_URL), both keeping
 * their data under DUALKEY_DATA_DIR, then migrations, the worker and the API in this process. A signal, or
 * `npm start` going away, stops it all: the API and the worker first, then what they use.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'started-at': { type: 'string' } } });
  const started = Number(values['started-at'] ?? performance.timeOrigin);
  const env = parseEnv();
  const policy = loadPolicy(env.DUALKEY_POLICY);
  const log = createLogger(env.LOG_LEVEL);
  const say = (line: string) => log.info(line);
  const dataDir = resolve(env.DUALKEY_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  // Before anything starts: production without a key stops here, saying what to set.
  const keys = loadPayloadKeys(env);
  if (keys.warning) log.warn(keys.warning);

  await assertPortFree(env.PORT, 'API', 'set PORT to another port', env.HOST);
  await assertPortFree(
    env.WORKER_METRICS_PORT,
    'worker metrics',
    'set WORKER_METRICS_PORT to another port',
    env.HOST,
  );
  if (!env.TEMPORAL_ADDRESS) {
    const hint = 'is another `npm start` running? Stop it, or set TEMPORAL_ADDRESS to use that server';
    await assertPortFree(env.TEMPORAL_PORT, 'Temporal dev server', hint);
    await assertPortFree(env.TEMPORAL_UI_PORT, 'Temporal Web UI', `${hint}, or set TEMPORAL_UI_PORT`);
  }
  const mailCatcherOn = env.MAIL_CATCHER ?? (env.NODE_ENV === 'development' && !env.NOTIFY_SMTP_URL);
  if (mailCatcherOn) {
    const hint = 'set MAIL_CATCHER_SMTP_PORT and MAIL_CATCHER_UI_PORT to other ports, or MAIL_CATCHER=false';
    await assertPortFree(env.MAIL_CATCHER_SMTP_PORT, 'mail catcher SMTP', hint);
    await assertPortFree(env.MAIL_CATCHER_UI_PORT, 'mail catcher UI', hint);
  }
  if (!env.DATABASE_URL) {
    await assertPortFree(
      env.EMBEDDED_POSTGRES_PORT,
      'embedded PostgreSQL',
      'set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use an existing PostgreSQL',
    );
  }

  installSdkRuntime(env);

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    await removeStackFile(dataDir);
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => log.warn({ err: error }, 'stop failed'));
  };
  onShutdown(async () => {
    await stopAll();
    process.stdout.write('dualkey has stopped: API, worker, Temporal and PostgreSQL are down.\n');
  }, say);
  // The channel to `npm start` closes when it dies without passing a signal on (killed, terminal gone).
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

  try {
    const [devServer, postgres, mailCatcher] = await Promise.all([
      env.TEMPORAL_ADDRESS
        ? undefined
        : startDevServer({
            cliPath: env.TEMPORAL_CLI_PATH,
            cacheDir: env.DUALKEY_CACHE_DIR,
            namespace: env.TEMPORAL_NAMESPACE,
            port: env.TEMPORAL_PORT,
            uiPort: env.TEMPORAL_UI_PORT,
            uiCodecEndpoint: keys.keyring ? codecEndpoint(env) : undefined,
            dbFilename: resolve(dataDir, 'temporal.sqlite'),
            log: say,
          }),
      env.DATABASE_URL
        ? undefined
        : startEmbeddedPostgres({ dataDir, port: env.EMBEDDED_POSTGRES_PORT, persistent: true }),
      mailCatcherOn
        ? startMailCatcher({
            cacheDir: env.DUALKEY_CACHE_DIR,
            dataDir,
            smtpPort: env.MAIL_CATCHER_SMTP_PORT,
            uiPort: env.MAIL_CATCHER_UI_PORT,
            log: say,
          })
        : undefined,
    ]);
    if (mailCatcher) stops.push(() => mailCatcher.stop());
    if (devServer) stops.push(() => devServer.stop());
    if (postgres) stops.push(() => postgres.stop());
    const databaseUrl = env.DATABASE_URL ?? postgres?.url;
    if (!databaseUrl) throw new Error('no database');

    await runMigrations(databaseUrl);
    const database = connectDatabase(databaseUrl, env.DATABASE_POOL_SIZE);
    stops.push(() => database.close());
    const address = devServer?.address ?? temporalAddress(env);
    const connectionOptions = devServer ? { address } : temporalConnectionOptions(env, address);
    const codec = payloadCodec(keys, database.db);
    const temporal = await connectTemporal(connectionOptions, env.TEMPORAL_NAMESPACE, dataConverterOf(codec));
    stops.push(() => temporal.connection.close());
    const nativeConnection = await NativeConnection.connect(connectionOptions);
    stops.push(() => nativeConnection.close());
    const controls = createAccountControls(env, database.db);

    const worker = await runWorker(env, {
      db: database.db,
      controls,
      connection: temporal.connection,
      nativeConnection,
      log,
      channels: createNotificationChannels(env, {
        db: database.db,
        contacts: controls,
        log,
        smtpUrl: mailCatcher?.smtpUrl,
      }),
      maxDeliveryAttempts: env.NOTIFY_MAX_ATTEMPTS,
      dataConverter: dataConverterOf(codec),
      policy,
    });
    stops.push(() => worker.stop());
    const bootstrapLine = await bootstrapAdmin(env, database.db, (message) => log.warn(message));
    const seedDemo =
      env.DUALKEY_SEED_DEMO ?? (env.NODE_ENV === 'development' && !env.DUALKEY_BOOTSTRAP_ADMIN_TOKEN);
    // Before the API listens, so the console's sign-in page offers them from its first request.
    const demoTokens = seedDemo ? await seedDemoUsers(database.db, dataDir) : [];
    const api = await startApiServer(
      buildApiDeps({ env, database, temporal, controls, policy, log, codec, demoUsers: demoTokens }),
      env.HOST,
      env.PORT,
    );
    stops.push(() => api.close());

    const ui = uiUrl(env);
    const apiUrl = env.PUBLIC_URL ?? api.url;
    const lines = [
      '',
      `dualkey is up in ${((Date.now() - started) / 1_000).toFixed(1)}s`,
      `  API               ${apiUrl}`,
      `  Console           ${apiUrl}/console`,
      `  API reference     ${apiUrl}/docs`,
      `  Temporal gRPC     ${address}${devServer ? ` (dev server, CLI via ${devServer.source})` : ''}`,
      ...(ui ? [`  Temporal Web UI   ${ui}`] : []),
      `  PostgreSQL        ${postgres ? `embedded, ${databaseUrl}` : 'DATABASE_URL'}`,
      `  Encryption        ${keys.summary}`,
      ...(codec ? [`  Codec endpoint    ${apiUrl}/codec (the Web UI decodes through it)`] : []),
      `  Worker metrics    http://${env.HOST}:${env.WORKER_METRICS_PORT}/metrics`,
      ...(mailCatcher
        ? [
            `  Mail catcher      ${mailCatcher.uiUrl} (Mailpit via ${mailCatcher.source}; SMTP ${mailCatcher.smtpUrl})`,
          ]
        : []),
      `  Data              ${dataDir}`,
      ...(demoTokens.length
        ? [
            '',
            'Demo users (development only; tokens kept in the data dir):',
            ...demoTokens.map((t) => `  ${t.name.padEnd(30)} ${t.token}`),
          ]
        : []),
      ...(bootstrapLine ? ['', bootstrapLine] : []),
      '',
      'Ctrl-C stops everything.',
      '',
    ];
    await writeStackFile(dataDir, {
      apiUrl,
      databaseUrl,
      temporalAddress: address,
      namespace: env.TEMPORAL_NAMESPACE,
      temporalUiUrl: ui,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    });
    process.stdout.write(lines.join('\n'));
  } catch (error) {
    await stopAll();
    throw error;
  }
}

main().catch((error: unknown) => failStartup(error, (line) => console.error(line)));
