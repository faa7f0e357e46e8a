import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';

/*
 * Outages told truthfully: the header's Live turns Offline when the event stream drops and back when it
 * returns, and a banner says when the workers are down, from what /readyz says.
 */
let stack: ConsoleStack;

beforeAll(async () => {
  stack = await startConsoleStack();
});
afterAll(async () => stack?.stop());

describe('outages in the console', () => {
  it('says Offline while the event stream is cut, and Live once it is back', async () => {
    const agent = await stack.api.user(['agent']);
    const { context, page } = await stack.signedIn(agent.token);
    const live = page.locator('header [role="status"]').filter({ hasText: /^(Live|Offline|Connecting…)$/ });
    await expect.poll(() => live.textContent(), { timeout: 30_000 }).toBe('Live');

    // Offline keeps the browser from reconnecting; cutting the connections drops the stream it has.
    await context.setOffline(true);
    stack.dropConnections();
    await expect.poll(() => live.textContent(), { timeout: 30_000 }).toBe('Offline');
    await context.setOffline(false);
    await expect.poll(() => live.textContent(), { timeout: 30_000 }).toBe('Live');
  });

  it('shows a banner when the workers are down, and none once one polls again', async () => {
    const agent = await stack.api.user(['agent']);
    const { page } = await stack.signedIn(agent.token);
    const banner = page.getByRole('alert').filter({ hasText: 'down' });
    expect(await banner.count()).toBe(0);

    const worker = stack.api.services.worker;
    if (!worker) throw new Error('the console stack starts a worker');
    worker.shutdown();
    // The console asks /readyz every 15 s; the workers count as gone at once after a clean stop.
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toContain('The workers are down.');
    await expectAccessible(page);

    await stack.api.services.startWorker();
    await banner.waitFor({ state: 'detached', timeout: 60_000 });
  });
});
