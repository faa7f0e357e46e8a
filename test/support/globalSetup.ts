import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { runMigrations } from '../../src/db/migrate.js';
import { freePort } from '../../src/runtime/ports.js';
import type { KeyFile } from '../../src/temporal/codec/keys.js';
import { newKeyFile } from '../../src/temporal/codec/keys.js';
import { startDevServer } from '../../src/temporal/devServer.js';
import { buildConsole } from '../../scripts/console.js';
import { workflowBundleFile } from '../../src/worker/bundle.js';
import { findOrInstallChromium } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
    cacheDir: string;
    chromiumPath: string;
    /** The payload codec's keys for this run: every client and worker of the tests encrypts with them. */
    encryptionKeys: KeyFile;
  }
}

/**
 * One Temporal dev server, one PostgreSQL and one workflow bundle (cached by content) for the whole run;
 * each test file brings its own worker on its own task queue, and each test its own cases.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'dualkey-test-'));
  const cacheDir = process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey');
  const log = (line: string) => console.log(`[test setup] ${line}`);
  // Found (or installed) before anything starts, so a machine without a browser fails in one line.
  const chromiumPath =
    project.name === 'browser'
      ? await findOrInstallChromium({ chromiumPath: process.env.CHROMIUM_PATH, log })
      : undefined;
  const results = await Promise.allSettled([
    startDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH, cacheDir, namespace: 'default', log }),
    freePort().then((port) => startEmbeddedPostgres({ dataDir: dir, port, persistent: false })),
    workflowBundleFile(),
    // The browser tests drive the console the API serves; rebuilt only when its sources changed.
    buildConsole(),
  ] as const);
  const [serverResult, postgresResult, bundleResult, consoleResult] = results;
  if (
    serverResult.status === 'rejected' ||
    postgresResult.status === 'rejected' ||
    bundleResult.status === 'rejected' ||
    consoleResult.status === 'rejected'
  ) {
    // Whatever did start must not outlive a failed setup.
    if (serverResult.status === 'fulfilled') await serverResult.value.stop();
    if (postgresResult.status === 'fulfilled') await postgresResult.value.stop();
    const failure = results.find((r) => r.status === 'rejected');
    throw failure?.status === 'rejected' ? failure.reason : new Error('setup failed');
  }
  const [server, postgres, workflowBundlePath] = [
    serverResult.value,
    postgresResult.value,
    bundleResult.value,
  ];
  await runMigrations(postgres.url);

  project.provide('temporalAddress', server.address);
  project.provide('databaseUrl', postgres.url);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('cacheDir', cacheDir);
  if (chromiumPath) project.provide('chromiumPath', chromiumPath);
  project.provide('encryptionKeys', newKeyFile('test-a'));

  return async () => {
    await Promise.allSettled([server.stop(), postgres.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
}
