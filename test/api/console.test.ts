import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

/*
 * What the console needs from the API beyond the baseline contract: the case timeline, the live event
 * stream, the demo-user list, and the console itself served at /console.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;

let api: ApiHarness;
let agent: User;
let auditor: User;
let p2pAgent: User;

beforeAll(async () => {
  api = await startApi({
    settings: { demoUsers: [{ userId: 'u1', name: 'Demo', roles: ['agent'], token: 't' }] },
  });
  agent = await api.user(['agent']);
  auditor = await api.user(['auditor']);
  p2pAgent = await api.user(['agent'], { businessLines: ['p2p'] });
});
afterAll(async () => api?.stop());

async function openComplaint(user: User): Promise<string> {
  const created = await api.call('POST', '/v1/cases', {
    token: user.token,
    body: caseInput(newAccountId(), { type: 'complaint' }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

interface Timeline {
  items: { seq: number; actor: string; action: string; outcome: string }[];
  chain: { verified: boolean } | null;
}

interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events in the background into `seen`, until the stream ends or `close` is called. */
function follow(response: Response): { seen: StreamEvent[]; ended: Promise<void>; close(): Promise<void> } {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: StreamEvent[] = [];
  const ended = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: '', done: true }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) seen.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  })();
  return { seen, ended, close: () => reader.cancel() };
}

describe('GET /v1/cases/{caseId}/events, the case timeline', () => {
  it('shows a reader the accepted actions, and an auditor the denied attempts and the chain verdict', async () => {
    const caseId = await openComplaint(agent);
    expect((await api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token })).status).toBe(200);
    const other = await api.user(['agent']);
    const refused = await api.call('POST', `/v1/cases/${caseId}/release`, { token: other.token });
    expect(refused.status).toBeGreaterThanOrEqual(400);

    // The workflow records accepted actions a moment after it answers.
    const forReader = await eventually(
      () => api.call('GET', `/v1/cases/${caseId}/events`, { token: agent.token }),
      (answer) => (answer.body as unknown as Timeline).items.some((i) => i.action === 'case.claimed'),
      { what: 'the claim on the timeline' },
    );
    expect(forReader.status).toBe(200);
    const readerView = forReader.body as unknown as Timeline;
    expect(readerView.chain).toBeNull();
    expect(readerView.items.map((i) => i.outcome)).not.toContain('denied');
    expect(readerView.items.map((i) => i.action)).toEqual(['case.opened', 'case.claimed']);

    const forAuditor = await api.call('GET', `/v1/cases/${caseId}/events`, { token: auditor.token });
    const auditorView = forAuditor.body as unknown as Timeline;
    expect(auditorView.chain).toEqual({ verified: true, problem: null });
    expect(auditorView.items.filter((i) => i.outcome === 'denied')).toEqual([
      expect.objectContaining({ actor: other.id }),
    ]);
    expect(auditorView.items.length).toBe(readerView.items.length + 1);
  });

  it('refuses a reader outside the case’s business line', async () => {
    const caseId = await openComplaint(agent);
    const answer = await api.call('GET', `/v1/cases/${caseId}/events`, { token: p2pAgent.token });
    expectProblem(answer, 403, 'out_of_scope');
  });

  it('answers 404 for an unknown case', async () => {
    const answer = await api.call('GET', '/v1/cases/CMP-20990101-NOPE22/events', { token: agent.token });
    expectProblem(answer, 404, 'not_found');
  });
});

describe('GET /v1/events, the live stream', () => {
  it('tells a subscriber about a case in their business lines as it changes, with ids only', async () => {
    const response = await api.app.request('/v1/events?lifetime=60', {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = follow(response);
    await vi.waitFor(() => expect(stream.seen[0]?.event).toBe('ready'));
    const caseId = await openComplaint(agent);
    await vi.waitFor(() =>
      expect(stream.seen.filter((e) => e.data.caseId === caseId)[0]?.data).toEqual({
        type: 'case',
        caseId,
        revision: expect.any(Number) as unknown,
        status: 'open',
      }),
    );
    await stream.close();
  });

  it('says nothing about cases outside the subscriber’s business lines, and ends after its lifetime', async () => {
    const response = await api.app.request('/v1/events?lifetime=2', {
      headers: { authorization: `Bearer ${p2pAgent.token}` },
    });
    const stream = follow(response);
    await vi.waitFor(() => expect(stream.seen[0]?.event).toBe('ready'));
    const spotCase = await openComplaint(agent);
    await stream.ended;
    expect(stream.seen.filter((e) => e.data.caseId === spotCase)).toEqual([]);
  });

  it('needs a token', async () => {
    const response = await api.app.request('/v1/events');
    expect(response.status).toBe(401);
  });
});

describe('GET /v1/policy/lift-terms', () => {
  it('says how long a lift is watched and what cooling-off follows, under the running policy', async () => {
    const answer = await api.call('GET', '/v1/policy/lift-terms', { token: agent.token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      monitoringWindowMs: api.deps.policy.monitoring.window,
      withdrawalLockMs: api.deps.policy.coolingOff.withdrawalLock,
      approvalExpiryMs: api.deps.policy.approval.expiry,
    });
  });
});

describe('the console and its sign-in helpers', () => {
  it('GET /demo-users lists the demo users the server seeded, without a token', async () => {
    const answer = await api.call('GET', '/demo-users');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [{ userId: 'u1', name: 'Demo', roles: ['agent'], token: 't' }] });
  });

  it('GET / sends browsers to the console', async () => {
    const response = await api.app.request('/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/console');
  });

  it('serves the console at /console and its client routes, and its assets with a long cache', async () => {
    for (const path of ['/console', '/console/queue', '/console/cases/UNF-20261124-K7M2QX']) {
      const response = await api.app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await response.text();
      expect(html).toContain('<div id="root">');
      const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const asset = await api.app.request(script!);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      // The test runner built it with NODE_ENV=test; it must still be React's production build.
      expect(await asset.text()).not.toContain('React DevTools');
    }
    expect((await api.app.request('/console/assets/missing.js')).status).toBe(404);
    const escape = await api.app.request('/console/assets/..%2F..%2F..%2Fpackage.json');
    expect(await escape.text()).not.toContain('"dependencies"');
  });
});
