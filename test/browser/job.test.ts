import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import { applyControl, caseInput, newAccountId } from '../support/world.js';

/*
 * A day's work in the console, in a real chromium against the real API, worker, Temporal and PostgreSQL:
 * a complaint taken by phone, the account secured from the case, a lift carrying its evidence through
 * four eyes, and the controls table held to what the API says after the lift, the revert and a reload.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;

let stack: ConsoleStack;
let agent: User;
let checker: User;
let senior: User;

beforeAll(async () => {
  // Monitoring outlasts the test, so a lift stays revertible while the test looks at it.
  stack = await startConsoleStack({ policy: { monitoring: { window: { low: '10m', medium: '10m' } } } });
  agent = await stack.api.user(['agent'], { name: 'Dana Kim' });
  checker = await stack.api.user(['checker'], { name: 'Lee Okafor' });
  senior = await stack.api.user(['checker', 'senior'], { name: 'Ravi Patel' });
});
afterAll(async () => stack?.stop());

const status = (page: Page) => page.getByTestId('case-status');
const controlsTable = (page: Page) =>
  page.getByRole('table', { name: 'Restrictions and bindings, as the account service has them now' });

/** The controls table's rows as the API would list them: id, kind, state and version. */
async function tableRows(page: Page): Promise<string[]> {
  const rows = await controlsTable(page).getByRole('row').all();
  const cells = await Promise.all(rows.slice(1).map((row) => row.getByRole('cell').allTextContents()));
  return cells.map(([id, kind, , state, version]) => `${id} ${kind} ${state} v${version}`).sort();
}

async function apiRows(token: string, accountId: string): Promise<string[]> {
  const answer = await stack.api.call('GET', `/v1/accounts/${accountId}/controls`, { token });
  expect(answer.status).toBe(200);
  return (answer.body.items as { id: string; kind: string; status: string; version: number }[])
    .map((k) => `${k.id} ${k.kind.replaceAll('_', ' ')} ${k.status} v${k.version}`)
    .sort();
}

/** The table equals the API's list now, and keeps doing so: checked after the API has settled. */
async function expectTableIsApi(page: Page, token: string, accountId: string): Promise<void> {
  const truth = await apiRows(token, accountId);
  await expect.poll(() => tableRows(page), { timeout: 5_000 }).toEqual(truth);
}

describe('a day’s work in the console', () => {
  it('an agent takes a phone complaint through the intake form and secures the account from the case', async () => {
    const accountId = newAccountId();
    const lock = await applyControl(stack.api.services, accountId, 'trading_lock', {
      reason: 'login from a new country',
    });
    const earlier = await stack.api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(accountId, { type: 'complaint', subject: 'Earlier complaint on this account' }),
    });
    expect(earlier.status).toBe(201);

    const { page } = await stack.signedIn(agent.token);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New case' }).click();
    await page.getByRole('heading', { level: 1, name: 'New case' }).waitFor();
    expect(await page.title()).toMatch(/^New case/);

    await page.getByLabel('Type').selectOption('complaint');
    await page.getByLabel('Account', { exact: true }).fill(accountId);
    // Once the account is typed, its active controls are offered and its open cases shown.
    await page.getByRole('checkbox', { name: 'trading_lock' }).check();
    await page
      .getByRole('list', { name: 'Open cases on this account' })
      .getByRole('link', { name: earlier.body.id as string })
      .waitFor();
    await page.getByLabel('Business line').selectOption('spot');
    await page.getByLabel('Channel').selectOption('phone');
    await page.getByLabel('Subject').fill('Caller says their account was taken over');
    await page.getByLabel('Description').fill('The owner called: someone changed the password an hour ago.');
    await page.getByLabel('External reference').fill('CALL-2026-1206-17');
    await page.getByRole('checkbox', { name: 'Suspected account takeover' }).check();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Open case' }).click();

    await page.waitForURL(/\/console\/cases\/[^/]+$/);
    const caseId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    await page.getByRole('heading', { level: 1, name: `Case ${caseId}` }).waitFor();
    expect(await page.title()).toContain(caseId);
    const created = await stack.api.call('GET', `/v1/cases/${caseId}`, { token: agent.token });
    expect(created.body).toMatchObject({
      type: 'complaint',
      channel: 'phone',
      accountId,
      controlIds: [lock.id],
      externalRef: 'CALL-2026-1206-17',
      hints: { suspectedAccountTakeover: true },
    });

    // Escape closes an open action form and gives focus back to its button.
    await page.getByRole('button', { name: 'Apply restriction' }).click();
    await page.getByLabel('Reason', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByLabel('Reason', { exact: true }).waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Apply restriction');

    await page.getByRole('button', { name: 'Apply restriction' }).click();
    await expectAccessible(page);
    await page.getByLabel('Kind').selectOption('withdrawal_lock');
    await page
      .getByLabel('Reason', { exact: true })
      .fill('Caller reports a takeover: freeze withdrawals now.');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('status').getByText('Apply restriction: done').waitFor();

    await controlsTable(page).getByRole('cell', { name: 'withdrawal lock' }).waitFor();
    await expectTableIsApi(page, agent.token, accountId);
    await page.getByTestId('timeline').getByText('applied a withdrawal lock').waitFor({ timeout: 10_000 });
    await page.getByTestId('timeline').getByText('Caller reports a takeover').waitFor();
  });

  it('a false_positive lift carries its device_check evidence to the checker; the table follows the API through lift, revert and reload', async () => {
    const accountId = newAccountId();
    const lock = await applyControl(stack.api.services, accountId, 'trading_lock');
    const created = await stack.api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(accountId, { controlIds: [lock.id], subject: 'Trading locked by a device rule' }),
    });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    const { page: agentPage } = await stack.signedIn(agent.token, `/console/cases/${caseId}`);
    await agentPage.getByRole('button', { name: 'Claim', exact: true }).click();
    await expect.poll(() => status(agentPage).textContent()).toBe('in_review');

    await agentPage.getByRole('button', { name: 'Propose lift' }).click();
    await agentPage.getByLabel('Reason code').selectOption('false_positive');
    await agentPage.getByText('Needs evidence: device check').waitFor();
    await agentPage.getByLabel('Evidence: device_check').fill('DC-4471: the device has two years of history');
    await agentPage.getByLabel('Justification').fill('The rule fired on the owner’s own phone.');
    await expectAccessible(agentPage);
    await agentPage.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => status(agentPage).textContent()).toBe('awaiting_approval');
    await expectTableIsApi(agentPage, agent.token, accountId);

    const { page: checkerPage } = await stack.signedIn(checker.token);
    await checkerPage.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    const row = checkerPage.getByRole('row').filter({ hasText: caseId });
    await row.getByText('device check: DC-4471').waitFor();
    await row.getByRole('link', { name: caseId }).click();
    const evidence = checkerPage.getByRole('list', { name: /^Evidence for proposal/ });
    expect(await evidence.textContent()).toContain('device check: DC-4471');
    await checkerPage.getByRole('button', { name: 'Approve', exact: true }).click();
    await checkerPage.getByLabel('Comment', { exact: true }).fill('Device history checked.');
    await expectAccessible(checkerPage);
    await checkerPage.getByRole('button', { name: 'Submit' }).click();

    // The agent's page, never reloaded, is told who approved, and its table follows the lift.
    await agentPage
      .getByRole('status')
      .filter({ hasText: `Approved by ${checker.name}` })
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => status(agentPage).textContent(), { timeout: 30_000 }).toBe('monitoring');
    await expectTableIsApi(agentPage, agent.token, accountId);
    expect(await apiRows(agent.token, accountId)).toEqual([`${lock.id} trading lock lifted v2`]);
    expect(await agentPage.getByText('approval is void').count()).toBe(0);

    const reverted = await stack.api.call('POST', `/v1/cases/${caseId}/revert`, {
      token: senior.token,
      body: { reason: 'The same device logged in from a known fraud network.' },
    });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(200);
    await expect.poll(() => status(agentPage).textContent(), { timeout: 30_000 }).toBe('reverted');
    await expectTableIsApi(agentPage, agent.token, accountId);
    expect(await apiRows(agent.token, accountId)).toEqual([`${lock.id} trading lock active v3`]);
    await agentPage.getByTestId('timeline').getByText('known fraud network').first().waitFor();

    await agentPage.reload();
    await status(agentPage).waitFor();
    await expectTableIsApi(agentPage, agent.token, accountId);
    expect(await agentPage.getByText('approval is void').count()).toBe(0);
    await agentPage.getByTestId('timeline').getByText('reason code false positive').waitFor();
    // People are named, never shown by id.
    await agentPage.getByTestId('timeline').getByText(checker.name).first().waitFor();
    expect(await agentPage.locator('main').innerText()).not.toMatch(/usr_/);
    expect(await agentPage.locator('header').innerText()).not.toMatch(/usr_/);
  });

  it('search finds an account and a case; the queue’s filters and sort survive a reload and Back', async () => {
    const accountId = newAccountId();
    const lock = await applyControl(stack.api.services, accountId, 'trading_lock');
    const created = await stack.api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(accountId, { controlIds: [lock.id] }),
    });
    const caseId = created.body.id as string;

    const { page } = await stack.signedIn(agent.token);
    await page.getByRole('searchbox', { name: 'Search' }).fill(accountId);
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.getByRole('heading', { level: 1, name: `Account ${accountId}` }).waitFor();
    await controlsTable(page).getByRole('cell', { name: lock.id }).waitFor();
    await page.getByRole('link', { name: caseId, exact: true }).waitFor();
    await expectAccessible(page);

    await page.getByRole('searchbox', { name: 'Search' }).fill(caseId);
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.getByRole('heading', { level: 1, name: `Case ${caseId}` }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
    await page.getByLabel('Risk tier').selectOption('medium');
    await page.getByLabel('Sort by').selectOption('due');
    await page.waitForURL(/riskTier=medium/);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('due');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    expect(await page.getByLabel('Risk tier').inputValue()).toBe('medium');
    expect(await page.getByLabel('Sort by').inputValue()).toBe('due');
    await page.getByRole('table').getByRole('link', { name: caseId, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Case ${caseId}` }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    expect(await page.getByLabel('Risk tier').inputValue()).toBe('medium');
    await expectAccessible(page);
  });

  it('works on a phone: at 390 px the queue and a case page fit the width', async () => {
    const created = await stack.api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expect(created.status).toBe(201);
    const { page } = await stack.signedIn(agent.token);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    const overflow = () => page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole('table').getByRole('link').first().click();
    await status(page).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await expectAccessible(page);
  });

  it('a senior hands a case to an agent with Assign; the queue and the case name people, never their ids', async () => {
    const created = await stack.api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint', subject: 'Handed over by a senior' }),
    });
    const caseId = created.body.id as string;
    const { page } = await stack.signedIn(senior.token, `/console/cases/${caseId}`);
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByLabel('Assignee').selectOption({ label: agent.name });
    await page.getByLabel('Comment', { exact: true }).fill('Dana knows this account.');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('status').getByText('Assign: done').waitFor();
    const assignee = page
      .getByRole('definition')
      .filter({ has: page.getByTitle(agent.id) })
      .first();
    await expect
      .poll(() =>
        page
          .locator('.facts div')
          .filter({ hasText: /^Assignee/ })
          .innerText(),
      )
      .toBe(`Assignee\n${agent.name}`);
    expect(await assignee.getByTitle(agent.id).textContent()).toBe(agent.name);
    await page
      .getByTestId('timeline')
      .getByText(`assigned the case to ${agent.name}`)
      .waitFor({ timeout: 10_000 });
    expect(await page.locator('main').innerText()).not.toMatch(/usr_/);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('table').getByRole('link', { name: caseId, exact: true }).waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/usr_/);
  });

  it('a department member starts on Escalations, and an agent has My cases and My proposals', async () => {
    const member = await stack.api.user(['department'], { departments: ['security'], name: 'Sam Reyes' });
    const { page } = await stack.signedIn(member.token);
    await page.getByRole('heading', { level: 1, name: 'Escalations' }).waitFor();
    const { page: agentPage } = await stack.signedIn(agent.token);
    const nav = agentPage.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'My cases' }).click();
    await agentPage.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
    await nav.getByRole('link', { name: 'My proposals' }).click();
    await agentPage.getByRole('heading', { level: 1, name: 'My proposals' }).waitFor();
    await expectAccessible(agentPage);
  });
});
