import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workflowIdFor } from '../../src/domain/case.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { runMigrations } from '../../src/db/migrate.js';
import { freePort } from '../../src/runtime/ports.js';
import { findTemporalCli } from '../../src/temporal/cli.js';
import { startDevServer } from '../../src/temporal/devServer.js';
import { workflowsPath } from '../../src/worker/worker.js';
import { connectServices } from '../support/services.js';
import { makeCast } from '../support/world.js';
import { recordingPolicy, scenarios } from './scenarios.js';

/*
 * Regenerates the replay histories: runs every lifecycle scenario against a throw-away dev server and
 * PostgreSQL with the current workflow code, and writes each finished case's history to
 * test/replay/histories/<label>/<scenario>.json.
 *
 *   npm run replay:record -- <label>        e.g. v2-reverification
 */
const label = process.argv[2];
if (!label || !/^[a-z0-9][a-z0-9._-]*$/.test(label)) {
  console.error('usage: npm run replay:record -- <label>   (lower-case letters, digits, . _ -)');
  process.exit(2);
}
const outDir = fileURLToPath(new URL(`./histories/${label}/`, import.meta.url));
const dataDir = await mkdtemp(join(tmpdir(), 'dualkey-record-'));
const log = (line: string) => console.log(line);
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

const cliOptions = {
  cliPath: process.env.TEMPORAL_CLI_PATH,
  cacheDir: process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey'),
};
const server = await startDevServer({ ...cliOptions, namespace: 'default', log });
const cli = await findTemporalCli(cliOptions);
if (!cli) throw new Error('the Temporal CLI is needed to export histories');
const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
try {
  await runMigrations(postgres.url);
  const bundlePath = join(dataDir, 'bundle.js');
  await writeFile(
    bundlePath,
    (await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') })).code,
  );
  const services = await connectServices(
    { databaseUrl: postgres.url, temporalAddress: server.address, bundlePath },
    { policy: recordingPolicy },
  );
  const cast = await makeCast(services);
  await mkdir(outDir, { recursive: true });
  for (const scenario of scenarios) {
    const caseId = await scenario.run(services, cast);
    const handle = services.client.workflow.getHandle(workflowIdFor(caseId));
    await handle.result();
    // The CLI's JSON is the format ops export from production too, so one loader reads both.
    const { stdout } = await promisify(execFile)(
      cli.path,
      [
        'workflow',
        'show',
        '--workflow-id',
        handle.workflowId,
        '--output',
        'json',
        '--address',
        server.address,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    await writeFile(join(outDir, `${scenario.name}.json`), stdout);
    log(`recorded ${scenario.name} (case ${caseId})`);
  }
  await services.stop();
} finally {
  await server.stop();
  await postgres.stop();
  await rm(dataDir, { recursive: true, force: true });
}
