import { homedir } from 'node:os';
import { join } from 'node:path';
import { findTemporalCli, goInstallTemporalCli } from '../src/temporal/cli.js';

/*
 * Makes sure a Temporal CLI is available for the dev server, without the internet: one already found by
 * the resolver (TEMPORAL_CLI_PATH, PATH, the cache) is kept; otherwise it is built with Go into the cache.
 */
const cacheDir = process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey');
try {
  const found = await findTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, cacheDir });
  const cli = found ?? (await goInstallTemporalCli(cacheDir, (line) => console.log(line)));
  console.log(`Temporal CLI: ${cli.path} (${cli.source})`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
