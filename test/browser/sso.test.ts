import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SsoMapping } from '../../src/domain/sso.js';
import { freePort } from '../../src/runtime/ports.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import type { OidcTestProvider } from '../support/oidcProvider.js';
import { startOidcProvider } from '../support/oidcProvider.js';

/*
 * Signing in to the console through a real OpenID provider (oidc-provider, its own login and consent
 * pages), then the grants inbox, in a real chromium. Locators are roles and labels only.
 */
const mapping: SsoMapping = {
  groups: {
    'risk-checkers': { roles: ['checker'], businessLines: ['*'], departments: [] },
    'dualkey-admins': { roles: ['admin'], businessLines: ['*'], departments: [] },
  },
};

const run = Date.now().toString(36);
const login = (name: string) => `${name}-${run}`;

let idp: OidcTestProvider;
let stack: ConsoleStack;

beforeAll(async () => {
  const port = await freePort();
  idp = await startOidcProvider({
    accounts: {
      [login('chen')]: { name: 'Chen Checker', groups: ['risk-checkers'] },
      [login('ada')]: { name: 'Ada Admin', groups: ['dualkey-admins'] },
      [login('guest')]: { name: 'Gus Guest', groups: ['visitors'] },
    },
    redirectUris: [`http://127.0.0.1:${port}/console/sign-in`],
  });
  stack = await startConsoleStack({ port, sso: idp.settings(mapping), withoutWorker: true });
});
afterAll(async () => {
  await stack?.stop();
  await idp?.stop();
});

/** The provider's own pages, as a person fills them in. */
async function signInAtProvider(page: Page, who: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  await page.getByPlaceholder('Enter any login').fill(who);
  await page.getByPlaceholder('and password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('single sign-on in the console', () => {
  it('signs a person in through the identity provider and brings them back where they were going', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.url}/console/approvals`);
    await page.waitForURL(/\/console\/sign-in/);
    await page.getByRole('button', { name: 'Sign in with SSO' }).waitFor();
    // Machines' and demo tokens still sign in beside it.
    await expect.poll(() => page.getByLabel('Token', { exact: true }).isVisible()).toBe(true);
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign in', exact: true }).isVisible())
      .toBe(true);
    await expectAccessible(page);

    await signInAtProvider(page, login('chen'));
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/approvals');
    await page.getByText('Chen Checker · checker').waitFor();
    // Not an admin: no Users page.
    expect(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count(),
    ).toBe(0);
  });

  it('tells a person whose groups give no role why they cannot sign in', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.url}/console/sign-in`);
    await signInAtProvider(page, login('guest'));
    await page
      .getByRole('alert')
      .getByText(/maps to a dualkey role/)
      .waitFor();
    await expect.poll(() => page.getByLabel('Token', { exact: true }).isVisible()).toBe(true);
  });

  it('an admin signed in with SSO approves another admin’s grant, and is refused their own', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.url}/console/queue`);
    await signInAtProvider(page, login('ada'));
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const other = await stack.api.user(['admin']);
    const theirs = await stack.api.user(['agent']);
    const mine = await stack.api.user(['agent']);
    const users = await stack.api.call('GET', '/v1/admin/users', { token: other.token });
    const ada = (users.body.items as { id: string; name: string; sso: boolean }[]).find(
      (u) => u.name === 'Ada Admin',
    );
    expect(ada).toMatchObject({ sso: true });
    const asked = await stack.api.call('POST', '/v1/admin/grants', {
      token: other.token,
      body: { userId: theirs.id, roles: ['checker'] },
    });
    expect(asked.status).toBe(202);
    const own = await stack.api.deps.access.requestGrant(
      { id: ada?.id ?? '', name: 'Ada Admin', roles: ['admin'], businessLines: ['*'], departments: [] },
      mine.id,
      { roles: ['senior'] },
    );

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await expectAccessible(page);
    const grants = page.getByRole('table', { name: /pending grants/ });
    const theirRow = grants
      .getByRole('row')
      .filter({ hasText: 'roles checker' })
      .filter({ hasText: theirs.name });
    const ownRow = grants.getByRole('row').filter({ hasText: 'roles senior' }).filter({ hasText: mine.name });

    await ownRow.getByRole('button', { name: 'Approve grant' }).click();
    await ownRow
      .getByRole('alert')
      .getByText(/another admin must approve it/)
      .waitFor();

    await theirRow.getByRole('button', { name: 'Approve grant' }).click();
    await expect
      .poll(async () => (await stack.api.call('GET', '/v1/me', { token: theirs.token })).body.roles)
      .toEqual(['agent', 'checker']);

    await ownRow.getByRole('button', { name: 'Reject grant' }).click();
    await expect
      .poll(async () => {
        const listed = await stack.api.call('GET', '/v1/admin/grants?status=rejected', {
          token: other.token,
        });
        return (listed.body.items as { id: string }[]).some((g) => g.id === own.id);
      })
      .toBe(true);
  });
});
