import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workflowIdFor } from '../../src/domain/case.js';
import { findTemporalCli } from '../../src/temporal/cli.js';
import { runChain } from '../support/runs.js';
import { connectServices } from '../support/services.js';
import { startThrowawayStack } from '../support/stack.js';
import { makeCast } from '../support/world.js';
import { replayKeys } from './histories.js';
import { recordingPolicy, scenarios } from './scenarios.js';

/*
 * Regenerates the replay histories: runs every lifecycle scenario against a throw-away dev server and
 * PostgreSQL with the current workflow code, and writes each finished case's history to
 * test/replay/histories/<label>/<scenario>.json.
 *
 *   npm run replay:record -- <label>        e.g. v2-reverification
 *   npm run replay:record -- <label> <scenario>…   only those scenarios
 */
const label = process.argv[2];
if (!label || !/^[a-z0-9][a-z0-9._-]*$/.test(label)) {
  console.error('usage: npm run replay:record -- <label>   (lower-case letters, digits, . _ -)');
  process.exit(2);
}
const outDir = fileURLToPath(new URL(`./histories/${label}/`, import.meta.url));
const log = (line: string) => console.log(line);
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

const stack = await startThrowawayStack();
try {
  const cli = await findTemporalCli(stack.cliOptions);
  if (!cli) throw new Error('the Temporal CLI is needed to export histories');
  const services = await connectServices(
    { databaseUrl: stack.databaseUrl, temporalAddress: stack.server.address, bundlePath: stack.bundlePath },
    { policy: recordingPolicy, keys: replayKeys },
  );
  const cast = await makeCast(services);
  await mkdir(outDir, { recursive: true });
  // `-- <label> <scenario>…` records only the named scenarios: the new paths a change adds.
  const only = process.argv.slice(3);
  for (const scenario of scenarios.filter((sc) => only.length === 0 || only.includes(sc.name))) {
    const caseId = await scenario.run(services, cast);
    const handle = services.client.workflow.getHandle(scenario.workflowOf?.(caseId) ?? workflowIdFor(caseId));
    await handle.result();
    const runs = scenario.everyRun
      ? (await runChain(services.client, handle.workflowId)).map((r, i) => ({
          runId: r.runId,
          file: `${scenario.name}.run-${i + 1}.json`,
        }))
      : [{ runId: undefined, file: `${scenario.name}.json` }];
    for (const { runId, file } of runs) {
      // The CLI's JSON is the format ops export from production too, so one loader reads both.
      const { stdout } = await promisify(execFile)(
        cli.path,
        [
          'workflow',
          'show',
          '--workflow-id',
          handle.workflowId,
          ...(runId ? ['--run-id', runId] : []),
          '--output',
          'json',
          '--address',
          stack.server.address,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      await writeFile(join(outDir, file), stdout);
    }
    log(`recorded ${scenario.name} (case ${caseId}, ${runs.length} run(s))`);
  }
  await services.stop();
} finally {
  await stack.stop();
}
