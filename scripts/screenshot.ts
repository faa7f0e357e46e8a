import { DefaultLogger, Runtime } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { startApiServer } from '../src/api/server.js';
import { issueToken } from '../src/db/users.js';
import { freePort } from '../src/runtime/ports.js';
import { apiDepsFor } from '../test/support/api.js';
import { chromiumArgs } from '../test/support/browser.js';
import { findOrInstallChromium } from '../test/support/chromium.js';
import { connectServices } from '../test/support/services.js';
import { buildConsole } from './console.js';
import { startThrowawayStack } from '../test/support/stack.js';
import {
  applyControl,
  caseAwaitingApproval,
  caseInput,
  makeCast,
  newAccountId,
} from '../test/support/world.js';

/*
 * `npm run screenshot`: a throw-away stack with a few cases in different states; screenshots of the
 * Temporal Web UI's workflow list filtered by a case search attribute, and of the console's queue, a case
 * page and the approvals inbox, saved to docs/. Finds its browser as the browser tests do (CHROMIUM_PATH,
 * Debian's chromium, or installs that as root).
 */
const query = 'CaseStatus="awaiting_approval"';
const docs = (name: string) => fileURLToPath(new URL(`../docs/${name}`, import.meta.url));
const out = docs('web-ui-case-search.png');

/** Signs a fresh browser context in through the console's sign-in page and opens `path`. */
async function consolePage(browser: Browser, url: string, token: string, path: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${url}/console/sign-in`);
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto(`${url}${path}`);
  return page;
}

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
  await buildConsole();

  const pending: string[] = [];
  for (const kind of ['account_freeze', 'withdrawal_lock', 'login_lock'] as const) {
    const control = await applyControl(services, newAccountId(), kind, { reason: 'suspected fraud ring' });
    pending.push((await caseAwaitingApproval(services, cast.agent, [control])).caseId);
  }
  // The case page shows a high-tier proposal halfway through its quorum, and an open escalation.
  const [shown] = pending;
  if (!shown) throw new Error('no case to show');
  const halfway = await services.cases.read(shown);
  await services.cases.act(cast.senior, shown, 'approve', {
    proposalId: halfway.proposals.at(-1)!.id,
    comment: 'Video call recording checked.',
  });
  await services.cases.act(cast.agent, shown, 'escalate', {
    department: 'security',
    question: 'Any sign of the fraud ring on this device since the freeze?',
  });
  const complaint = await services.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
  await services.cases.act(cast.agent, complaint.id, 'claim', {});
  await services.cases.create(
    cast.agent2,
    caseInput(newAccountId(), { type: 'complaint', businessLine: 'p2p' }),
  );

  const executablePath = await findOrInstallChromium({
    chromiumPath: process.env.CHROMIUM_PATH,
    log: (line) => console.log(line),
  });
  const browser = await chromium.launch({ executablePath, args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.getByText('unfreezeCase').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: out });
    console.log(`saved ${out} (${url})`);

    const api = await startApiServer(apiDepsFor(services), '127.0.0.1', 0);
    try {
      const [agentToken, checkerToken] = await Promise.all(
        [cast.agent, cast.checker].map(async (u) => (await issueToken(services.database.db, u.id)).token),
      );
      const queue = await consolePage(browser, api.url, agentToken!, '/console/queue');
      await queue.getByRole('link', { name: shown, exact: true }).waitFor();
      await queue.screenshot({ path: docs('console-queue.png'), fullPage: true });

      const inbox = await consolePage(browser, api.url, checkerToken!, '/console/approvals');
      await inbox.getByRole('link', { name: shown, exact: true }).waitFor();
      await inbox.screenshot({ path: docs('console-approvals.png'), fullPage: true });

      await inbox.getByRole('link', { name: shown, exact: true }).click();
      await inbox.getByTestId('timeline').getByRole('listitem').first().waitFor();
      await inbox.getByText('Controls on account').waitFor();
      await inbox.screenshot({ path: docs('console-case.png'), fullPage: true });

      // Intake with an account typed: its controls offered, its open cases and lifts shown beside.
      const intake = await consolePage(browser, api.url, agentToken!, '/console/new-case');
      await intake.getByLabel('Account', { exact: true }).fill(halfway.accountId);
      await intake.getByRole('list', { name: 'Open cases on this account' }).waitFor();
      await intake.getByLabel('Channel').selectOption('phone');
      await intake.getByLabel('Subject').fill('Caller reports an unknown withdrawal');
      await intake.screenshot({ path: docs('console-intake.png'), fullPage: true });

      // A phone's width: the queue stacks its header and scrolls its table inside its box.
      const phone = await consolePage(browser, api.url, agentToken!, '/console/queue');
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.getByRole('link', { name: shown, exact: true }).waitFor();
      await phone.screenshot({ path: docs('console-phone.png') });

      const reportsToken = (await issueToken(services.database.db, cast.compliance.id)).token;
      const reports = await consolePage(browser, api.url, reportsToken, '/console/reports');
      await reports.getByRole('img', { name: 'Cases opened, by type and business line' }).waitFor();
      await reports.screenshot({ path: docs('console-reports.png'), fullPage: true });
      console.log('saved docs/console-{queue,approvals,case,intake,phone,reports}.png');
    } finally {
      await api.close();
    }
  } finally {
    await browser.close();
  }
  await services.stop();
} finally {
  await stack.stop();
}
