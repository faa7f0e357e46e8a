import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { runMigrations } from '../../src/db/migrate.js';
import { freePort } from '../../src/runtime/ports.js';
import type { DevServer } from '../../src/temporal/devServer.js';
import { startDevServer } from '../../src/temporal/devServer.js';
import { workflowBundleFile } from '../../src/worker/bundle.js';

export interface ThrowawayStack {
  server: DevServer;
  databaseUrl: string;
  bundlePath: string;
  cliOptions: { cliPath: string | undefined; cacheDir: string };
  stop(): Promise<void>;
}

/**
 * A dev server, a migrated embedded PostgreSQL and a workflow bundle in a temporary directory, for the
 * scripts that run outside the test runner (recording histories, the benchmark, the screenshot).
 */
export async function startThrowawayStack(options: { uiPort?: number } = {}): Promise<ThrowawayStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dualkey-stack-'));
  const cliOptions = {
    cliPath: process.env.TEMPORAL_CLI_PATH,
    cacheDir: process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey'),
  };
  const server = await startDevServer({
    ...cliOptions,
    namespace: 'default',
    uiPort: options.uiPort,
    log: (line) => console.log(line),
  });
  const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false }).catch(
    async (error: unknown) => {
      await server.stop();
      throw error;
    },
  );
  const stop = async () => {
    await server.stop();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await runMigrations(postgres.url);
    const bundlePath = await workflowBundleFile();
    return { server, databaseUrl: postgres.url, bundlePath, cliOptions, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
