import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAccountControls } from '../../src/db/accountControls/postgres.js';
import { notificationsForCase } from '../../src/db/outbox.js';
import { resolveNotificationRouting } from '../../src/domain/schemas/notifications.js';
import { createChannels, withCatchAll } from '../../src/notify/channels.js';
import { freePort } from '../../src/runtime/ports.js';
import { startDispatcher } from '../../src/worker/dispatcher.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { startMailServer, startWebhookReceiver } from '../support/channels.js';
import { expectProblem } from '../support/openapi.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OWNER = 'owner@customers.example';
const WEBHOOK_TRIES = 5;

let api: ApiHarness;
let mail: Awaited<ReturnType<typeof startMailServer>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let dispatchers: { stop(): Promise<void> }[] = [];
let http: ReturnType<typeof serve>;
let baseUrl: string;
let agent: Awaited<ReturnType<ApiHarness['user']>>;

beforeAll(async () => {
  mail = await startMailServer();
  receiver = await startWebhookReceiver(SECRET);
  const settings = {
    NOTIFY_SMTP_URL: mail.url,
    NOTIFY_EMAIL_FROM: 'dualkey <risk-ops@dualkey.example>',
    NOTIFY_WEBHOOK_URL: receiver.url,
    NOTIFY_WEBHOOK_SECRET: [SECRET],
  };
  const parsed = resolveNotificationRouting({});
  if (!parsed.success) throw new Error(parsed.error.message);
  const routing = withCatchAll(parsed.data, settings);
  api = await startApi({ notifications: { routing, email: true } });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const channels = createChannels({
    settings,
    routing,
    db: api.services.database.db,
    contacts: new PostgresAccountControls(api.services.database.db, OWNER),
    publicUrl: baseUrl,
    log: pino({ level: 'silent' }),
  });
  // Files running beside this one queue log deliveries in the same database; they are theirs to send.
  // Mail rides out a 20 s SMTP outage; a webhook gives up after five tries, soon enough for a test to see.
  dispatchers = [
    startDispatcher({
      db: api.services.database.db,
      notifier: channels.notifier,
      log: pino({ level: 'silent' }),
      intervalMs: 100,
      maxAttempts: 20,
      channels: ['email'],
    }),
    startDispatcher({
      db: api.services.database.db,
      notifier: channels.notifier,
      log: pino({ level: 'silent' }),
      intervalMs: 100,
      maxAttempts: WEBHOOK_TRIES,
      channels: ['webhook'],
    }),
  ];
  http = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port });
  agent = await api.user(['agent']);
}, 120_000);

afterAll(async () => {
  await Promise.all(dispatchers.map((d) => d.stop()));
  http?.close();
  await api?.stop();
  await mail?.stop();
  await receiver?.stop();
});

async function claimedCase(): Promise<string> {
  const created = await api.call('POST', '/v1/cases', {
    token: agent.token,
    body: caseInput(newAccountId(), { type: 'complaint' }),
  });
  expect(created.status).toBe(201);
  const caseId = created.body.id as string;
  expect((await api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token })).status).toBe(200);
  return caseId;
}

const mailsFor = (caseId: string) =>
  mail.mails.filter((m) => m.text.includes(caseId) || m.subject.includes(caseId));

describe('notifications over a real SMTP server and a real webhook receiver', () => {
  it('an escalation mails its department, and the reminder goes out at half time', async () => {
    const caseId = await claimedCase();
    const escalated = await api.call('POST', `/v1/cases/${caseId}/escalations`, {
      token: agent.token,
      body: { department: 'technical', question: 'Was the login from a known device?', slaMinutes: 0.1 },
    });
    expect(escalated.status).toBe(201);
    const mails = await eventually(
      () => Promise.resolve(mailsFor(caseId)),
      (found) => found.some((m) => m.kind === 'escalation.reminder'),
      { what: 'the opening and the reminder mailed', timeoutMs: 60_000 },
    );
    const opened = mails.find((m) => m.kind === 'escalation.opened');
    expect(opened?.to).toEqual(['technical@dualkey.example']);
    expect(opened?.subject).toContain(caseId);
    expect(opened?.subject).not.toContain('known device');
    expect(opened?.text).toContain('Was the login from a known device?');
    expect(mails.find((m) => m.kind === 'escalation.reminder')?.to).toEqual(['technical@dualkey.example']);
    const events = receiver.events.filter((e) => e.data.caseId === caseId);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['escalation.opened', 'escalation.reminder']),
    );
    expect(receiver.rejected).toBe(0);
  });

  it('the account owner answers through the link in the mail, once; the case is back in review with the answer audited', async () => {
    const caseId = await claimedCase();
    const question = 'Please tell us which device you used on Tuesday.';
    expect(
      (
        await api.call('POST', `/v1/cases/${caseId}/info-requests`, {
          token: agent.token,
          body: { question },
        })
      ).status,
    ).toBe(200);
    const [asked] = await eventually(
      () =>
        Promise.resolve(mail.mails.filter((m) => m.kind === 'info.requested' && m.text.includes(question))),
      (found) => found.length > 0,
      { what: 'the question mailed to the owner' },
    );
    expect(asked?.to).toEqual([OWNER]);
    expect(asked?.subject).not.toContain('Tuesday');
    const link = /https?:\/\/\S+\/respond\/[A-Za-z0-9_-]+/.exec(asked?.text ?? '')?.[0];
    expect(link?.startsWith(`${baseUrl}/respond/`)).toBe(true);
    expect(asked?.html).toContain(`href="${link}"`);

    const page = await fetch(link ?? '', { redirect: 'follow' });
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    const html = await page.text();
    expect(html).toContain(question);
    expect(html).not.toContain(caseId);
    const action = /<form method="post"/.test(html) ? (link ?? '') : '';

    const sent = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ answer: 'My phone, an iPhone 15.' }).toString(),
    });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('We have your answer');

    const read = await api.call('GET', `/v1/cases/${caseId}`, { token: agent.token });
    expect(read.body.status).toBe('in_review');
    expect((read.body.infoRequests as Record<string, unknown>[])[0]).toMatchObject({
      status: 'answered',
      answer: 'My phone, an iPhone 15.',
      answeredBy: 'account_owner',
      answeredVia: 'respond_link',
    });
    const auditor = await api.user(['auditor']);
    const audit = await eventually(
      () => api.call('GET', `/v1/cases/${caseId}/audit`, { token: auditor.token }),
      (a) => (a.body.items as { action: string }[]).some((i) => i.action === 'info.answered'),
      { what: 'the answer on the audit chain' },
    );
    expect(audit.body.verified).toBe(true);
    expect(
      (audit.body.items as Record<string, unknown>[]).find((i) => i.action === 'info.answered'),
    ).toMatchObject({
      actor: 'account_owner',
      outcome: 'accepted',
      details: { infoRequestId: 'info-1', answeredBy: 'account_owner', via: 'respond_link' },
    });

    const again = await fetch(link ?? '');
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('Already answered');
    const resent = await fetch(link ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'answer=again',
    });
    expect(resent.status).toBe(410);
    const unknown = await fetch(`${baseUrl}/respond/not-a-real-token`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a receiver that fails three times then succeeds gets the event exactly once, under one webhook-id', async () => {
    const caseId = await claimedCase();
    receiver.failFirst(3, (e) => e.data.caseId === caseId);
    await api.call('POST', `/v1/cases/${caseId}/escalations`, {
      token: agent.token,
      body: { department: 'security', question: 'Known IP?', slaMinutes: 600 },
    });
    const delivered = await eventually(
      () =>
        Promise.resolve(
          receiver.events.filter((e) => e.data.caseId === caseId && e.type === 'escalation.opened'),
        ),
      (found) => found.length > 0,
      { what: 'the event delivered after three failures', timeoutMs: 60_000 },
    );
    expect(delivered).toHaveLength(1);
    const id = delivered[0]?.id ?? '';
    expect(receiver.attempts.filter((a) => a === id)).toHaveLength(4);
    expect(receiver.repeats).toBe(0);
    const rows = await notificationsForCase(api.services.database.db, caseId);
    expect(rows.find((r) => r.channel === 'webhook' && r.kind === 'escalation.opened')).toMatchObject({
      status: 'delivered',
      attempts: 4,
    });
  });

  it('SMTP down for 20 s loses nothing: every mail arrives once when it is back', async () => {
    await mail.down();
    const downAt = Date.now();
    const caseIds = [await claimedCase(), await claimedCase(), await claimedCase()];
    for (const caseId of caseIds) {
      await api.call('POST', `/v1/cases/${caseId}/escalations`, {
        token: agent.token,
        body: { department: 'payments', question: 'Any chargeback?', slaMinutes: 600 },
      });
    }
    const emailRows = async () =>
      (await Promise.all(caseIds.map((id) => notificationsForCase(api.services.database.db, id))))
        .flat()
        .filter((r) => r.channel === 'email');
    await eventually(emailRows, (rows) => rows.length === 3 && rows.every((r) => r.lastError !== null), {
      what: 'every mail failing while SMTP is down',
    });
    // The outage lasts 20 s whatever the retries do meanwhile.
    await eventually(
      () => Promise.resolve(Date.now() - downAt),
      (ms) => ms >= 20_000,
      { what: '20 s of outage', timeoutMs: 30_000 },
    );
    await mail.up();
    const rows = await eventually(emailRows, (all) => all.every((r) => r.status === 'delivered'), {
      what: 'every mail delivered after the outage',
      timeoutMs: 90_000,
    });
    for (const caseId of caseIds) {
      expect(
        mail.mails.filter((m) => m.kind === 'escalation.opened' && m.subject.includes(caseId)),
      ).toHaveLength(1);
    }
    expect(rows.every((r) => r.attempts > 1)).toBe(true);
  }, 180_000);
});

type Delivery = {
  id: number;
  webhookId: string;
  kind: string;
  caseId: string | null;
  channel: string;
  state: string;
  attempts: number;
  lastError: string | null;
};

describe('delivery is visible: the timeline, the admin outbox and its retry', () => {
  const listFor = async (token: string, query: string) => {
    const answer = await api.call('GET', `/v1/admin/notifications?${query}`, { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { items: Delivery[]; nextCursor: string | null };
  };

  it('a webhook that keeps failing shows failing, then given up after its tries; a retry delivers it once under the same webhook-id', async () => {
    const admin = await api.user(['admin']);
    const auditor = await api.user(['auditor']);
    const caseId = await claimedCase();
    receiver.failFirst(1_000, (e) => e.data.caseId === caseId);
    await api.call('POST', `/v1/cases/${caseId}/escalations`, {
      token: agent.token,
      body: { department: 'security', question: 'Known IP?', slaMinutes: 600 },
    });
    const isHook = (d: Delivery) => d.channel === 'webhook' && d.kind === 'escalation.opened';

    const failing = await eventually(
      () => listFor(admin.token, `state=failing&caseId=${caseId}`),
      (page) => page.items.some(isHook),
      { what: 'the webhook listed as failing' },
    );
    expect(failing.items.find(isHook)?.lastError).toContain('503');
    const timeline = await eventually(
      () => api.call('GET', `/v1/cases/${caseId}/events`, { token: agent.token }),
      (t) => (t.body.deliveries as Delivery[]).some((d) => d.channel === 'email' && d.state === 'delivered'),
      { what: 'the department’s mail delivered on the timeline' },
    );
    expect((timeline.body.deliveries as Delivery[]).find(isHook)).toMatchObject({ caseId });
    expect((timeline.body.items as unknown[]).length).toBeGreaterThan(0);

    const givenUp = await eventually(
      () => listFor(admin.token, `state=given_up&caseId=${caseId}`),
      (page) => page.items.some(isHook),
      { what: `the webhook given up after ${WEBHOOK_TRIES} tries`, timeoutMs: 90_000 },
    );
    const hook = givenUp.items.find(isHook);
    expect(hook).toMatchObject({ state: 'given_up', attempts: WEBHOOK_TRIES });
    expect(receiver.attempts.filter((a) => a === hook?.webhookId)).toHaveLength(WEBHOOK_TRIES);
    const onTimeline = await api.call('GET', `/v1/cases/${caseId}/events`, { token: agent.token });
    expect((onTimeline.body.deliveries as Delivery[]).find(isHook)).toMatchObject({
      state: 'given_up',
      attempts: WEBHOOK_TRIES,
    });

    expectProblem(
      await api.call('POST', `/v1/admin/notifications/${hook?.id}/retry`, { token: agent.token }),
      403,
      'forbidden',
    );
    receiver.failFirst(0, () => false);
    const retried = await api.call('POST', `/v1/admin/notifications/${hook?.id}/retry`, {
      token: admin.token,
      body: { comment: 'The receiver is fixed.' },
    });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({
      id: hook?.id,
      webhookId: hook?.webhookId,
      state: 'queued',
      attempts: 0,
      lastError: null,
    });
    const delivered = await eventually(
      () => Promise.resolve(receiver.events.filter((e) => e.id === hook?.webhookId)),
      (found) => found.length > 0,
      { what: 'the retried webhook delivered' },
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ type: 'escalation.opened', data: { caseId } });
    expect(receiver.repeats).toBe(0);
    const settled = await eventually(
      () => listFor(admin.token, `state=delivered&caseId=${caseId}`),
      (page) => page.items.some(isHook),
      { what: 'the retried webhook listed as delivered' },
    );
    expect(settled.items.find(isHook)).toMatchObject({ id: hook?.id, attempts: 1, lastError: null });

    expectProblem(
      await api.call('POST', `/v1/admin/notifications/${hook?.id}/retry`, { token: admin.token }),
      409,
      'already_delivered',
    );
    expectProblem(
      await api.call('POST', `/v1/admin/notifications/${Number.MAX_SAFE_INTEGER}/retry`, {
        token: admin.token,
      }),
      404,
      'not_found',
    );

    const audit = await api.call('GET', `/v1/cases/${caseId}/audit`, { token: auditor.token });
    expect(audit.body.verified).toBe(true);
    expect(
      (audit.body.items as Record<string, unknown>[]).find((i) => i.action === 'notification.retried'),
    ).toMatchObject({
      actor: admin.id,
      outcome: 'accepted',
      details: {
        notificationId: hook?.id,
        webhookId: hook?.webhookId,
        was: 'given_up',
        attempts: WEBHOOK_TRIES,
        comment: 'The receiver is fixed.',
      },
    });
  }, 180_000);

  it('lists a case’s deliveries page by page, newest first, and refuses a cursor it did not give out', async () => {
    const admin = await api.user(['admin']);
    const caseId = await claimedCase();
    await api.call('POST', `/v1/cases/${caseId}/escalations`, {
      token: agent.token,
      body: { department: 'payments', question: 'Any chargeback?', slaMinutes: 600 },
    });
    const all = await eventually(
      () => listFor(admin.token, `caseId=${caseId}&limit=200`),
      (page) => page.items.length >= 2,
      { what: 'the escalation’s mail and webhook queued' },
    );
    const ids = all.items.map((d) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Delivery[]; nextCursor: string | null } = await listFor(
        admin.token,
        `caseId=${caseId}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(1);
      paged.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(ids);
    expectProblem(
      await api.call('GET', '/v1/admin/notifications?cursor=bm90LW1pbmU', { token: admin.token }),
      400,
      'validation_failed',
    );
    expectProblem(
      await api.call('GET', '/v1/admin/notifications?state=lost', { token: admin.token }),
      400,
      'validation_failed',
    );
  });
});
