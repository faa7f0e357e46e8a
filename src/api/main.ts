import { parseEnv } from '../config/env.js';
import { loadPolicy } from '../config/policy.js';
import { connectDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { createLogger } from '../runtime/logger.js';
import { assertPortFree } from '../runtime/ports.js';
import { failStartup, onShutdown } from '../runtime/shutdown.js';
import {
  bootstrapAdmin,
  connectTemporal,
  createAccountControls,
  embeddedDatabaseUrl,
  temporalAddress,
  temporalConnectionOptions,
} from '../runtime/wiring.js';
import { untilReachable } from '../runtime/reachable.js';
import { buildApiDeps, startApiServer } from './server.js';

/** `npm run api`: one API process against an existing Temporal and PostgreSQL. */
async function main(): Promise<void> {
  const env = parseEnv();
  const policy = loadPolicy(env.DUALKEY_POLICY);
  const log = createLogger(env.LOG_LEVEL, 'dualkey-api');
  await assertPortFree(env.PORT, 'API', 'set PORT to another port', env.HOST);
  const databaseUrl = env.DATABASE_URL ?? embeddedDatabaseUrl(env);
  const say = (line: string) => log.info(line);
  await untilReachable(`PostgreSQL at ${new URL(databaseUrl).host}`, () => runMigrations(databaseUrl), say);
  const database = connectDatabase(databaseUrl, env.DATABASE_POOL_SIZE);
  await untilReachable(
    'PostgreSQL',
    () => bootstrapAdmin(env, database.db, (message) => log.warn(message)),
    say,
  );
  const address = temporalAddress(env);
  const temporal = await untilReachable(
    `Temporal at ${address}`,
    () => connectTemporal(temporalConnectionOptions(env, address), env.TEMPORAL_NAMESPACE),
    say,
  );
  const controls = createAccountControls(env, database.db);
  const server = await startApiServer(
    buildApiDeps({ env, database, temporal, controls, policy, log }),
    env.HOST,
    env.PORT,
  );
  const url = env.PUBLIC_URL ?? server.url;
  log.info({ url, docs: `${url}/docs`, listening: server.url }, 'API listening');
  onShutdown(
    async () => {
      await server.close();
      await temporal.connection.close();
      await database.close();
    },
    (line) => log.info(line),
  );
}

main().catch((error: unknown) => failStartup(error, (line) => console.error(line)));
