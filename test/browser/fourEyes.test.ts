import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalViews } from '../../src/db/schema/index.js';
import type { FourEyesReport } from '../../src/domain/fourEyes.js';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import { applyControl, caseInput, eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

let stack: ConsoleStack;
let agent: User;
let checker: User;
let auditor: User;

beforeAll(async () => {
  stack = await startConsoleStack({ policy: { monitoring: { window: { medium: '10m' } } } });
  agent = await stack.api.user(['agent'], { name: 'Rafa Lindqvist' });
  checker = await stack.api.user(['checker'], { name: 'Ines Okafor' });
  auditor = await stack.api.user(['auditor'], { name: 'Ada Brennan' });
});
afterAll(async () => stack?.stop());

const call = (who: User, method: string, path: string, body?: unknown) =>
  stack.api.call(method, path, { token: who.token, ...(body === undefined ? {} : { body }) });

/** A medium-tier unfreeze awaiting one approval, its proposal carrying one piece of evidence. */
async function proposedUnfreeze(): Promise<{ caseId: string; proposalId: string }> {
  const accountId = newAccountId();
  const lock = await applyControl(stack.api.services, accountId, 'trading_lock');
  const created = await call(agent, 'POST', '/v1/cases', caseInput(accountId, { controlIds: [lock.id] }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const caseId = created.body.id as string;
  expect((await call(agent, 'POST', `/v1/cases/${caseId}/claim`)).status).toBe(200);
  const proposed = await call(agent, 'POST', `/v1/cases/${caseId}/proposals`, {
    controlIds: [lock.id],
    reasonCode: 'verified_owner',
    justification: 'The owner answered the security questions on a call.',
    evidence: [{ kind: 'video_call_id', ref: 'VC-2207' }],
  });
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  const proposals = proposed.body.proposals as { id: string }[];
  return { caseId, proposalId: proposals.at(-1)!.id };
}

async function viewsOf(caseId: string, userId: string): Promise<string[]> {
  const rows = await stack.api.services.database.db
    .select({ what: proposalViews.what })
    .from(proposalViews)
    .where(and(eq(proposalViews.caseId, caseId), eq(proposalViews.userId, userId)));
  return rows.map((r) => r.what).sort();
}

describe('four eyes in the console', () => {
  it('records a checker’s first view of a proposal and its evidence, and the lead reads it in Four eyes', async () => {
    const { caseId, proposalId } = await proposedUnfreeze();

    const { page: checkerPage } = await stack.signedIn(checker.token, `/console/cases/${caseId}`);
    const evidence = checkerPage.getByRole('list', { name: `Evidence for proposal ${proposalId}` });
    await evidence.waitFor();
    await eventually(
      () => viewsOf(caseId, checker.id),
      (views) => views.includes('proposal'),
      { what: 'the checker’s view of the proposal' },
    );
    // The evidence counts as opened once it has been on screen, not merely on the page.
    await evidence.scrollIntoViewIfNeeded();
    await eventually(
      () => viewsOf(caseId, checker.id),
      (views) => views.length === 2,
      { what: 'the checker’s views of the proposal and its evidence' },
    );
    expect(await viewsOf(caseId, checker.id)).toEqual(['evidence', 'proposal']);
    // The maker may not decide their own proposal, so their page records nothing.
    const { page: agentPage } = await stack.signedIn(agent.token, `/console/cases/${caseId}`);
    await agentPage.getByRole('list', { name: `Evidence for proposal ${proposalId}` }).waitFor();

    expect(
      (await call(checker, 'POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {})).status,
    ).toBe(200);
    expect(await viewsOf(caseId, agent.id)).toEqual([]);
    const now = Date.now();
    const window = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    await eventually(
      async () =>
        ((await call(auditor, 'GET', `/v1/reports/four-eyes?${window}`)).body as unknown as FourEyesReport)
          .checkers,
      (checkers) => checkers.some((c) => c.checker === checker.id),
      { what: 'the approval to reach the four-eyes report' },
    );

    const { page } = await stack.signedIn(auditor.token, '/console/reports');
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Four eyes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Four eyes' }).waitFor();
    const chart = page.getByRole('img', { name: 'Median time from first view to decision, by checker' });
    await chart.waitFor();
    expect(await chart.locator('desc').textContent()).toContain('Ines Okafor');
    const row = page
      .getByRole('table', { name: 'By checker' })
      .getByRole('row')
      .filter({ hasText: 'Ines Okafor' });
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('1');
    await expectAccessible(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^row,maker,checker,decisions,approvals,/);
    const own = lines.find((l) => l.startsWith(`checker,,Ines Okafor (${checker.id}),`));
    expect(own?.split(',').slice(3, 5)).toEqual(['1', '1']);
  });
});
