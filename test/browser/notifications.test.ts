import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAccountControls } from '../../src/db/accountControls/postgres.js';
import { resolveNotificationRouting } from '../../src/domain/schemas/notifications.js';
import { createChannels, withCatchAll } from '../../src/notify/channels.js';
import { startDispatcher } from '../../src/worker/dispatcher.js';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { expectAccessible, startConsoleStack } from '../support/browser.js';
import { startMailServer, startWebhookReceiver } from '../support/channels.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

/*
 * The people outside dualkey in a real chromium: the account owner's answer page, and the admin's Outbox,
 * over a real SMTP server and a real webhook receiver that verifies every signature.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;

const SECRET = 'whsec_c2VjcmV0LWZvci10aGUtYnJvd3Nlci10ZXN0';
const OWNER = 'owner@customers.example';

let stack: ConsoleStack;
let mail: Awaited<ReturnType<typeof startMailServer>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let dispatcher: { stop(): Promise<void> } | undefined;
let agent: User;
let admin: User;

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
  stack = await startConsoleStack({ notifications: { routing, email: true } });
  const db = stack.api.services.database.db;
  const channels = createChannels({
    settings,
    routing,
    db,
    contacts: new PostgresAccountControls(db, OWNER),
    publicUrl: stack.url,
    log: pino({ level: 'silent' }),
  });
  // Two tries, so a delivery the receiver refuses is given up within seconds and waits for a Retry.
  dispatcher = startDispatcher({
    db,
    notifier: channels.notifier,
    log: pino({ level: 'silent' }),
    intervalMs: 100,
    maxAttempts: 2,
    channels: ['email', 'webhook'],
  });
  agent = await stack.api.user(['agent'], { name: 'Noor Haddad' });
  admin = await stack.api.user(['admin'], { name: 'Otto Outbox' });
});

afterAll(async () => {
  await dispatcher?.stop();
  await stack?.stop();
  await mail?.stop();
  await receiver?.stop();
});

async function claimedCase(): Promise<string> {
  const created = await stack.api.call('POST', '/v1/cases', {
    token: agent.token,
    body: caseInput(newAccountId(), { type: 'complaint' }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const caseId = created.body.id as string;
  expect((await stack.api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token })).status).toBe(
    200,
  );
  return caseId;
}

describe('notifications in the browser', () => {
  it('the account owner’s answer page, its confirmation and its used link have no axe violation', async () => {
    const caseId = await claimedCase();
    const question = 'Which device did you sign in from on Tuesday?';
    const asked = await stack.api.call('POST', `/v1/cases/${caseId}/info-requests`, {
      token: agent.token,
      body: { question },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    const [sent] = await eventually(
      () =>
        Promise.resolve(mail.mails.filter((m) => m.kind === 'info.requested' && m.text.includes(question))),
      (found) => found.length > 0,
      { what: 'the question mailed to the owner' },
    );
    const link = /https?:\/\/\S+\/respond\/[A-Za-z0-9_-]+/.exec(sent?.text ?? '')?.[0] ?? '';
    expect(link.startsWith(`${stack.url}/respond/`)).toBe(true);

    const page = await stack.newPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Answer our question' }).waitFor();
    await expect.poll(() => page.getByText(question).isVisible()).toBe(true);
    await expectAccessible(page);

    await page.getByLabel('Your answer').fill('My phone, an iPhone 15.');
    await page.getByRole('button', { name: 'Send answer' }).click();
    await page.getByText('We have your answer').waitFor();
    await expectAccessible(page);

    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    await page.getByRole('heading', { level: 1, name: 'Already answered' }).waitFor();
    await expectAccessible(page);
  });

  it('an admin retries a given-up webhook from the Outbox page; it arrives once, and the case’s timeline says delivered', async () => {
    const caseId = await claimedCase();
    receiver.failFirst(1_000, (e) => e.data.caseId === caseId);
    const escalated = await stack.api.call('POST', `/v1/cases/${caseId}/escalations`, {
      token: agent.token,
      body: { department: 'technical', question: 'Was the login from a known device?', slaMinutes: 600 },
    });
    expect(escalated.status, JSON.stringify(escalated.body)).toBe(201);
    type Delivery = { id: number; webhookId: string; channel: string; state: string };
    const givenUp = await eventually(
      () =>
        stack.api.call('GET', `/v1/admin/notifications?state=given_up&caseId=${caseId}`, {
          token: admin.token,
        }),
      (answer) =>
        (answer.body.items as Delivery[] | undefined)?.some((d) => d.channel === 'webhook') ?? false,
      { what: 'the webhook given up' },
    );
    const hook = (givenUp.body.items as Delivery[]).find((d) => d.channel === 'webhook');
    receiver.failFirst(0, () => false);

    const { page } = await stack.signedIn(admin.token);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    const givenUpTable = page.getByRole('table', { name: /given-up deliveries/ });
    const row = givenUpTable.getByRole('row').filter({ hasText: hook?.webhookId ?? '' });
    await row.waitFor();
    await expect.poll(() => row.getByRole('link', { name: caseId, exact: true }).isVisible()).toBe(true);
    await expectAccessible(page);

    await row.getByRole('button', { name: 'Retry', exact: true }).click();
    await eventually(
      () => Promise.resolve(receiver.events.filter((e) => e.id === hook?.webhookId)),
      (found) => found.length > 0,
      { what: 'the retried webhook delivered' },
    );
    await expect
      .poll(
        () =>
          givenUpTable
            .getByRole('row')
            .filter({ hasText: hook?.webhookId ?? '' })
            .count(),
        {
          timeout: 30_000,
        },
      )
      .toBe(0);
    expect(receiver.events.filter((e) => e.id === hook?.webhookId)).toHaveLength(1);
    expect(receiver.repeats).toBe(0);

    await page.goto(`${stack.url}/console/cases/${encodeURIComponent(caseId)}`);
    const timeline = page.getByTestId('timeline');
    await expect
      .poll(() => timeline.getByRole('listitem').filter({ hasText: 'to webhook' }).innerText(), {
        timeout: 30_000,
      })
      .toMatch(/escalation opened.*delivered/);
    await expect
      .poll(() => timeline.getByRole('listitem').filter({ hasText: 'retried the' }).count())
      .toBe(1);
  });
});
