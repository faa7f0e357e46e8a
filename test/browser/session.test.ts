import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { startConsoleStack } from '../support/browser.js';
import { caseInput, newAccountId } from '../support/world.js';

/*
 * One sign-in per browser: the session cookie the API sets carries every tab, a deep link opened anew,
 * and the live event stream, and signing out ends it for all of them.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;

let stack: ConsoleStack;
let agent: User;

beforeAll(async () => {
  stack = await startConsoleStack();
  agent = await stack.api.user(['agent']);
});
afterAll(async () => stack?.stop());

interface AxeViolation {
  id: string;
  impact: string | null;
}

describe('one sign-in per browser', () => {
  it('the sign-in page has a password field for the token and no axe violation at any impact', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.url}/console/sign-in`);
    const field = page.getByLabel('Token', { exact: true });
    await field.waitFor();
    expect(await field.getAttribute('type')).toBe('password');
    await page.evaluate(await stack.axeSource());
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
      return (await axe.run()).violations.map((v) => `${v.id} (${v.impact})`);
    });
    expect(violations).toEqual([]);
  });

  it('a second tab and a deep link open signed in; signing out ends the session everywhere', async () => {
    const created = await stack.api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint', subject: 'Locked out after travel' }),
    });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;

    const { context, page } = await stack.signedIn(agent.token);
    const cookies = await context.cookies(stack.url);
    expect(cookies.find((c) => c.name === 'dualkey_session')).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(cookies.find((c) => c.name === 'dualkey_csrf')).toMatchObject({
      httpOnly: false,
      secure: true,
      sameSite: 'Strict',
    });
    expect(await page.evaluate('sessionStorage.length + localStorage.length')).toBe(0);
    expect(await page.evaluate('document.cookie')).not.toContain('dualkey_session');

    // The live stream runs on the cookie: the header says Live.
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor();

    const second = await context.newPage();
    await second.goto(`${stack.url}/console/queue`);
    await second.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    await second.getByRole('button', { name: 'Sign out' }).waitFor();

    const deep = await context.newPage();
    await deep.goto(`${stack.url}/console/cases/${encodeURIComponent(caseId)}`);
    await deep.getByRole('heading', { level: 1, name: new RegExp(caseId) }).waitFor();
    expect(new URL(deep.url()).pathname).toBe(`/console/cases/${caseId}`);

    // A state-changing call from the console carries the CSRF token: claiming works on the cookie.
    await deep.getByRole('button', { name: 'Claim', exact: true }).click();
    await expect.poll(() => deep.getByTestId('case-status').textContent()).toBe('in_review');

    const session = cookies.find((c) => c.name === 'dualkey_session')?.value ?? '';
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token', { exact: true }).waitFor();
    expect((await context.cookies(stack.url)).map((c) => c.name)).not.toContain('dualkey_session');

    // Ended on the server: the old cookie is refused, and the other tabs land on sign-in when they next ask.
    const replay = await stack.api.call('GET', '/v1/me', {
      headers: { cookie: `dualkey_session=${session}` },
    });
    expect(replay.status).toBe(401);
    await second.reload();
    await second.waitForURL(/\/console\/sign-in/);
    await second.getByLabel('Token', { exact: true }).waitFor();
  });
});
