import { afterEach, describe, expect, it } from 'vitest';
import { issueRecoveryAdmin } from '../../src/db/recovery.js';
import { BOOTSTRAP_ADMIN_ID } from '../../src/db/users.js';
import { bootstrapAdmin } from '../../src/runtime/wiring.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { freshDatabase } from '../support/freshDatabase.js';
import { expectProblem } from '../support/openapi.js';

/*
 * "The last enabled admin" is about the whole user table, so each test has a database of its own: in the
 * shared one every other file's admins would count.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function isolatedApi(): Promise<ApiHarness> {
  const database = await freshDatabase();
  cleanups.push(() => database.drop());
  const api = await startApi({ withoutWorker: true, databaseUrl: database.url });
  cleanups.push(() => api.stop());
  return api;
}

const revoke = (api: ApiHarness, by: { token: string }, userId: string, body: Record<string, unknown>) =>
  api.call('POST', `/v1/admin/users/${userId}/revoke`, { token: by.token, body });
const me = (api: ApiHarness, token: string) => api.call('GET', '/v1/me', { token });

describe('no admin lockout', () => {
  it('an admin cannot disable themselves: 409 self_lockout, and they keep working', async () => {
    const api = await isolatedApi();
    const alice = await api.user(['admin'], { name: 'Alice Admin' });
    await api.user(['admin'], { name: 'Bob Admin' });
    const refused = await revoke(api, alice, alice.id, { disable: true });
    expectProblem(refused, 409, 'self_lockout');
    expect(refused.body.detail).toMatch(/cannot disable themselves/);
    expect((await me(api, alice.token)).status).toBe(200);
  });

  it('the last enabled admin cannot lose the admin role, nor be disabled by a recovery admin', async () => {
    const api = await isolatedApi();
    const alice = await api.user(['admin', 'auditor'], { name: 'Alice Admin' });
    await api.user(['agent']);
    const dropAdmin = await revoke(api, alice, alice.id, { roles: ['admin'] });
    expectProblem(dropAdmin, 409, 'last_admin');
    expect(dropAdmin.body.detail).toMatch(/last enabled admin/);
    // Narrowing that leaves the admin role is still at once.
    const narrowed = await revoke(api, alice, alice.id, { roles: ['auditor'] });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    expect(narrowed.body).toMatchObject({ roles: ['admin'], status: 'active' });

    // A recovery admin is gone within minutes, so it is no second admin.
    const recovery = await issueRecoveryAdmin(api.services.database.db, 'cli:test@lockout');
    expectProblem(await revoke(api, recovery, alice.id, { disable: true }), 409, 'last_admin');
    expectProblem(await revoke(api, alice, alice.id, { roles: ['admin'] }), 409, 'last_admin');
    expect((await me(api, alice.token)).body).toMatchObject({ roles: ['admin'] });
  });

  it('with a second admin, an admin may be disabled or lose the role; the last one left may not', async () => {
    const api = await isolatedApi();
    const alice = await api.user(['admin'], { name: 'Alice Admin' });
    const bob = await api.user(['admin'], { name: 'Bob Admin' });
    const carol = await api.user(['admin'], { name: 'Carol Admin' });
    const disabled = await revoke(api, alice, bob.id, { disable: true });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(disabled.body).toMatchObject({ status: 'disabled' });
    const deAdmined = await revoke(api, carol, carol.id, { roles: ['admin'] });
    expect(deAdmined.status, JSON.stringify(deAdmined.body)).toBe(200);
    expectProblem(await revoke(api, alice, alice.id, { roles: ['admin'] }), 409, 'last_admin');
  });

  it('two admins disabling each other at once leave one of them an admin', async () => {
    const api = await isolatedApi();
    const alice = await api.user(['admin'], { name: 'Alice Admin' });
    const bob = await api.user(['admin'], { name: 'Bob Admin' });
    const answers = await Promise.all([
      revoke(api, alice, bob.id, { disable: true }),
      revoke(api, bob, alice.id, { disable: true }),
    ]);
    // The loser either got past sign-in before the winner's change and is refused as the last admin, or
    // came after it and is signed in as nobody: a disabled admin's token no longer works.
    const refused = answers.find((a) => a.status !== 200);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect([
      { status: 409, code: 'last_admin' },
      { status: 401, code: 'unauthenticated' },
    ]).toContainEqual({ status: refused?.status, code: refused?.body.code });
    const users = await api.call('GET', '/v1/admin/users', {
      token: answers[0]?.status === 200 ? alice.token : bob.token,
    });
    const admins = (users.body.items as { roles: string[]; status: string }[]).filter(
      (u) => u.roles.includes('admin') && u.status === 'active',
    );
    expect(admins).toHaveLength(1);
  });
});

describe('the start-up line about DUALKEY_BOOTSTRAP_ADMIN_TOKEN', () => {
  const token = `bootstrap-${'s'.repeat(24)}`;
  const env = { NODE_ENV: 'development' as const, DUALKEY_BOOTSTRAP_ADMIN_TOKEN: token };
  const ignore = () => undefined;

  it('calls it an admin token while it is one, and says who disabled its user and when once they have', async () => {
    const api = await isolatedApi();
    const db = api.services.database.db;
    expect(await bootstrapAdmin(env, db, ignore)).toBe('DUALKEY_BOOTSTRAP_ADMIN_TOKEN is an admin token.');
    const created = await api.call('POST', '/v1/admin/users', {
      token,
      body: { name: 'Dana Admin', roles: ['admin'], businessLines: ['*'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const dana = created.body.user as { id: string };
    const issued = await api.call('POST', `/v1/admin/users/${dana.id}/tokens`, { token, body: {} });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);

    const disabled = await revoke(api, { token: issued.body.token as string }, BOOTSTRAP_ADMIN_ID, {
      disable: true,
    });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect((await me(api, token)).status).toBe(401);

    const line = await bootstrapAdmin(env, db, ignore);
    expect(line).toMatch(
      new RegExp(
        `^DUALKEY_BOOTSTRAP_ADMIN_TOKEN is not an admin token: its user usr_bootstrap_admin was disabled by Dana Admin \\(${dana.id}\\) at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; .*npm run cli -- admin recover`,
      ),
    );
    expect(line).not.toContain('\n');
    // Start-up again changes nothing: the token stays refused.
    expect((await me(api, token)).status).toBe(401);
  });

  it('says who took the admin role from it and when', async () => {
    const api = await isolatedApi();
    const db = api.services.database.db;
    await bootstrapAdmin(env, db, ignore);
    const erin = await api.user(['admin'], { name: 'Erin Admin' });
    const narrowed = await revoke(api, erin, BOOTSTRAP_ADMIN_ID, { roles: ['admin'] });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    expect(await bootstrapAdmin(env, db, ignore)).toMatch(
      new RegExp(
        `^DUALKEY_BOOTSTRAP_ADMIN_TOKEN is not an admin token: the admin role of its user usr_bootstrap_admin was removed by Erin Admin \\(${erin.id}\\) at \\d{4}-`,
      ),
    );
  });
});
