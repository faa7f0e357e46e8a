import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../../src/db/audit.js';
import { auditEvents } from '../../src/db/schema/index.js';
import { ensureBootstrapAdmin } from '../../src/db/users.js';
import { bootstrapAdmin } from '../../src/runtime/wiring.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

let api: ApiHarness;
let alice: User;
let bob: User;

beforeAll(async () => {
  api = await startApi({ withoutWorker: true });
  alice = await api.user(['admin']);
  bob = await api.user(['admin']);
});
afterAll(async () => api?.stop());

const post = (user: { token: string }, path: string, body?: unknown) =>
  api.call('POST', path, { token: user.token, ...(body !== undefined ? { body } : {}) });
const me = (token: string) => api.call('GET', '/v1/me', { token });

async function accessRows(filter: { actor?: string; action?: string }, on: ApiHarness = api) {
  const rows = await on.services.database.db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.stream, 'access'),
        filter.actor ? eq(auditEvents.actor, filter.actor) : undefined,
        filter.action ? eq(auditEvents.action, filter.action) : undefined,
      ),
    );
  return rows;
}

async function requestGrant(by: User, body: Record<string, unknown>, on: ApiHarness = api): Promise<string> {
  const asked = await on.call('POST', '/v1/admin/grants', { token: by.token, body });
  expect(asked.status, JSON.stringify(asked.body)).toBe(202);
  expect(asked.body).toMatchObject({ status: 'pending', requestedBy: by.id });
  return asked.body.id as string;
}

describe('four eyes on privilege', () => {
  it('creating a checker gives the unprivileged part at once and leaves the checker role pending', async () => {
    const created = await post(alice, '/v1/admin/users', {
      name: 'Nina New',
      roles: ['agent', 'checker'],
      businessLines: ['spot'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.user).toMatchObject({ roles: ['agent'], businessLines: ['spot'], status: 'active' });
    expect(created.body.pendingGrant).toMatchObject({
      status: 'pending',
      roles: ['checker'],
      requestedBy: alice.id,
    });
    expect((await me(created.body.token as string)).body).toMatchObject({ roles: ['agent'] });

    const unprivileged = await post(alice, '/v1/admin/users', {
      name: 'Omar Agent',
      roles: ['agent'],
      businessLines: ['p2p'],
    });
    expect(unprivileged.body.pendingGrant).toBeNull();
  });

  it('a grant has no effect until a second admin approves; the requester’s own approval is refused and audited', async () => {
    const target = await api.user(['agent'], { businessLines: ['spot'] });
    const grantId = await requestGrant(alice, {
      userId: target.id,
      roles: ['checker'],
      businessLines: ['p2p'],
    });
    expect((await me(target.token)).body).toMatchObject({ roles: ['agent'], businessLines: ['spot'] });

    const own = await post(alice, `/v1/admin/grants/${grantId}/approve`, { comment: 'Fine by me.' });
    expectProblem(own, 403, 'separation_of_duties');
    expect((await me(target.token)).body).toMatchObject({ roles: ['agent'] });
    const denied = await accessRows({ actor: alice.id, action: `POST /v1/admin/grants/${grantId}/approve` });
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ outcome: 'denied', details: { code: 'separation_of_duties' } });

    const approved = await post(bob, `/v1/admin/grants/${grantId}/approve`, {
      comment: 'Trained last week.',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: bob.id,
      comment: 'Trained last week.',
    });
    expect((await me(target.token)).body).toMatchObject({
      roles: ['agent', 'checker'],
      businessLines: ['spot', 'p2p'],
    });

    const again = await post(bob, `/v1/admin/grants/${grantId}/approve`);
    expectProblem(again, 409, 'already_decided');

    const trail = (await accessRows({})).filter(
      (row) => (row.details as { grantId?: string }).grantId === grantId,
    );
    expect(trail.map((row) => [row.action, row.actor])).toEqual([
      ['grant.requested', alice.id],
      ['grant.approved', bob.id],
    ]);
    expect((await verifyStream(api.services.database.db, 'access')).verdict.ok).toBe(true);
  });

  it('an admin cannot approve a grant that widens their own access', async () => {
    const carol = await api.user(['admin']);
    const grantId = await requestGrant(alice, { userId: carol.id, roles: ['compliance'] });
    expectProblem(await post(carol, `/v1/admin/grants/${grantId}/approve`), 403, 'separation_of_duties');
    expect((await post(bob, `/v1/admin/grants/${grantId}/approve`)).status).toBe(200);
  });

  it('widening business lines and adding a department are grants; asking for what the user holds is refused', async () => {
    const target = await api.user(['department'], { businessLines: ['spot'], departments: ['security'] });
    const grantId = await requestGrant(alice, {
      userId: target.id,
      businessLines: ['*'],
      departments: ['legal'],
    });
    expect((await me(target.token)).body).toMatchObject({
      businessLines: ['spot'],
      departments: ['security'],
    });
    expect((await post(bob, `/v1/admin/grants/${grantId}/approve`)).status).toBe(200);
    expect((await me(target.token)).body).toMatchObject({
      businessLines: ['*'],
      departments: ['security', 'legal'],
    });

    const nothingNew = await post(alice, '/v1/admin/grants', { userId: target.id, businessLines: ['p2p'] });
    expectProblem(nothingNew, 409, 'invalid_state');
    expectProblem(await post(alice, '/v1/admin/grants', { userId: target.id }), 400, 'validation_failed');
    expectProblem(
      await post(alice, '/v1/admin/grants', { userId: 'usr_nobody', roles: ['checker'] }),
      404,
      'not_found',
    );
  });

  it('a rejected grant changes nothing and cannot be approved afterwards', async () => {
    const target = await api.user(['agent']);
    const grantId = await requestGrant(alice, { userId: target.id, roles: ['senior'] });
    const rejected = await post(bob, `/v1/admin/grants/${grantId}/reject`, { comment: 'Not yet.' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: bob.id });
    expectProblem(await post(alice, `/v1/admin/grants/${grantId}/approve`), 409, 'already_decided');
    expect((await me(target.token)).body).toMatchObject({ roles: ['agent'] });
  });

  it('revoking roles, narrowing scopes, disabling and revoking a token take effect at once on one admin’s word', async () => {
    const target = await api.user(['agent', 'checker'], { businessLines: ['spot', 'p2p'], departments: [] });
    const narrowed = await post(alice, `/v1/admin/users/${target.id}/revoke`, {
      roles: ['checker'],
      businessLines: ['p2p'],
    });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    expect(narrowed.body).toMatchObject({ roles: ['agent'], businessLines: ['spot'], status: 'active' });
    expect((await me(target.token)).body).toMatchObject({ roles: ['agent'], businessLines: ['spot'] });

    const second = await post(alice, `/v1/admin/users/${target.id}/tokens`, { label: 'laptop' });
    expect(second.status).toBe(201);
    const revokedToken = await api.call('DELETE', `/v1/admin/tokens/${second.body.tokenId as string}`, {
      token: alice.token,
    });
    expect(revokedToken.status).toBe(204);
    expectProblem(await me(second.body.token as string), 401, 'unauthenticated');

    const disabled = await post(alice, `/v1/admin/users/${target.id}/revoke`, { disable: true });
    expect(disabled.body).toMatchObject({ status: 'disabled' });
    expectProblem(await me(target.token), 401, 'unauthenticated');

    const actions = (await accessRows({ actor: alice.id })).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['access.revoked', 'token.revoked']));
    expectProblem(await post(alice, `/v1/admin/users/${target.id}/revoke`, {}), 400, 'validation_failed');
  });

  it('the list of users shows roles, scopes, departments and status', async () => {
    const listed = await api.call('GET', '/v1/admin/users', { token: bob.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: alice.id,
          roles: ['admin'],
          businessLines: ['*'],
          status: 'active',
          sso: false,
        }),
      ]),
    );
  });

  it('start-up warns when the bootstrap key is set in production, and only then', async () => {
    const token = `bootstrap-${'w'.repeat(24)}-${Date.now()}`;
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const db = api.services.database.db;
    await bootstrapAdmin({ NODE_ENV: 'development', DUALKEY_BOOTSTRAP_ADMIN_TOKEN: token }, db, warn);
    await bootstrapAdmin({ NODE_ENV: 'production', DUALKEY_BOOTSTRAP_ADMIN_TOKEN: undefined }, db, warn);
    expect(warnings).toEqual([]);
    await bootstrapAdmin({ NODE_ENV: 'production', DUALKEY_BOOTSTRAP_ADMIN_TOKEN: token }, db, warn);
    expect(warnings).toEqual([expect.stringMatching(/Remove it once two admins exist/)]);
    expect((await me(token)).body).toMatchObject({ id: 'usr_bootstrap_admin', roles: ['admin'] });
  });

  it('the installer’s bootstrap key acts alone, so a fresh install can make its first admins', async () => {
    const token = `bootstrap-${'x'.repeat(24)}-${Date.now()}`;
    await ensureBootstrapAdmin(api.services.database.db, token);
    const created = await api.call('POST', '/v1/admin/users', {
      token,
      body: { name: 'First Admin', roles: ['admin'], businessLines: ['*'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.user).toMatchObject({ roles: ['admin'] });
    expect(created.body.pendingGrant).toBeNull();

    const target = await api.user(['agent']);
    const granted = await api.call('POST', '/v1/admin/grants', {
      token,
      body: { userId: target.id, roles: ['checker'] },
    });
    expect(granted.status).toBe(202);
    expect(granted.body).toMatchObject({ status: 'approved', requestedBy: 'usr_bootstrap_admin' });
    expect((await me(target.token)).body).toMatchObject({ roles: ['agent', 'checker'] });
  });
});

describe('expiry of grants nobody decides', () => {
  // Grants expire in seconds here, so the expiry path runs inside a test.
  let short: ApiHarness;
  let shortAlice: User;
  let shortBob: User;
  beforeAll(async () => {
    short = await startApi({ withoutWorker: true, policy: { access: { grantExpiry: '2s' } } });
    shortAlice = await short.user(['admin']);
    shortBob = await short.user(['admin']);
  });
  afterAll(async () => short?.stop());

  it('a pending grant expires after the policy duration, once, with a row on the access stream', async () => {
    const target = await short.user(['agent']);
    const grantId = await requestGrant(shortAlice, { userId: target.id, roles: ['checker'] }, short);
    const pending = await short.call('GET', '/v1/admin/grants?status=pending', { token: shortBob.token });
    expect((pending.body.items as { id: string }[]).map((g) => g.id)).toContain(grantId);

    await expect
      .poll(
        async () => {
          const expired = await short.call('GET', '/v1/admin/grants?status=expired', {
            token: shortBob.token,
          });
          return (expired.body.items as { id: string }[]).some((g) => g.id === grantId);
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(true);
    // Sweeps racing each other expire nothing twice.
    await Promise.all([short.deps.access.expireDue(), short.deps.access.expireDue()]);
    const expiries = (await accessRows({ action: 'grant.expired' }, short)).filter(
      (row) => (row.details as { grantId?: string }).grantId === grantId,
    );
    expect(expiries).toHaveLength(1);
    expect(expiries[0]).toMatchObject({ actor: 'system', outcome: 'accepted' });

    const late = await short.call('POST', `/v1/admin/grants/${grantId}/approve`, { token: shortBob.token });
    expectProblem(late, 409, 'invalid_state');
    expect((await short.call('GET', '/v1/me', { token: target.token })).body).toMatchObject({
      roles: ['agent'],
    });
  });

  it('an approval arriving after the deadline records the expiry and is refused', async () => {
    const target = await short.user(['agent']);
    const asked = await short.call('POST', '/v1/admin/grants', {
      token: shortAlice.token,
      body: { userId: target.id, roles: ['admin'] },
    });
    expect(asked.status).toBe(202);
    const expiresAt = Date.parse(asked.body.expiresAt as string);
    await expect.poll(() => Date.now(), { timeout: 10_000 }).toBeGreaterThan(expiresAt);
    const late = await short.call('POST', `/v1/admin/grants/${asked.body.id as string}/approve`, {
      token: shortBob.token,
    });
    expectProblem(late, 409, 'invalid_state');
    const expiries = (await accessRows({ action: 'grant.expired' }, short)).filter(
      (row) => (row.details as { grantId?: string }).grantId === asked.body.id,
    );
    expect(expiries).toHaveLength(1);
  });
});
