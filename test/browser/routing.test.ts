import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/db/users.js';
import type { ProposalOffer } from '../../src/domain/case.js';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import { applyControl, caseInput, newAccountId } from '../support/world.js';

/*
 * Bulk assignment from the queue and the offered checker's inbox, in a real chromium against the real
 * stack. Low-tier proposals are offered to one checker drawn at random; medium ones are open to all. The
 * draw is over every checker in the shared users table, so the drawn checker is read from the offer and
 * signed in as; this file's two checkers are in the set, and one of them is always not the drawn one.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;
interface Audited {
  action: string;
  actor: string;
  outcome: string;
  details: { assignee?: string };
}

const suffix = randomUUID().slice(0, 6);
let stack: ConsoleStack;
let agent: User;
let lead: User;
let auditor: User;
let checkers: User[];

beforeAll(async () => {
  stack = await startConsoleStack({
    policy: { checkerRouting: { tiers: { low: 'random_first' }, offerExpiry: '30m' } },
  });
  agent = await stack.api.user(['agent'], { name: `Rosa Lindqvist ${suffix}` });
  lead = await stack.api.user(['agent', 'senior'], { name: `Ines Okoro ${suffix}` });
  auditor = await stack.api.user(['auditor']);
  checkers = [
    await stack.api.user(['checker'], { businessLines: ['spot'], name: `Tomas Brandt ${suffix}` }),
    await stack.api.user(['checker'], { businessLines: ['spot'], name: `Ada Mensah ${suffix}` }),
  ];
});
afterAll(async () => stack?.stop());

async function complaint(): Promise<string> {
  const created = await stack.api.call('POST', '/v1/cases', {
    token: agent.token,
    body: caseInput(newAccountId(), { type: 'complaint', subject: `Bulk ${suffix}` }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.assignee).toBeNull();
  return created.body.id as string;
}

/** An unfreeze of one control, claimed and proposed over the API; its tier follows the control. */
async function proposed(
  kind: 'login_lock' | 'trading_lock',
): Promise<{ caseId: string; proposalId: string }> {
  const accountId = newAccountId();
  const control = await applyControl(stack.api.services, accountId, kind);
  const created = await stack.api.call('POST', '/v1/cases', {
    token: agent.token,
    body: caseInput(accountId, { controlIds: [control.id] }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const caseId = created.body.id as string;
  expect((await stack.api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token })).status).toBe(
    200,
  );
  const answer = await stack.api.call('POST', `/v1/cases/${caseId}/proposals`, {
    token: agent.token,
    body: {
      controlIds: [control.id],
      reasonCode: 'verified_owner',
      justification: 'The owner passed a video call with ID.',
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const proposals = answer.body.proposals as { id: string }[];
  return { caseId, proposalId: proposals.at(-1)!.id };
}

describe('bulk assignment in the queue', () => {
  it('a lead ticks several cases and uses Assign: each shows the assignee and has its own audited assignment', async () => {
    const ids = [await complaint(), await complaint(), await complaint()];
    const { page } = await stack.signedIn(lead.token, '/console/queue');
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    for (const id of ids) await page.getByRole('checkbox', { name: `Select ${id}` }).check();
    const bulk = page.getByRole('form', { name: 'Act on the selected cases' });
    await bulk.getByText('3 selected').waitFor();
    await bulk.getByLabel('Assign to').selectOption({ label: agent.name });
    await bulk.getByRole('button', { name: 'Assign', exact: true }).click();
    await bulk.getByRole('status').getByText('Assigned 3 of 3 cases.').waitFor();

    for (const id of ids) {
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: id, exact: true }) });
      await row.getByText(agent.name).waitFor();
    }
    await expectAccessible(page);

    for (const id of ids) {
      const read = await stack.api.call('GET', `/v1/cases/${id}`, { token: lead.token });
      expect(read.body.assignee).toBe(agent.id);
      const audit = await stack.api.call('GET', `/v1/cases/${id}/audit`, { token: auditor.token });
      const assigned = (audit.body.items as Audited[]).filter((e) => e.action === 'case.assigned');
      expect(assigned).toHaveLength(1);
      expect(assigned[0]).toMatchObject({
        actor: lead.id,
        outcome: 'accepted',
        details: { assignee: agent.id },
      });
      expect(audit.body.verified).toBe(true);
    }
  });
});

describe('the offered checker’s inbox', () => {
  it('shows the offer first to the drawn checker; another checker sees whom it is offered to and until when', async () => {
    // Open to all and expiring first: without the offer it would head the drawn checker's inbox.
    const open = await proposed('trading_lock');
    const offered = await proposed('login_lock');
    const read = await stack.api.call('GET', `/v1/cases/${offered.caseId}`, { token: agent.token });
    expect(read.body.riskTier).toBe('low');
    const offer = (read.body.proposals as { id: string; offer: ProposalOffer | null }[]).find(
      (p) => p.id === offered.proposalId,
    )?.offer;
    if (!offer) throw new Error(`proposal ${offered.proposalId} carries no offer`);
    const people = await stack.api.call('GET', '/v1/people', { token: agent.token });
    const drawnName = (people.body.people as { id: string; displayName: string }[]).find(
      (p) => p.id === offer.checker,
    )?.displayName;
    expect(drawnName).toBeDefined();

    const { token } = await issueToken(stack.api.services.database.db, offer.checker);
    const { page: drawnPage } = await stack.signedIn(token, '/console/approvals');
    await drawnPage.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    const inbox = drawnPage.getByRole('table', { name: /proposals you may decide/ });
    const rowOf = (caseId: string) =>
      inbox.getByRole('row').filter({ has: drawnPage.getByRole('link', { name: caseId, exact: true }) });
    await rowOf(offered.caseId)
      .getByText(/^Yes, until/)
      .waitFor();
    await rowOf(open.caseId).waitFor();
    // Rows offered to this checker come before every other row, however soon the others expire.
    const rows = await inbox.locator('tbody').getByRole('row').all();
    const offeredColumn = await Promise.all(
      rows.map(async (row) => ({
        caseId: (await row.getByRole('link').first().textContent()) ?? '',
        offered: ((await row.getByRole('cell').nth(1).textContent()) ?? '').startsWith('Yes'),
      })),
    );
    const firstOpen = offeredColumn.findIndex((r) => !r.offered);
    expect(offeredColumn.slice(firstOpen).every((r) => !r.offered)).toBe(true);
    const position = offeredColumn.findIndex((r) => r.caseId === offered.caseId);
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(offeredColumn.findIndex((r) => r.caseId === open.caseId));
    expect(offeredColumn[position]?.offered).toBe(true);
    await expectAccessible(drawnPage);

    const other = checkers.find((c) => c.id !== offer.checker)!;
    const { page: otherPage } = await stack.signedIn(other.token, `/console/cases/${offered.caseId}`);
    const why = otherPage.getByRole('listitem').filter({ hasText: /^Approve:/ });
    await expect
      .poll(() => why.textContent(), { timeout: 30_000 })
      .toContain(`offered to ${drawnName} until ${offer.until}`);
    expect(await otherPage.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    await expectAccessible(otherPage);
  });
});
