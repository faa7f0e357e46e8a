import { readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goInstall, isExecutable } from '../src/temporal/cli.js';

/*
 * `npm run temporal-server:install`: builds a real Temporal server and its schema tool with Go into the
 * cache, at the version docker-compose.yml pins, for running a production-shaped cluster without Docker
 * (docs/operations.md, "A Temporal server without Docker"). Minutes the first time; kept afterwards.
 */
const compose = await readFile(fileURLToPath(new URL('../docker-compose.yml', import.meta.url)), 'utf8');
const version = /image: temporalio\/server:(\d+\.\d+\.\d+)/.exec(compose)?.[1];
if (!version) throw new Error('docker-compose.yml pins no temporalio/server image');
const cacheDir = process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey');
const bin = join(cacheDir, `temporal-server-${version}`);
const advice = 'Install a Go toolchain (https://go.dev/dl/) and make sure the Go module proxy is reachable.';

for (const [command, built, name] of [
  ['cmd/server', 'server', 'temporal-server'],
  ['cmd/tools/sql', 'sql', 'temporal-sql-tool'],
] as const) {
  const path = join(bin, name);
  if (!(await isExecutable(path))) {
    // go install names a binary after its package's directory; these names say what they are.
    const installed = await goInstall({
      module: `go.temporal.io/server/${command}`,
      version: `v${version}`,
      bin,
      binary: built,
      what: name,
      advice,
      log: (line) => console.log(line),
    }).catch((error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    });
    await rename(installed, path);
  }
  console.log(`${name} ${version}: ${path}`);
}
