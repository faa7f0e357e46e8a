import { DefaultLogger, Runtime } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort } from '../src/runtime/ports.js';
import { connectServices } from '../test/support/services.js';
import { startThrowawayStack } from '../test/support/stack.js';
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
const uiPort = await freePort();
const stack = await startThrowawayStack({ uiPort });
try {
  const services = await connectServices({
    databaseUrl: stack.databaseUrl,
    temporalAddress: stack.server.address,
    bundlePath: stack.bundlePath,
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
  await stack.stop();
}
