import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { freePort } from '../src/runtime/ports.js';
import { startDevServer } from '../src/temporal/devServer.js';
import { workflowsPath } from '../src/worker/worker.js';
import { connectServices } from '../test/support/services.js';
import {
  applyControl,
  caseAwaitingApproval,
  caseInput,
  makeCast,
  newAccountId,
} from '../test/support/world.js';

/*
 * `npm run screenshot`: a throw-away stack with a few cases in different states, and a screenshot of the
 * Temporal Web UI's workflow list filtered by a case search attribute, saved to docs/. Needs Debian's
 * chromium (`apt-get install chromium`) or CHROMIUM_PATH.
 */
const query = 'CaseStatus="awaiting_approval"';
const out = fileURLToPath(new URL('../docs/web-ui-case-search.png', import.meta.url));

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const dataDir = await mkdtemp(join(tmpdir(), 'dualkey-shot-'));
const uiPort = await freePort();
const server = await startDevServer({
  cliPath: process.env.TEMPORAL_CLI_PATH,
  cacheDir: process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey'),
  namespace: 'default',
  uiPort,
  log: (line) => console.log(line),
});
const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
try {
  await runMigrations(postgres.url);
  const bundlePath = join(dataDir, 'bundle.js');
  await writeFile(
    bundlePath,
    (await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') })).code,
  );
  const services = await connectServices({
    databaseUrl: postgres.url,
    temporalAddress: server.address,
    bundlePath,
  });
  const cast = await makeCast(services);

  for (const kind of ['account_freeze', 'withdrawal_lock', 'login_lock'] as const) {
    const control = await applyControl(services, newAccountId(), kind, { reason: 'suspected fraud ring' });
    await caseAwaitingApproval(services, cast.agent, [control]);
  }
  const complaint = await services.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
  await services.cases.act(cast.agent, complaint.id, 'claim', {});
  await services.cases.create(
    cast.agent2,
    caseInput(newAccountId(), { type: 'complaint', businessLine: 'p2p' }),
  );

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.getByText('unfreezeCase').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: out });
    console.log(`saved ${out} (${url})`);
  } finally {
    await browser.close();
  }
  await services.stop();
} finally {
  await server.stop();
  await postgres.stop();
  await rm(dataDir, { recursive: true, force: true });
}
