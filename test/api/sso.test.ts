import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema/index.js';
import { verifyStream } from '../../src/db/audit.js';
import type { SsoMapping } from '../../src/domain/sso.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import type { OidcTestProvider } from '../support/oidcProvider.js';
import { SsoVerifier } from '../../src/api/services/sso.js';
import { freePort } from '../../src/runtime/ports.js';
import { SHORT_LIVED_CLIENT_ID, startOidcProvider } from '../support/oidcProvider.js';
import { expectProblem } from '../support/openapi.js';

const mapping: SsoMapping = {
  groups: {
    'risk-agents': { roles: ['agent'], businessLines: ['spot', 'p2p'], departments: [] },
    'risk-checkers': { roles: ['checker'], businessLines: ['*'], departments: [] },
    'security-team': { roles: ['department'], businessLines: [], departments: ['security'] },
  },
};

let idp: OidcTestProvider;
let otherIdp: OidcTestProvider;
let api: ApiHarness;

// Logins are unique per test run, so one PostgreSQL shared by many files never sees a subject twice.
const run = Date.now().toString(36);
const login = (name: string) => `${name}-${run}`;

beforeAll(async () => {
  idp = await startOidcProvider({
    accounts: {
      [login('ana')]: { name: 'Ana Agent', groups: ['risk-agents', 'staff'] },
      [login('cho')]: { name: 'Cho Checker', groups: ['risk-checkers'] },
      [login('mover')]: { name: 'Mo Mover', groups: ['risk-agents'] },
      [login('nobody')]: { name: 'No Body', groups: ['staff', 'canteen'] },
      [login('quick')]: { name: 'Quinn Quick', groups: ['risk-agents'] },
    },
  });
  otherIdp = await startOidcProvider({
    accounts: { [login('ana')]: { name: 'Ana Elsewhere', groups: ['risk-checkers'] } },
  });
  api = await startApi({ withoutWorker: true, sso: idp.settings(mapping) });
});

afterAll(async () => {
  await api?.stop();
  await idp?.stop();
  await otherIdp?.stop();
});

const me = (token: string) => api.call('GET', '/v1/me', { token });

describe('single sign-on with the identity provider’s access tokens', () => {
  it('a valid access token maps to a dualkey user created on first sign-in, with roles from the groups', async () => {
    const { accessToken } = await idp.signIn(login('ana'));
    const first = await me(accessToken);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      name: 'Ana Agent',
      roles: ['agent'],
      businessLines: ['spot', 'p2p'],
      departments: [],
    });
    const again = await me(accessToken);
    expect(again.body.id).toBe(first.body.id);

    const created = await api.services.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.stream, 'access'), eq(auditEvents.actor, first.body.id as string)));
    expect(created.map((row) => row.action)).toEqual(['sso.user_created']);
    expect((await verifyStream(api.services.database.db, 'access')).verdict.ok).toBe(true);

    // The person can work: an agent may open a case in a business line their groups give.
    const opened = await api.call('POST', '/v1/cases', {
      token: accessToken,
      body: {
        type: 'complaint',
        accountId: `acct-sso-${run}`,
        businessLine: 'spot',
        channel: 'chat',
        subject: 'Locked out',
        description: 'The user is locked out after a password reset.',
      },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.createdBy).toBe(first.body.id);
  });

  it('an expired access token is refused with 401', async () => {
    const { accessToken } = await idp.signIn(login('quick'), { clientId: SHORT_LIVED_CLIENT_ID });
    expect((await me(accessToken)).status).toBe(200);
    await expect
      .poll(async () => (await me(accessToken)).status, { timeout: 15_000, interval: 250 })
      .toBe(401);
    const refused = await me(accessToken);
    expectProblem(refused, 401, 'unauthenticated');
    expect(refused.body.detail).toMatch(/expired/);
  });

  it('an access token for another audience is refused with 401', async () => {
    const { accessToken } = await idp.signIn(login('ana'), { resource: 'https://other-service.test' });
    const refused = await me(accessToken);
    expectProblem(refused, 401, 'unauthenticated');
    expect(refused.body.detail).toMatch(/aud/);
  });

  it('an access token from another issuer is refused with 401', async () => {
    const { accessToken } = await otherIdp.signIn(login('ana'));
    expectProblem(await me(accessToken), 401, 'unauthenticated');
  });

  it('an ID token is not an access token for the API', async () => {
    const { idToken } = await idp.signIn(login('ana'));
    expectProblem(await me(idToken), 401, 'unauthenticated');
  });

  it('an identity whose groups map to no role is refused with 403 unmapped_identity, and audited', async () => {
    const { accessToken } = await idp.signIn(login('nobody'));
    const refused = await me(accessToken);
    expectProblem(refused, 403, 'unmapped_identity');
    expect(refused.body.detail).toMatch(/canteen, staff|staff, canteen/);
    const rows = await api.services.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.stream, 'access'), eq(auditEvents.actor, `sso:${login('nobody')}`)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'sso.sign_in', outcome: 'denied' });
  });

  it('a change of groups takes effect on the next sign-in, and an older token cannot bring the old ones back', async () => {
    const before = await idp.signIn(login('mover'));
    expect((await me(before.accessToken)).body).toMatchObject({ roles: ['agent'] });

    idp.accounts.set(login('mover'), { name: 'Mo Mover', groups: ['risk-checkers', 'security-team'] });
    // Issue times are whole seconds: the next token must be visibly newer than the first.
    await expect
      .poll(() => Math.floor(Date.now() / 1_000))
      .toBeGreaterThan(tokenIssuedAt(before.accessToken));
    const after = await idp.signIn(login('mover'));
    const moved = await me(after.accessToken);
    expect(moved.body).toMatchObject({
      roles: ['checker', 'department'],
      businessLines: ['*'],
      departments: ['security'],
    });
    expect((await me(before.accessToken)).body).toMatchObject({
      id: moved.body.id,
      roles: ['checker', 'department'],
    });

    const audit = await api.services.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.stream, 'access'), eq(auditEvents.actor, moved.body.id as string)))
      .orderBy(auditEvents.seq);
    expect(audit.map((row) => row.action)).toEqual(['sso.user_created', 'sso.user_updated']);
  });

  it('dualkey API tokens keep working for machines beside SSO', async () => {
    const engine = await api.user(['risk_engine']);
    expect((await me(engine.token)).body).toMatchObject({ id: engine.id, roles: ['risk_engine'] });
  });

  it('a person disabled in dualkey is refused even with a valid access token', async () => {
    const admin = await api.user(['admin']);
    const { accessToken } = await idp.signIn(login('cho'));
    const signedIn = await me(accessToken);
    expect(signedIn.status).toBe(200);
    const disabled = await api.call('POST', `/v1/admin/users/${signedIn.body.id as string}/revoke`, {
      token: admin.token,
      body: { disable: true },
    });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expectProblem(await me(accessToken), 401, 'unauthenticated');
  });

  it('a token signed with an algorithm outside the allow-list is refused', async () => {
    const { accessToken } = await idp.signIn(login('ana'));
    const strict = new SsoVerifier(
      api.services.database.db,
      idp.settings(mapping, { algorithms: ['ES256'] }),
    );
    await expect(strict.actorFor(accessToken)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('an identity provider that cannot be reached is an outage (503), not a refusal', async () => {
    const { accessToken } = await idp.signIn(login('ana'));
    const gone = `http://127.0.0.1:${await freePort()}`;
    const verifier = new SsoVerifier(api.services.database.db, idp.settings(mapping, { issuer: gone }));
    await expect(verifier.actorFor(accessToken)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('the console reads where and how to sign in from a public route', async () => {
    const config = await api.call('GET', '/auth/config');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      sso: {
        issuer: idp.issuer,
        clientId: 'dualkey-console',
        scopes: 'openid profile api',
        resource: 'https://dualkey.test/api',
      },
    });
  });
});

function tokenIssuedAt(jwt: string): number {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { iat: number };
  return payload.iat;
}
