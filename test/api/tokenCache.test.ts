import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { ApiTokens, TOKEN_CACHE_MS } from '../../src/api/services/tokens.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { connectDatabase } from '../../src/db/client.js';
import { issueToken } from '../../src/db/users.js';
import type { ApiHarness } from '../support/api.js';
import { apiDepsFor, startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';

/*
 * API tokens are looked up once per few seconds per replica. What a replica changes itself takes effect
 * there at once; what another replica (or the database) changes, within TOKEN_CACHE_MS.
 */
let api: ApiHarness;
let counted: DatabaseHandle;
let lookups = 0;

beforeAll(async () => {
  api = await startApi({ withoutWorker: true });
  counted = connectDatabase(inject('databaseUrl'), 2, {
    onStatement: (text) => {
      if (/from "api_tokens"/.test(text)) lookups += 1;
    },
  });
});
afterAll(async () => {
  await counted?.close();
  await api?.stop();
});

describe('the token cache', () => {
  it('looks a token up once while its answer is fresh', async () => {
    const tokens = new ApiTokens(counted.db);
    const user = await api.user(['auditor']);
    lookups = 0;
    for (let i = 0; i < 5; i += 1) expect((await tokens.actorFor(user.token))?.id).toBe(user.id);
    expect(lookups).toBe(1);
    expect(await tokens.actorFor('dk_unknown')).toBeUndefined();
    expect(await tokens.actorFor('dk_unknown')).toBeUndefined();
    expect(lookups).toBe(3);
  });

  it('never answers for a token past its own expiry', async () => {
    const tokens = new ApiTokens(counted.db, 60_000);
    const user = await api.user(['auditor']);
    const expiresAt = new Date(Date.now() + 1_500);
    const { token } = await issueToken(api.services.database.db, user.id, { expiresAt });
    expect((await tokens.actorFor(token))?.id).toBe(user.id);
    await expect.poll(() => Date.now(), { timeout: 10_000 }).toBeGreaterThan(expiresAt.getTime());
    expect(await tokens.actorFor(token)).toBeUndefined();
  });

  it('a token revoked through another replica answers 401 there within the cache time', async () => {
    const other = createApp(apiDepsFor(api.services));
    const me = async (app: typeof other, token: string) =>
      (await app.request('/v1/me', { headers: { authorization: `Bearer ${token}` } })).status;
    const admin = await api.user(['admin']);
    const issued = await api.call('POST', `/v1/admin/users/${admin.id}/tokens`, {
      token: admin.token,
      body: {},
    });
    expect(issued.status).toBe(201);
    const token = issued.body.token as string;
    expect(await me(api.app, token)).toBe(200);
    expect(await me(other, token)).toBe(200);

    const revokedAt = Date.now();
    const revoked = await api.call('DELETE', `/v1/admin/tokens/${issued.body.tokenId as string}`, {
      token: admin.token,
    });
    expect(revoked.status).toBe(204);
    expectProblem(await api.call('GET', '/v1/me', { token }), 401, 'unauthenticated');
    await expect.poll(() => me(other, token), { timeout: TOKEN_CACHE_MS + 10_000, interval: 200 }).toBe(401);
    // The first refusal came no later than the cache time after the revocation (plus this machine's delay).
    expect(Date.now() - revokedAt).toBeLessThan(TOKEN_CACHE_MS + 10_000);
  });

  it('narrowed access takes effect at once on the replica that narrowed it', async () => {
    const admin = await api.user(['admin']);
    const target = await api.user(['agent', 'auditor']);
    const before = await api.call('GET', '/v1/me', { token: target.token });
    expect(before.body).toMatchObject({ roles: ['agent', 'auditor'] });
    const narrowed = await api.call('POST', `/v1/admin/users/${target.id}/revoke`, {
      token: admin.token,
      body: { roles: ['auditor'] },
    });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    expect((await api.call('GET', '/v1/me', { token: target.token })).body).toMatchObject({
      roles: ['agent'],
    });
    await api.call('POST', `/v1/admin/users/${target.id}/revoke`, {
      token: admin.token,
      body: { disable: true },
    });
    expectProblem(await api.call('GET', '/v1/me', { token: target.token }), 401, 'unauthenticated');
  });
});
