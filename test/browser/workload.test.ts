import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import { caseInput, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

let stack: ConsoleStack;
let agent: User;
let lead: User;

beforeAll(async () => {
  stack = await startConsoleStack();
  agent = await stack.api.user(['agent'], { name: 'Noor Castellanos' });
  lead = await stack.api.user(['auditor'], { name: 'Theo Marchetti' });
});
afterAll(async () => stack?.stop());

describe('the Workload report in the console', () => {
  it('shows a lead response times by channel and tier on Operations, and each agent’s open cases on Workload', async () => {
    for (let i = 0; i < 2; i += 1) {
      const created = await stack.api.call('POST', '/v1/cases', {
        token: agent.token,
        body: caseInput(newAccountId(), { type: 'complaint', controlIds: [] }),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const claimed = await stack.api.call('POST', `/v1/cases/${created.body.id as string}/claim`, {
        token: agent.token,
      });
      expect(claimed.status).toBe(200);
    }

    const { page } = await stack.signedIn(lead.token, '/console/reports');
    // The operations page, where the lead starts, gives response times by channel and tier.
    const times = page.getByRole('table', {
      name: 'Time to first response and to resolution, by channel and tier',
    });
    await times.getByRole('row').filter({ hasText: 'email' }).first().waitFor();
    await expectAccessible(page);
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Workload' }).click();
    await page.getByRole('heading', { level: 1, name: 'Workload' }).waitFor();
    const row = page
      .getByRole('table', { name: 'By agent' })
      .getByRole('row')
      .filter({ hasText: 'Noor Castellanos' });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('2');
    await page.getByRole('table', { name: 'By department (open escalations)' }).waitFor();
    await expectAccessible(page);
  });
});
