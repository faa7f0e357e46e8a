import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../src/db/schema/index.js';
import { hashToken } from '../../src/db/users.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

let api: ApiHarness;
let agent: User;

beforeAll(async () => {
  api = await startApi();
  agent = await api.user(['agent']);
});
afterAll(async () => api?.stop());

/** The cookies a response sets, by name: value and attributes as sent. */
function setCookies(headers: Headers): Map<string, { value: string; attributes: string[] }> {
  return new Map(
    headers.getSetCookie().map((line) => {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      return [pair.slice(0, at), { value: pair.slice(at + 1), attributes }];
    }),
  );
}

async function signIn(token = agent.token) {
  const started = await api.call('POST', '/v1/session', { token });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const cookies = setCookies(started.headers);
  const session = cookies.get('dualkey_session')?.value ?? '';
  const csrf = cookies.get('dualkey_csrf')?.value ?? '';
  return { started, cookies, session, csrf, cookie: `dualkey_session=${session}; dualkey_csrf=${csrf}` };
}

describe('a browser session', () => {
  it('POST /v1/session sets an HttpOnly session cookie and a readable CSRF cookie, both Secure and Strict', async () => {
    const { started, cookies, session, csrf } = await signIn();
    expect(started.body).toMatchObject({ user: { id: agent.id, roles: ['agent'] }, csrfToken: csrf });
    const expiresAt = Date.parse(started.body.expiresAt as string);
    expect(expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);

    const sessionAttributes = cookies.get('dualkey_session')?.attributes ?? [];
    expect(sessionAttributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']),
    );
    const csrfAttributes = cookies.get('dualkey_csrf')?.attributes ?? [];
    expect(csrfAttributes).toEqual(expect.arrayContaining(['Secure', 'SameSite=Strict', 'Path=/']));
    expect(csrfAttributes).not.toContain('HttpOnly');
    expect(session.length).toBeGreaterThan(40);

    // Only hashes are kept: the table holds neither the secret nor the CSRF token.
    const [row] = await api.services.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.secretHash, hashToken(session)));
    expect(row).toMatchObject({ userId: agent.id, csrfHash: hashToken(csrf) });
    expect(JSON.stringify(row)).not.toContain(session);
  });

  it('the cookie authenticates reads, and writes that carry the CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    const me = await api.call('GET', '/v1/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(agent.id);

    const created = await api.call('POST', '/v1/cases', {
      headers: { cookie, 'x-csrf-token': csrf },
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.createdBy).toBe(agent.id);
  });

  it.each([
    ['without the header', {}],
    ['with another value', { 'x-csrf-token': 'not-the-token' }],
  ])('a write authenticated by the cookie %s is refused with csrf_failed', async (_how, extra) => {
    const { cookie } = await signIn();
    const refused = await api.call('POST', '/v1/cases', {
      headers: { cookie, ...extra },
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expectProblem(refused, 403, 'csrf_failed');
    const signOut = await api.call('DELETE', '/v1/session', { headers: { cookie, ...extra } });
    expectProblem(signOut, 403, 'csrf_failed');
  });

  it('another session’s CSRF token does not do', async () => {
    const first = await signIn();
    const second = await signIn();
    const refused = await api.call('POST', '/v1/cases', {
      headers: { cookie: first.cookie, 'x-csrf-token': second.csrf },
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expectProblem(refused, 403, 'csrf_failed');
  });

  it('DELETE /v1/session ends it on the server and clears both cookies', async () => {
    const { cookie, csrf, session } = await signIn();
    const ended = await api.call('DELETE', '/v1/session', { headers: { cookie, 'x-csrf-token': csrf } });
    expect(ended.status).toBe(204);
    const cleared = setCookies(ended.headers);
    expect(cleared.get('dualkey_session')).toMatchObject({ value: '' });
    expect(cleared.get('dualkey_session')?.attributes).toContain('Max-Age=0');
    expect(cleared.get('dualkey_csrf')?.attributes).toContain('Max-Age=0');
    const rows = await api.services.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.secretHash, hashToken(session)));
    expect(rows).toEqual([]);
    // A copy of the cookie kept from before is worth nothing now.
    expectProblem(await api.call('GET', '/v1/me', { headers: { cookie } }), 401, 'unauthenticated');
  });

  it('an expired session answers 401', async () => {
    const { cookie, session } = await signIn();
    await api.services.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(sessions.secretHash, hashToken(session)));
    expectProblem(await api.call('GET', '/v1/me', { headers: { cookie } }), 401, 'unauthenticated');
  });

  it('the session lasts SESSION_TTL from sign-in', async () => {
    const { settings } = api.deps;
    const ttl = settings.sessionTtlMs;
    settings.sessionTtlMs = 1_500;
    const started = await signIn().finally(() => {
      settings.sessionTtlMs = ttl;
    });
    const deadline = Date.parse(started.started.body.expiresAt as string);
    expect(deadline - Date.now()).toBeLessThanOrEqual(1_500);
    expect((await api.call('GET', '/v1/me', { headers: { cookie: started.cookie } })).status).toBe(200);
    const after = await eventually(
      () => api.call('GET', '/v1/me', { headers: { cookie: started.cookie } }),
      (answer) => answer.status !== 200,
      { what: 'the session to expire' },
    );
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expectProblem(after, 401, 'unauthenticated');
  });

  it('disabling the user ends their sessions, and narrowing their roles applies to them at once', async () => {
    const admin = await api.user(['admin']);
    const person = await api.user(['agent', 'auditor']);
    const { cookie } = await signIn(person.token);
    const narrowed = await api.call('POST', `/v1/admin/users/${person.id}/revoke`, {
      token: admin.token,
      body: { roles: ['agent'] },
    });
    expect(narrowed.status).toBe(200);
    expect((await api.call('GET', '/v1/me', { headers: { cookie } })).body.roles).toEqual(['auditor']);
    await api.call('POST', `/v1/admin/users/${person.id}/revoke`, {
      token: admin.token,
      body: { disable: true },
    });
    expectProblem(await api.call('GET', '/v1/me', { headers: { cookie } }), 401, 'unauthenticated');
    const rows = await api.services.database.db.select().from(sessions).where(eq(sessions.userId, person.id));
    expect(rows).toEqual([]);
  });

  it('bearer tokens keep working alone, need no CSRF token, and win over a cookie', async () => {
    const other = await api.user(['checker']);
    const { cookie } = await signIn();
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expect(created.status).toBe(201);
    const both = await api.call('GET', '/v1/me', { token: other.token, headers: { cookie } });
    expect(both.body.id).toBe(other.id);
  });

  it('a session is started only with a bearer token', async () => {
    const { cookie, csrf } = await signIn();
    const refused = await api.call('POST', '/v1/session', { headers: { cookie, 'x-csrf-token': csrf } });
    expectProblem(refused, 401, 'unauthenticated');
    expectProblem(await api.call('POST', '/v1/session', {}), 401, 'unauthenticated');
    expectProblem(
      await api.call('POST', '/v1/session', { token: 'dk_not_a_real_token' }),
      401,
      'unauthenticated',
    );
  });

  it('the live event stream takes the cookie', async () => {
    const { cookie } = await signIn();
    const response = await api.app.request('/v1/events?lifetime=1', {
      headers: { cookie, accept: 'text/event-stream' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('event: ready');
  });
});
