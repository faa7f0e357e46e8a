import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAccountControls } from '../../src/db/accountControls/postgres.js';
import type { OutboxRouting } from '../../src/db/outbox.js';
import { notificationsForCase } from '../../src/db/outbox.js';
import { PROPOSAL_REMINDED } from '../../src/domain/fourEyes.js';
import { resolveNotificationRouting } from '../../src/domain/schemas/notifications.js';
import { createChannels, withCatchAll } from '../../src/notify/channels.js';
import { startDispatcher } from '../../src/worker/dispatcher.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { startMailServer, startWebhookReceiver } from '../support/channels.js';
import { applyControl, caseAwaitingApproval, eventually, newAccountId } from '../support/world.js';

const SECRET = 'whsec_Zm91ckV5ZXNEaWdlc3RTZWNyZXQx';
const PUBLIC_URL = 'https://dualkey.test.example';
const suffix = randomUUID().slice(0, 6);

let api: ApiHarness;
let mail: Awaited<ReturnType<typeof startMailServer>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let outbox: OutboxRouting;
let dispatchers: { stop(): Promise<void> }[] = [];

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
  outbox = { routing: withCatchAll(parsed.data, settings), email: true };
  api = await startApi({
    notifications: outbox,
    // Long enough that a checker could decide before it, short enough for a test to wait out.
    policy: { approval: { reminder: '3s', expiry: '60s' } },
  });
  const channels = createChannels({
    settings,
    routing: outbox.routing,
    db: api.services.database.db,
    contacts: new PostgresAccountControls(api.services.database.db, 'owner@customers.example'),
    publicUrl: PUBLIC_URL,
    log: pino({ level: 'silent' }),
  });
  dispatchers = (['email', 'webhook'] as const).map((channel) =>
    startDispatcher({
      db: api.services.database.db,
      notifier: channels.notifier,
      log: pino({ level: 'silent' }),
      intervalMs: 100,
      channels: [channel],
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(dispatchers.map((d) => d.stop()));
  await api?.stop();
  await mail?.stop();
  await receiver?.stop();
});

describe('a proposal left undecided reminds its checkers', () => {
  it('mails and posts the reminder, audits it, and the four-eyes report counts the approval after it', async () => {
    const agent = await api.user(['agent'], { name: `Maker ${suffix}` });
    const checker = await api.user(['checker'], { name: `Checker ${suffix}` });
    const auditor = await api.user(['auditor']);

    // Withdrawn at once, before the other proposal: its reminder would have come first.
    const withdrawn = await caseAwaitingApproval(api.services, agent, [
      await applyControl(api.services, newAccountId(), 'login_lock'),
    ]);
    await api.services.cases.act(agent, withdrawn.caseId, 'withdraw', { proposalId: withdrawn.proposalId });

    const { caseId, proposalId, created } = await caseAwaitingApproval(api.services, agent, [
      await applyControl(api.services, newAccountId(), 'login_lock'),
    ]);
    const [reminder] = await eventually(
      () =>
        Promise.resolve(
          mail.mails.filter((m) => m.kind === 'proposal.reminder' && m.subject.includes(caseId)),
        ),
      (found) => found.length > 0,
      { what: 'the reminder mailed to the checkers', timeoutMs: 60_000 },
    );
    expect(reminder?.to).toEqual([`checkers-${created.businessLine}@dualkey.example`]);
    expect(reminder?.text).toContain(`${PUBLIC_URL}/console/cases/${caseId}`);
    const events = await eventually(
      () =>
        Promise.resolve(
          receiver.events.filter((e) => e.type === 'proposal.reminder' && e.data.caseId === caseId),
        ),
      (found) => found.length > 0,
      { what: 'the reminder posted to the webhook' },
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.data.proposalId).toBe(proposalId);

    const audit = await eventually(
      () => api.call('GET', `/v1/cases/${caseId}/audit`, { token: auditor.token }),
      (a) => (a.body.items as { action: string }[]).some((i) => i.action === PROPOSAL_REMINDED),
      { what: 'the reminder on the audit chain' },
    );
    expect(audit.body.verified).toBe(true);
    const reminded = (audit.body.items as Record<string, unknown>[]).filter(
      (i) => i.action === PROPOSAL_REMINDED,
    );
    expect(reminded).toHaveLength(1);
    expect(reminded[0]).toMatchObject({ actor: 'system', outcome: 'accepted', details: { proposalId } });

    await api.services.cases.act(checker, caseId, 'approve', { proposalId });
    const window = {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const query = new URLSearchParams({ ...window, businessLine: created.businessLine }).toString();
    const report = await eventually(
      () => api.call('GET', `/v1/reports/four-eyes?${query}`, { token: auditor.token }),
      (r) =>
        (r.body.checkers as { checker: string }[] | undefined)?.some((c) => c.checker === checker.id) ??
        false,
      { what: 'the approval in the four-eyes report' },
    );
    expect(
      (report.body.checkers as Record<string, unknown>[]).find((c) => c.checker === checker.id),
    ).toMatchObject({
      decisions: 1,
      approvals: 1,
      approvalsAfterReminder: 1,
    });

    const rows = await notificationsForCase(api.services.database.db, withdrawn.caseId);
    expect(rows.map((r) => r.kind)).toContain('proposal.pending');
    expect(rows.map((r) => r.kind)).not.toContain('proposal.reminder');
    const withdrawnAudit = await api.call('GET', `/v1/cases/${withdrawn.caseId}/audit`, {
      token: auditor.token,
    });
    expect((withdrawnAudit.body.items as { action: string }[]).map((i) => i.action)).not.toContain(
      PROPOSAL_REMINDED,
    );
  }, 120_000);
});
