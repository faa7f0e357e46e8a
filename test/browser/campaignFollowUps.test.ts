import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import { campaignPeople, campaignPolicy, campaignSteps } from '../support/campaigns.js';
import { eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;
interface Counts {
  matched: number;
  included: number;
  excluded: Record<string, number>;
  pending: number;
  lifted: number;
  failed: number;
  reverted: number;
  sampled: { approved: number; rejected: number; unchecked: number };
}
interface CampaignBody {
  id: string;
  status: string;
  phase: string;
  sample: string[];
  counts: Counts;
}

const suffix = Math.random().toString(36).slice(2, 7);
const shots = process.env.SCREENSHOT_DIR;

let stack: ConsoleStack;
let steps: ReturnType<typeof campaignSteps>;
let maker: User;
let senior: User;
let compliance: User;

beforeAll(async () => {
  stack = await startConsoleStack({
    // One account a second: slow enough that a halt lands with most of the batch still to lift.
    policy: campaignPolicy({ soak: '2s', liftsPerSecond: 1, monitoringWindow: '3s' }),
  });
  const people = await campaignPeople(stack.api, suffix);
  ({ maker, senior, compliance } = people);
  steps = campaignSteps(stack.api, people);
});
afterAll(async () => stack?.stop());

const read = (id: string) => steps.read<CampaignBody>(id);

/** A campaign over these accounts, each frozen first, proposed by the maker through the API. */
async function proposed(accountIds: string[]): Promise<CampaignBody> {
  for (const accountId of accountIds) await steps.freeze(accountId, { externalRef: `rule-417-${suffix}` });
  return steps.propose<CampaignBody>(accountIds);
}

/** A campaign over `n` frozen accounts, approved and its sample checked through the API: it starts lifting. */
async function runningCampaign(n: number): Promise<CampaignBody> {
  const c = await proposed(Array.from({ length: n }, () => newAccountId()));
  await steps.approveAll(c.id);
  await steps.checkSample(c.id, c.sample);
  return c;
}

const liftedOnPage = (page: Page) =>
  page.getByRole('progressbar', { name: 'Campaign progress' }).getAttribute('aria-valuenow');

/** The page's `Campaign counts`, label to number, as the API's counts would print them. */
async function countsOnPage(page: Page): Promise<Record<string, number>> {
  const counts = page.getByLabel('Campaign counts');
  const terms = await counts.getByRole('term').allTextContents();
  const values = await counts.getByRole('definition').allTextContents();
  expect(terms.length).toBe(values.length);
  return Object.fromEntries(terms.map((term, i) => [term, Number(values[i])]));
}

function countsAsPrinted(c: Counts): Record<string, number> {
  return {
    Matched: c.matched,
    Included: c.included,
    ...Object.fromEntries(
      Object.entries(c.excluded).map(([reason, n]) => [`Excluded: ${reason.replaceAll('_', ' ')}`, n]),
    ),
    Pending: c.pending,
    Lifted: c.lifted,
    Failed: c.failed,
    Reverted: c.reverted,
    'Sample approved': c.sampled.approved,
    'Sample rejected': c.sampled.rejected,
    'Sample unchecked': c.sampled.unchecked,
  };
}

async function shot(page: Page, name: string): Promise<void> {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

describe('halt, resume and revert from the Campaigns page', () => {
  it('an approver halts a running campaign and the lifts stop; both approvers resume it; after it completes it is reverted from the page, and the page counts match the API', async () => {
    const c = await runningCampaign(12);
    const path = `/console/campaigns/${c.id}`;
    const { page: seniorPage } = await stack.signedIn(senior.token, path);
    await seniorPage.getByRole('heading', { level: 1, name: `Campaign ${c.id}` }).waitFor();
    // Before the lifts start nothing is halted: Resume says why not, in the API's words.
    const resumeWhy = seniorPage
      .getByRole('form', { name: 'Resume' })
      .getByText(/^Resume is not open to you now:/);
    await resumeWhy.waitFor();
    expect(await resumeWhy.textContent()).toMatch(/only a halted campaign resumes/);
    await expect
      .poll(() => seniorPage.getByRole('button', { name: 'Resume', exact: true }).isDisabled())
      .toBe(true);

    await eventually(
      () => liftedOnPage(seniorPage),
      (lifted) => Number(lifted) >= 3,
      { what: 'three accounts lifted, seen on the page', timeoutMs: 150_000, intervalMs: 500 },
    );
    await seniorPage.getByLabel('Why halt').fill('Support reports new fraud on unfrozen accounts.');
    await seniorPage.getByRole('button', { name: 'Halt', exact: true }).click();
    await seniorPage.getByRole('status').filter({ hasText: 'Halted.' }).waitFor();
    const halted = await eventually(
      () => read(c.id),
      (x) => x.status === 'halted',
      { what: 'the halt' },
    );
    expect(halted.phase).toBe('batches');
    // The wave under way may finish; after it the run waits with nothing in flight.
    const handle = stack.api.services.client.workflow.getHandle(`campaign-${c.id}`);
    await eventually(
      () => handle.describe(),
      (d) => (d.raw.pendingActivities ?? []).length === 0,
      { what: 'no lift in flight' },
    );
    const atHalt = (await read(c.id)).counts.lifted;
    expect(atHalt).toBeLessThanOrEqual(halted.counts.lifted + 1);
    expect(atHalt).toBeLessThan(12);
    await eventually(
      () => liftedOnPage(seniorPage),
      (lifted) => lifted === String(atHalt),
      { what: `the page to show ${atHalt} lifted` },
    );
    await shot(seniorPage, 'campaign-halted');

    // Resume needs both approvers: the first one's ask leaves it halted, and nothing more is lifted.
    await seniorPage.getByLabel('Comment on resuming').fill('The fraud reports were about other accounts.');
    await seniorPage.getByRole('button', { name: 'Resume', exact: true }).click();
    await seniorPage.getByRole('status').filter({ hasText: 'Asked to resume' }).waitFor();
    await seniorPage.getByText(/^Asked to resume: 1 of 2/).waitFor();
    const again = seniorPage
      .getByRole('form', { name: 'Resume' })
      .getByText(/^Resume is not open to you now:/);
    await again.waitFor();
    expect(await again.textContent()).toMatch(/already asked to resume/);

    const { page: compliancePage } = await stack.signedIn(compliance.token, path);
    await compliancePage.getByText(/^Asked to resume: 1 of 2/).waitFor();
    const stillHalted = await read(c.id);
    expect(stillHalted).toMatchObject({ status: 'halted', counts: { lifted: atHalt } });
    expect(await liftedOnPage(compliancePage)).toBe(String(atHalt));
    await expectAccessible(compliancePage);
    await compliancePage.getByRole('button', { name: 'Resume', exact: true }).click();
    await eventually(
      () => read(c.id),
      (x) => x.status !== 'halted',
      { what: 'the campaign to resume' },
    );

    const done = await eventually(
      () => read(c.id),
      (x) => x.status === 'completed',
      { what: 'the campaign to complete', timeoutMs: 150_000 },
    );
    expect(done.counts).toMatchObject({ included: 12, lifted: 12, failed: 0, reverted: 0, pending: 0 });
    await eventually(
      () => liftedOnPage(compliancePage),
      (lifted) => lifted === '12',
      { what: 'the page to show every account lifted' },
    );

    // The maker's Withdraw is gone once lifts began, and the page says so; compliance may not withdraw.
    const withdrawWhy = compliancePage
      .getByRole('form', { name: 'Withdraw' })
      .getByText(/^Withdraw is not open to you now:/);
    expect(await withdrawWhy.textContent()).toMatch(/campaign\.propose/);
    // A refusal is said in words, with the field the API names; the campaign is left as it was.
    await compliancePage.getByLabel('Why revert').fill('x'.repeat(2_001));
    await compliancePage.getByRole('button', { name: 'Revert', exact: true }).click();
    const refused = compliancePage.getByRole('form', { name: 'Revert' }).getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/^Refused: .*reason: must be at most 2000 characters/);
    expect((await read(c.id)).status).toBe('completed');
    await compliancePage.getByLabel('Why revert').fill('Rule 417 was right after all.');
    await compliancePage.getByRole('button', { name: 'Revert', exact: true }).click();
    const reverted = await eventually(
      () => read(c.id),
      (x) => x.status === 'reverted',
      { what: 'the revert', timeoutMs: 150_000 },
    );
    expect(reverted.counts).toMatchObject({ lifted: 12, reverted: 12, failed: 0 });
    await eventually(
      () => countsOnPage(compliancePage),
      (shown) => shown.Reverted === 12,
      { what: 'the page to show the revert' },
    );
    expect(await countsOnPage(compliancePage)).toEqual(countsAsPrinted((await read(c.id)).counts));
    await shot(compliancePage, 'campaign-reverted');
  }, 400_000);

  it('the maker withdraws a campaign awaiting approval from the page', async () => {
    const accountIds = [newAccountId(), newAccountId()];
    const c = await proposed(accountIds);
    const { page } = await stack.signedIn(maker.token, `/console/campaigns/${c.id}`);
    const withdraw = page.getByRole('form', { name: 'Withdraw' });
    await withdraw.getByLabel('Why withdraw').fill('Amending the selector: rule 417 froze more than these.');
    await withdraw.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await withdraw.getByRole('status').filter({ hasText: 'Withdrawn.' }).waitFor();
    expect((await read(c.id)).status).toBe('withdrawn');
    const resumeWhy = page.getByRole('form', { name: 'Resume' }).getByText(/^Resume is not open to you now:/);
    await resumeWhy.waitFor();
    expect(await resumeWhy.textContent()).toMatch(/withdrawn; only a halted campaign resumes/);
  }, 200_000);
});
