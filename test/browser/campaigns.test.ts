import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import { campaignPeople, campaignPolicy, campaignSteps } from '../support/campaigns.js';
import { eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

const suffix = Math.random().toString(36).slice(2, 7);

let stack: ConsoleStack;
let steps: ReturnType<typeof campaignSteps>;
let maker: User;
let senior: User;
let compliance: User;
let checker: User;

beforeAll(async () => {
  stack = await startConsoleStack({
    policy: campaignPolicy({ soak: '2s', liftsPerSecond: 2, monitoringWindow: '5s' }),
  });
  const people = await campaignPeople(stack.api, suffix);
  ({ maker, senior, compliance, checker } = people);
  steps = campaignSteps(stack.api, people);
});
afterAll(async () => stack?.stop());

const freeze = (accountId: string, extra: Record<string, unknown> = {}) => steps.freeze(accountId, extra);

describe('campaigns in the console', () => {
  it('shows the dry run with its exclusions, takes the approval and the sample checks, and the progress bar reaches the end', async () => {
    const liftable = [newAccountId(), newAccountId()];
    const guarded = newAccountId();
    for (const accountId of [...liftable, guarded]) await freeze(accountId);
    await freeze(guarded, { source: 'law_enforcement', externalRef: 'ORDER-9' });
    const created = await stack.api.call('POST', '/v1/campaigns', {
      token: maker.token,
      body: {
        selector: { accountIds: [...liftable, guarded], kinds: ['account_freeze'] },
        reasonCode: 'false_positive',
        justification: 'Rule 417 froze legitimate accounts after a threshold misconfiguration.',
        evidence: [{ kind: 'device_check', ref: 'INC-2291' }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const campaignId = created.body.id as string;
    const sample = created.body.sample as string[];
    expect([...sample].sort()).toEqual([...liftable].sort());

    const { page: approverPage } = await stack.signedIn(senior.token);
    await approverPage
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Campaigns' })
      .click();
    await approverPage.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
    await approverPage.getByRole('link', { name: campaignId }).click();
    await approverPage.getByRole('heading', { level: 1, name: `Campaign ${campaignId}` }).waitFor();
    const excludedRow = approverPage
      .getByRole('table', { name: 'Accounts, page 1' })
      .getByRole('row')
      .filter({ hasText: guarded });
    await excludedRow.waitFor();
    expect(await excludedRow.getByRole('cell').nth(2).textContent()).toBe('protected control');
    await approverPage.getByRole('button', { name: 'Approve campaign' }).click();
    await approverPage.getByText(/^Approvals: 1 of 2/).waitFor();
    const approved = await stack.api.call('POST', `/v1/campaigns/${campaignId}/approve`, {
      token: compliance.token,
      body: {},
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    const { page: checkerPage } = await stack.signedIn(checker.token, `/console/campaigns/${campaignId}`);
    const progress = checkerPage.getByRole('progressbar', { name: 'Campaign progress' });
    await progress.waitFor();
    const approvals = checkerPage.getByText(/^Approvals: 2 of 2/);
    await approvals.waitFor();
    expect(await approvals.textContent()).toContain(`(Oren Vale ${suffix}, Lena Hart ${suffix})`);
    expect(await checkerPage.locator('.lede').textContent()).toContain(`proposed by Mara Quist ${suffix}`);
    expect(await progress.getAttribute('aria-valuemax')).toBe('2');
    expect(await progress.getAttribute('aria-valuenow')).toBe('0');
    for (const accountId of sample) {
      const form = checkerPage.getByRole('form', { name: `Check ${accountId}` });
      await form.getByLabel(`Comment on ${accountId}`).fill('Only rule 417 froze it; nothing else on it.');
      await form.getByRole('button', { name: 'Approve' }).click();
      const row = checkerPage
        .getByRole('table', { name: '2 sampled accounts' })
        .getByRole('row')
        .filter({ hasText: accountId });
      const decided = row.getByText(/^approved by/).or(row.getByRole('alert'));
      await decided.waitFor();
      expect(await decided.textContent()).toMatch(new RegExp(`^approved by Ines Okafor ${suffix}: `));
    }
    await expectAccessible(checkerPage);

    // The page polls: the bar must move without a reload, canary first and then the batch.
    await eventually(
      () => progress.getAttribute('aria-valuenow'),
      (now) => now === '2',
      { what: 'the progress bar to reach 2 of 2', timeoutMs: 150_000, intervalMs: 500 },
    );
    const read = await stack.api.call('GET', `/v1/campaigns/${campaignId}`, { token: checker.token });
    expect(read.body.counts).toMatchObject({ included: 2, lifted: 2, failed: 0 });
  }, 300_000);

  it('the maker opens cases for the excluded accounts and amends after a rejected sample', async () => {
    const liftable = [newAccountId(), newAccountId(), newAccountId()];
    const guarded = newAccountId();
    for (const accountId of [...liftable, guarded]) await freeze(accountId);
    await freeze(guarded, { source: 'law_enforcement', externalRef: 'ORDER-10' });
    const created = await stack.api.call('POST', '/v1/campaigns', {
      token: maker.token,
      body: {
        selector: { accountIds: [...liftable, guarded], kinds: ['account_freeze'] },
        reasonCode: 'false_positive',
        justification: 'Rule 417 froze legitimate accounts after a threshold misconfiguration.',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const campaignId = created.body.id as string;
    const rejected = (created.body.sample as string[])[0]!;
    for (const user of [senior, compliance]) {
      const approved = await stack.api.call('POST', `/v1/campaigns/${campaignId}/approve`, {
        token: user.token,
        body: {},
      });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    }
    const check = await stack.api.call('POST', `/v1/campaigns/${campaignId}/sample/${rejected}`, {
      token: checker.token,
      body: { decision: 'rejected', comment: 'A chargeback is open on it.' },
    });
    expect(check.status, JSON.stringify(check.body)).toBe(200);

    const { page } = await stack.signedIn(maker.token, `/console/campaigns/${campaignId}`);
    await page.getByRole('heading', { level: 1, name: `Campaign ${campaignId}` }).waitFor();
    await page.getByRole('button', { name: 'Open cases for excluded accounts' }).click();
    await page.getByRole('status').filter({ hasText: 'Opened 1 case; skipped 0.' }).waitFor();
    const guardedRow = page
      .getByRole('table', { name: 'Accounts, page 1' })
      .getByRole('row')
      .filter({ hasText: guarded });
    const caseId = await guardedRow.getByRole('link', { name: /^UNF-/ }).textContent();
    // The maker holds senior alone, which reads campaigns but not cases: a checker follows the link.
    const { page: casePage } = await stack.signedIn(checker.token, `/console/cases/${caseId}`);
    const linkedTo = casePage.getByRole('definition').filter({ hasText: 'which excluded the account' });
    await linkedTo.waitFor();
    expect(await linkedTo.textContent()).toBe(
      `campaign ${campaignId}, which excluded the account: protected control`,
    );
    await linkedTo.getByRole('link', { name: campaignId }).click();
    await casePage.getByRole('heading', { level: 1, name: `Campaign ${campaignId}` }).waitFor();

    await page.getByLabel('Accounts to take out').fill(rejected);
    await page.getByLabel('Why amend').fill('A chargeback is open on the rejected account.');
    await page.getByRole('button', { name: 'Amend' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Amended/ })
      .waitFor();
    await expectAccessible(page);
    const read = await stack.api.call('GET', `/v1/campaigns/${campaignId}`, { token: checker.token });
    expect(read.body).toMatchObject({ status: 'awaiting_approval', approvals: [] });
    expect(read.body.sample).not.toContain(rejected);
  }, 300_000);
});
