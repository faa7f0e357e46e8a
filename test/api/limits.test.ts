import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePath } from '../../src/api/routes/docs.js';
import { issueToken } from '../../src/db/users.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import type { OpenApiDocument } from '../support/openapi.js';
import { documentedRoutes, expectProblem, fillPath, routeKey } from '../support/openapi.js';
import { caseInput, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

// Nothing here needs a case workflow to run: every request stops at the edge or reads the database.
let api: ApiHarness;
let agent: User;
beforeAll(async () => {
  api = await startApi({ withoutWorker: true });
  agent = await api.user(['agent']);
});
afterAll(async () => api?.stop());

describe('rate and size limits', () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await startApi({
      withoutWorker: true,
      settings: { rateLimitPerMinute: 5, bodyLimitBytes: 1024 },
    });
  });
  afterAll(async () => limited?.stop());

  it('the sixth call in a burst is refused with 429 rate_limited and a Retry-After', async () => {
    const user = await limited.user(['agent']);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await limited.call('GET', '/v1/me', { token: user.token })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const sixth = await limited.call('GET', '/v1/me', { token: user.token });
    expectProblem(sixth, 429, 'rate_limited');
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('the rate limit is per user: another user is still served', async () => {
    const first = await limited.user(['agent']);
    const second = await limited.user(['agent']);
    for (let i = 0; i < 6; i++) await limited.call('GET', '/v1/me', { token: first.token });
    expectProblem(await limited.call('GET', '/v1/me', { token: first.token }), 429, 'rate_limited');
    const other = await limited.call('GET', '/v1/me', { token: second.token });
    expect(other.status).toBe(200);
    expect(other.body.id).toBe(second.id);
  });

  it('a body over the limit is refused with 413 payload_too_large', async () => {
    const user = await limited.user(['agent']);
    const tooBig = await limited.call('POST', '/v1/cases', {
      token: user.token,
      body: caseInput(newAccountId(), { type: 'complaint', description: 'x'.repeat(2_000) }),
    });
    expectProblem(tooBig, 413, 'payload_too_large');

    const fits = await limited.call('POST', '/v1/cases', {
      token: user.token,
      body: { ...caseInput(newAccountId(), { type: 'complaint' }), colour: 'x'.repeat(500) },
    });
    expectProblem(fits, 400, 'validation_failed');
  });
});

describe('malformed requests', () => {
  it('a body that is not JSON is refused with 415 unsupported_media_type', async () => {
    const form = await api.call('POST', '/v1/cases', {
      token: agent.token,
      rawBody: 'type=complaint&accountId=a1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 415, 'unsupported_media_type');
    const untyped = await api.call('POST', '/v1/cases', { token: agent.token, rawBody: '{}' });
    expectProblem(untyped, 415, 'unsupported_media_type');
  });

  it('a valid case sent with no Content-Type and no Content-Length is refused, and opens nothing', async () => {
    const accountId = newAccountId();
    const response = await api.app.request('/v1/cases', {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}` },
      body: JSON.stringify(caseInput(accountId, { type: 'complaint' })),
    });
    expect(response.status).toBe(415);
    const listed = await api.call('GET', `/v1/cases?accountId=${accountId}`, { token: agent.token });
    expect(listed.body.items).toEqual([]);
  });

  it('an empty text/plain body is refused with 415, not a 500', async () => {
    const empty = await api.call('POST', '/v1/cases', {
      token: agent.token,
      rawBody: '',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(empty, 415, 'unsupported_media_type');
  });

  it('a zero-length JSON body is no body: optional bodies are omitted, required ones are missing fields', async () => {
    const admin = await api.user(['admin']);
    const target = await api.user(['auditor']);
    const issued = await api.call('POST', `/v1/admin/users/${target.id}/tokens`, {
      token: admin.token,
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(issued.status).toBe(201);
    expect(issued.body.expiresAt).toBeNull();
    const open = await api.call('POST', '/v1/cases', {
      token: agent.token,
      rawBody: '',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expectProblem(open, 400, 'validation_failed');
    expect((open.body.errors as { path: string }[]).map((e) => e.path)).toContain('accountId');
  });

  it('broken JSON is refused with 400 malformed_json', async () => {
    const broken = await api.call('POST', '/v1/cases', {
      token: agent.token,
      rawBody: '{"type": "complaint", ',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(broken, 400, 'malformed_json');
  });

  it('a body that breaks its schema is refused with 400 validation_failed naming each field', async () => {
    const { subject: _subject, ...withoutSubject } = caseInput(newAccountId(), { type: 'complaint' });
    const answer = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: { ...withoutSubject, accountId: 'not an id!', channel: 'pigeon' },
    });
    expectProblem(answer, 400, 'validation_failed');
    const paths = (answer.body.errors as { path: string; message: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['accountId', 'channel', 'subject']);
  });

  it('an unknown field is refused with 400 and reported at the field itself', async () => {
    const answer = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: { ...caseInput(newAccountId(), { type: 'complaint' }), priority: 'urgent' },
    });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([{ path: 'priority', message: 'unknown field' }]);
  });

  it('a bad query or path parameter is refused with 400 validation_failed', async () => {
    const limit = await api.call('GET', '/v1/cases?limit=500', { token: agent.token });
    expectProblem(limit, 400, 'validation_failed');
    expect((limit.body.errors as { path: string }[]).map((e) => e.path)).toEqual(['limit']);
    const cursor = await api.call('GET', '/v1/cases?cursor=not-a-cursor', { token: agent.token });
    expectProblem(cursor, 400, 'validation_failed');
    const param = await api.call('GET', '/v1/cases/..%2Fetc', { token: agent.token });
    expectProblem(param, 400, 'validation_failed');
  });

  it('an unknown route is a 404 problem', async () => {
    expectProblem(await api.call('GET', '/nothing-here'), 404, 'not_found');
    expectProblem(await api.call('GET', '/v1/nothing-here', { token: agent.token }), 404, 'not_found');
    expectProblem(await api.call('GET', '/v1/cases/CMP-1/nothing', { token: agent.token }), 404, 'not_found');
  });

  it('an unknown case is a 404 problem', async () => {
    const missing = await api.call('GET', '/v1/cases/CMP-20990101-NOPE22', { token: agent.token });
    expectProblem(missing, 404, 'not_found');
  });

  it('a known path with the wrong method is a 405 problem with an Allow header', async () => {
    const answer = await api.call('DELETE', '/v1/cases', { token: agent.token });
    expectProblem(answer, 405, 'method_not_allowed');
    expect(
      answer.headers
        .get('allow')
        ?.split(',')
        .map((m) => m.trim())
        .sort(),
    ).toEqual(['GET', 'POST']);
    const onCase = await api.call('PUT', '/v1/cases/CMP-1/claim', { token: agent.token });
    expectProblem(onCase, 405, 'method_not_allowed');
    expect(onCase.headers.get('allow')).toBe('POST');
  });

  it('a malformed Idempotency-Key is refused with 400', async () => {
    const answer = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
      headers: { 'idempotency-key': 'has spaces and ünïcode' },
    });
    expectProblem(answer, 400, 'validation_failed');
  });
});

describe('authentication', () => {
  it('a request without a token, or with a garbage one, is 401 unauthenticated', async () => {
    for (const authorization of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'Bearer dk_not_a_real_token',
      `Bearer ${agent.token}x`,
      `Token ${agent.token}`,
    ]) {
      const answer = await api.call('GET', '/v1/me', {
        headers: authorization === undefined ? {} : { authorization },
      });
      expectProblem(answer, 401, 'unauthenticated');
    }
  });

  it('the token is checked before the body: no token and a broken body is still 401', async () => {
    const answer = await api.call('POST', '/v1/cases', {
      rawBody: '{',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(answer, 401, 'unauthenticated');
  });

  it('a revoked token answers 401 at once', async () => {
    const admin = await api.user(['admin']);
    const created = await api.call('POST', '/v1/admin/users', {
      token: admin.token,
      body: { name: 'Dana', roles: ['agent'], businessLines: ['spot'], departments: [] },
    });
    expect(created.status).toBe(201);
    const { token, tokenId, user } = created.body as { token: string; tokenId: string; user: { id: string } };
    const before = await api.call('GET', '/v1/me', { token });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ id: user.id, roles: ['agent'], businessLines: ['spot'] });

    const revoked = await api.call('DELETE', `/v1/admin/tokens/${tokenId}`, { token: admin.token });
    expect(revoked.status).toBe(204);
    expectProblem(await api.call('GET', '/v1/me', { token }), 401, 'unauthenticated');
  });

  it('an expired token answers 401, and one expiring later still works', async () => {
    const user = await api.user(['auditor']);
    const expired = await issueToken(api.services.database.db, user.id, {
      expiresAt: new Date(Date.now() - 1000),
    });
    expectProblem(await api.call('GET', '/v1/me', { token: expired.token }), 401, 'unauthenticated');
    const later = await issueToken(api.services.database.db, user.id, {
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const answer = await api.call('GET', '/v1/me', { token: later.token });
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe(user.id);
  });
});

describe('operations endpoints', () => {
  it('GET /healthz answers 200 without a token', async () => {
    const answer = await api.call('GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 503 naming the missing workers when no worker polls the task queue', async () => {
    const answer = await api.call('GET', '/readyz');
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({
      status: 'unavailable',
      checks: { postgres: 'ok', temporal: 'ok', workers: 'none' },
    });
  });

  it('GET /metrics counts requests by route pattern', async () => {
    await api.call('GET', '/v1/me', { token: agent.token });
    await api.call('GET', '/v1/cases/CMP-20990101-NOPE22', { token: agent.token });
    const answer = await api.call('GET', '/metrics');
    expect(answer.status).toBe(200);
    const text = answer.body.text as string;
    expect(text).toMatch(/^dualkey_http_requests_total\{[^}]*route="\/v1\/me"[^}]*status="200"[^}]*\} \d+/m);
    // The pattern, not the case id, so the label set stays bounded.
    expect(text).toMatch(/dualkey_http_requests_total\{[^}]*route="\/v1\/cases\/:caseId"[^}]*status="404"/);
    expect(text).not.toContain('CMP-20990101-NOPE22');
  });

  it('GET /openapi.json is OpenAPI 3.1 and names every route of the app', async () => {
    const answer = await api.call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    const doc = answer.body as unknown as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    const served = new Set(
      api.app.routes
        // `/` only redirects a browser, and `/docs/…` are the reference's own files: neither is API.
        .filter(
          (r) =>
            r.method !== 'ALL' && !r.path.includes('*') && r.path !== '/' && !r.path.startsWith('/docs/'),
        )
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    expect(served.size).toBeGreaterThanOrEqual(28);
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !served.has(route))).toEqual([]);
  });

  it('GET /openapi.json validates against the OpenAPI 3.1 schema', async () => {
    const answer = await api.call('GET', '/openapi.json');
    const result = await new Validator().validate(answer.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('every request body example passes the request’s own validation', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body as unknown as OpenApiDocument;
    const everyone = await api.user(['agent', 'checker', 'senior', 'compliance', 'admin', 'risk_engine']);
    const ids: Record<string, string> = {
      caseId: 'UNF-20261124-K7M2QX',
      proposalId: 'prop-1',
      escalationId: 'esc-1',
      accountId: newAccountId(),
      // Someone else, so the revoke example (which may disable its user) leaves the caller signed in.
      userId: (await api.user(['checker'])).id,
      grantId: 'grt_unknown',
      // A delivery that does not exist: the retry example must still pass the edge, then meet a 404.
      id: '999999999',
      campaignId: 'CAM-20261207-K7M2QX',
    };
    let checked = 0;
    for (const route of documentedRoutes(doc)) {
      const examples = (route.body?.examples ?? []) as unknown[];
      for (const example of examples) {
        const answer = await api.call(route.method, fillPath(route.path, ids), {
          token: everyone.token,
          body: example,
        });
        // Past the edge, an example may still meet a case that does not exist: that is not its fault.
        expect({ route: routeKey(route), example, detail: answer.body.detail }).not.toMatchObject({
          detail: expect.stringMatching(/does not match its schema|not valid JSON/) as unknown,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('GET / sends a browser to the reference', async () => {
    const response = await api.app.request('/', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(homePath);
    expect((await api.app.request(homePath)).status).toBe(200);
  });

  it('GET /docs serves the interactive reference as HTML', async () => {
    const response = await api.app.request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('swagger-ui');
    const script = await api.app.request('/docs/init.js');
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("url: '/openapi.json'");
  });
});
