import { parseEnv } from '../config/env.js';
import { loadPolicy } from '../config/policy.js';
import { createLogger } from '../runtime/logger.js';
import { assertPortFree } from '../runtime/ports.js';
import { failStartup, onShutdown } from '../runtime/shutdown.js';
import { bootstrapAdmin, connectDependencies, createAccountControls } from '../runtime/wiring.js';
import { untilReachable } from '../runtime/reachable.js';
import { buildApiDeps, startApiServer } from './server.js';

/** `npm run api`: one API process against an existing Temporal and PostgreSQL. */
async function main(): Promise<void> {
  const env = parseEnv();
  const policy = loadPolicy(env.DUALKEY_POLICY);
  const log = createLogger(env.LOG_LEVEL, 'dualkey-api');
  await assertPortFree(env.PORT, 'API', 'set PORT to another port', env.HOST);
  const say = (line: string) => log.info(line);
  const { database, temporal, codec } = await connectDependencies(env, say);
  const bootstrapLine = await untilReachable(
    'PostgreSQL',
    () => bootstrapAdmin(env, database.db, (message) => log.warn(message)),
    say,
  );
  if (bootstrapLine) log.info(bootstrapLine);
  const controls = createAccountControls(env, database.db);
  const server = await startApiServer(
    buildApiDeps({ env, database, temporal, controls, policy, log, codec }),
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
