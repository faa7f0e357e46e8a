import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoUser } from '../../src/api/routes/demoUsers.js';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import { applyControl, caseInput, newAccountId } from '../support/world.js';

/*
 * The console in a real chromium, against the real API, worker, Temporal dev server and PostgreSQL. Every
 * locator is a role or a label: the accessible names are the console's contract.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;

let stack: ConsoleStack;
// Filled once the users exist, as npm start seeds demo users before the API answers.
const demoUsers: DemoUser[] = [];
let agent: User;
let checker: User;
let security: User;

beforeAll(async () => {
  // Monitoring outlasts the test, so "monitoring" is a state the pages can be seen in.
  stack = await startConsoleStack({
    policy: { monitoring: { window: { medium: '10m' } } },
    settings: { demoUsers },
  });
  agent = await stack.api.user(['agent'], { name: 'Noor Haddad' });
  checker = await stack.api.user(['checker'], { name: 'Chen Wei' });
  demoUsers.push({ userId: checker.id, name: 'Chen (checker)', roles: ['checker'], token: checker.token });
  security = await stack.api.user(['department'], { departments: ['security'], name: 'Sam Reyes' });
});
afterAll(async () => stack?.stop());

/** A medium-tier unfreeze (a trading lock on spot), opened over the API as intake tools do. */
async function mediumUnfreeze(): Promise<string> {
  const accountId = newAccountId();
  const lock = await applyControl(stack.api.services, accountId, 'trading_lock');
  const created = await stack.api.call('POST', '/v1/cases', {
    token: agent.token,
    body: caseInput(accountId, { controlIds: [lock.id], subject: 'Trading locked after a password reset' }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.riskTier).toBe('medium');
  return created.body.id as string;
}

async function openCase(page: Page, caseId: string, from: 'Queue' | 'Approvals' | 'Escalations') {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: from }).click();
  await page.getByRole('heading', { level: 1, name: from }).waitFor();
  await page.getByRole('link', { name: caseId, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(caseId) }).waitFor();
}

const status = (page: Page) => page.getByTestId('case-status');

describe('the risk-ops console', () => {
  it('sends a signed-out user to sign-in, and back to where they were going once signed in', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.url}/console/approvals`);
    await page.waitForURL(/\/console\/sign-in/);
    await expect.poll(() => page.getByLabel('Token', { exact: true }).isVisible()).toBe(true);
    await expectAccessible(page);

    await page.getByLabel('Token', { exact: true }).fill('dk_not_a_real_token');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('unknown, revoked or expired').waitFor();

    await page.getByLabel('Token', { exact: true }).fill(checker.token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/approvals');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token', { exact: true }).waitFor();
    await page.goto(`${stack.url}/console/queue`);
    await page.waitForURL(/\/console\/sign-in/);
  });

  it('offers the demo users as one-click sign-in when the server seeded them', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.url}/console`);
    await page.getByRole('button', { name: 'Chen (checker)' }).click();
    // A checker starts on the approvals inbox.
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/approvals');
    // Signed in by the HttpOnly cookie alone: no token anywhere a page script could read it.
    expect(await page.evaluate('sessionStorage.length + localStorage.length')).toBe(0);
    expect(await page.evaluate('document.cookie')).not.toContain('dualkey_session');
  });

  it('agent and checker take a medium-tier unfreeze from intake to monitoring, each seeing the other live', async () => {
    const caseId = await mediumUnfreeze();
    const { page: agentPage } = await stack.signedIn(agent.token);
    const { page: checkerPage } = await stack.signedIn(checker.token);

    await agentPage.getByRole('table').getByRole('link', { name: caseId, exact: true }).waitFor();
    await expectAccessible(agentPage);
    await openCase(agentPage, caseId, 'Queue');
    await expect.poll(() => status(agentPage).textContent()).toBe('open');
    await agentPage.getByRole('button', { name: 'Claim', exact: true }).click();
    await expect.poll(() => status(agentPage).textContent()).toBe('in_review');

    await agentPage.getByRole('button', { name: 'Propose lift' }).click();
    await expect.poll(() => agentPage.getByRole('checkbox', { name: 'trading_lock' }).isChecked()).toBe(true);
    await agentPage.getByLabel('Reason code').selectOption('verified_owner');
    await agentPage.getByLabel('Justification').fill('The owner passed a video call with ID.');
    await agentPage.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => status(agentPage).textContent()).toBe('awaiting_approval');
    await expectAccessible(agentPage);

    // The maker is offered no approval of their own proposal, and is told why in words.
    expect(await agentPage.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    const why = agentPage.getByRole('listitem').filter({ hasText: /^Approve:/ });
    await expect.poll(() => why.textContent()).toMatch(/^Approve: \S.{10,}/);

    await openCase(checkerPage, caseId, 'Approvals');
    await checkerPage.getByRole('button', { name: 'Approve', exact: true }).click();
    await checkerPage.getByLabel('Comment', { exact: true }).fill('Checked the call recording.');
    await checkerPage.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => status(checkerPage).textContent(), { timeout: 30_000 }).toBe('monitoring');

    // The agent's page was not reloaded: the event stream brought the checker's approval.
    await expect
      .poll(() => status(agentPage).textContent(), { timeout: 30_000 })
      .toMatch(/^(executing|monitoring)$/);
    await agentPage
      .getByRole('list', { name: 'Approvals' })
      .getByText(`Approved by ${checker.name}`)
      .waitFor();
    await expect.poll(() => status(agentPage).textContent(), { timeout: 30_000 }).toBe('monitoring');
    const timeline = agentPage.getByTestId('timeline').getByRole('listitem');
    await expect.poll(async () => (await timeline.allTextContents()).join('\n')).toMatch(/approv/);
  });

  it('the queue filters by risk tier and sorts by the nearest due date', async () => {
    const medium = await mediumUnfreeze();
    const complaint = await stack.api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expect(complaint.body.riskTier).toBe('low');
    const escalated = await mediumUnfreeze();
    expect(
      (await stack.api.call('POST', `/v1/cases/${escalated}/claim`, { token: agent.token })).status,
    ).toBe(200);
    const escalation = await stack.api.call('POST', `/v1/cases/${escalated}/escalations`, {
      token: agent.token,
      body: { department: 'security', question: 'Known device?' },
    });
    expect(escalation.status).toBe(201);

    const { page } = await stack.signedIn(agent.token);
    const table = page.getByRole('table');
    await table.getByRole('link', { name: complaint.body.id as string, exact: true }).waitFor();
    await page.getByLabel('Risk tier').selectOption('medium');
    await table
      .getByRole('link', { name: complaint.body.id as string, exact: true })
      .waitFor({ state: 'detached' });
    await table.getByRole('link', { name: medium, exact: true }).waitFor();
    const tiers = await table
      .getByRole('row')
      .filter({ has: page.getByRole('link') })
      .allTextContents();
    expect(tiers.length).toBeGreaterThan(0);
    for (const row of tiers) expect(row).toContain('medium');

    await page.getByLabel('Sort by').selectOption('due');
    const firstRow = table.getByRole('row').nth(1);
    await expect.poll(() => firstRow.textContent()).toMatch(/in \d+ (s|min)/);
    const firstLink = await firstRow.getByRole('link').textContent();
    expect(firstLink).not.toBe(medium);
  });

  it('the approvals inbox lists what the checker may decide, and passes axe', async () => {
    const caseId = await mediumUnfreeze();
    const claimed = await stack.api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token });
    expect(claimed.status).toBe(200);
    const [controlId] = claimed.body.controlIds as string[];
    const proposed = await stack.api.call('POST', `/v1/cases/${caseId}/proposals`, {
      token: agent.token,
      body: { controlIds: [controlId], reasonCode: 'verified_owner', justification: 'Owner verified.' },
    });
    expect(proposed.status).toBe(201);
    const { page } = await stack.signedIn(checker.token, '/console/approvals');
    await page.getByRole('table').getByRole('link', { name: caseId, exact: true }).waitFor();
    await expectAccessible(page);
  });

  it('an approver sees at once that another checker has already approved, and keeps what they typed', async () => {
    const caseId = await mediumUnfreeze();
    expect((await stack.api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token })).status).toBe(
      200,
    );
    const [controlId] = (await stack.api.call('GET', `/v1/cases/${caseId}`, { token: agent.token })).body
      .controlIds as string[];
    const proposed = await stack.api.call('POST', `/v1/cases/${caseId}/proposals`, {
      token: agent.token,
      body: { controlIds: [controlId], reasonCode: 'verified_owner', justification: 'Owner verified.' },
    });
    const proposalId = (proposed.body.proposals as { id: string }[])[0]!.id;
    const other = await stack.api.user(['checker'], { name: 'Ana Silva' });

    const { page } = await stack.signedIn(checker.token, `/console/cases/${caseId}`);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByLabel('Comment', { exact: true }).fill('Checked the KYC record.');

    const approved = await stack.api.call('POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {
      token: other.token,
      body: {},
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await page
      .getByRole('list', { name: 'Approvals' })
      .getByText(`Approved by ${other.name}`)
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => status(page).textContent()).not.toBe('awaiting_approval');
    // The open form stays with the comment typed into it, says why it can no longer be sent, and cannot be.
    await page.getByRole('alert').getByText('Approve is no longer possible').waitFor();
    expect(await page.getByLabel('Comment', { exact: true }).inputValue()).toBe('Checked the KYC record.');
    expect(await page.getByRole('button', { name: 'Submit' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
  });

  it('a lead reads the operations report as charts', async () => {
    const auditor = await stack.api.user(['auditor']);
    const { page } = await stack.signedIn(auditor.token, '/console/reports');
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    const opened = page.getByRole('img', { name: 'Cases opened, by type and business line' });
    await opened.waitFor();
    expect(await opened.locator('desc').textContent()).toMatch(/unfreeze · spot: \d+/);
    await expectAccessible(page);
  });

  it('a department member answers an escalation the agent raised', async () => {
    const caseId = await mediumUnfreeze();
    const { page: agentPage } = await stack.signedIn(agent.token);
    await agentPage.goto(`${stack.url}/console/cases/${caseId}`);
    await agentPage.getByRole('button', { name: 'Claim', exact: true }).click();
    await expect.poll(() => status(agentPage).textContent()).toBe('in_review');
    await agentPage.getByRole('button', { name: 'Escalate' }).click();
    await agentPage.getByLabel('Department').selectOption('security');
    await agentPage.getByLabel('Question').fill('Was the password reset done from a known device?');
    await agentPage.getByRole('button', { name: 'Submit' }).click();
    await agentPage
      .getByRole('region', { name: 'Escalations' })
      .getByText('Was the password reset done from a known device?')
      .waitFor();

    const { page } = await stack.signedIn(security.token);
    await openCase(page, caseId, 'Escalations');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Answer', exact: true }).click();
    await page.getByLabel('Answer').fill('Yes: the device has been used for two years.');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText(`Answered by ${security.name}`).waitFor();
    expect(await page.getByRole('button', { name: 'Answer', exact: true }).count()).toBe(0);

    // The agent sees the answer arrive without reloading.
    await agentPage
      .getByRole('region', { name: 'Escalations' })
      .getByText('Yes: the device has been used for two years.')
      .waitFor({ timeout: 30_000 });
  });
});

describe('what the browser is sent', () => {
  it('gets the console’s script and stylesheet compressed, as its Accept-Encoding allows', async () => {
    const page = await stack.newPage();
    const assets: { url: string; encoding: string | undefined }[] = [];
    page.on('response', (response) => {
      if (/\.(js|css)$/.test(new URL(response.url()).pathname)) {
        assets.push({ url: response.url(), encoding: response.headers()['content-encoding'] });
      }
    });
    await page.goto(`${stack.url}/console/sign-in`);
    await page.getByLabel('Token', { exact: true }).waitFor();
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) expect(['br', 'gzip'], asset.url).toContain(asset.encoding);
  });
});
