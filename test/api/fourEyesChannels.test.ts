import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAccountControls } from '../../src/db/accountControls/postgres.js';
import { recordAudit } from '../../src/db/audit.js';
import type { OutboxRouting } from '../../src/db/outbox.js';
import { notificationsForCase, plannedDeliveries } from '../../src/db/outbox.js';
import { saveCase } from '../../src/db/projections.js';
import { notifications, proposalViews } from '../../src/db/schema/index.js';
import type { Case, Proposal } from '../../src/domain/case.js';
import { PROPOSAL_REMINDED } from '../../src/domain/fourEyes.js';
import { isoWeekRange } from '../../src/domain/fourEyesDigest.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import { resolveNotificationRouting } from '../../src/domain/schemas/notifications.js';
import { createChannels, withCatchAll } from '../../src/notify/channels.js';
import { sendFourEyesDigest } from '../../src/notify/fourEyesDigest.js';
import { startDispatcher } from '../../src/worker/dispatcher.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { startMailServer, startWebhookReceiver } from '../support/channels.js';
import { freshDatabase } from '../support/freshDatabase.js';
import { applyControl, caseAwaitingApproval, caseInput, eventually, newAccountId } from '../support/world.js';

const SECRET = 'whsec_Zm91ckV5ZXNEaWdlc3RTZWNyZXQx';
const PUBLIC_URL = 'https://dualkey.test.example';
/** A week in the past, so the figures are those of the fixed history alone. */
const WEEK = '2003-W10';
const suffix = randomUUID().slice(0, 6);

let api: ApiHarness;
let mail: Awaited<ReturnType<typeof startMailServer>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let outbox: OutboxRouting;
let dispatchers: { stop(): Promise<void> }[] = [];
let database: Awaited<ReturnType<typeof freshDatabase>>;

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
  // A database of its own: the dispatchers below deliver every row due, and the other files' dispatchers
  // would deliver this file's rows to their own receivers.
  database = await freshDatabase();
  api = await startApi({
    databaseUrl: database.url,
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
  await database?.drop();
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

/** One decided proposal of the fixed week, as the projection stores it. */
async function decidedCase(
  maker: string,
  decision: { checker: string; decision: 'approved' | 'rejected'; at: string },
  seen: { viewedAt?: string; remindedAt?: string } = {},
): Promise<void> {
  const { db } = api.services.database;
  const caseId = `FED-${randomUUID().slice(0, 12)}`;
  const proposedAt = new Date(Date.parse(decision.at) - 600_000).toISOString();
  const opened = openCase(
    caseId,
    caseInput(newAccountId(), { type: 'complaint', businessLine: 'earn', controlIds: [] }),
    { tier: 'low', reasons: ['fixed week'] },
    maker,
    new Date(Date.parse(proposedAt) - 60_000).toISOString(),
  );
  const approved = decision.decision === 'approved';
  const proposal: Proposal = {
    id: 'prop-1',
    controlIds: [],
    controlVersions: {},
    reasonCode: 'verified_owner',
    justification: 'The owner proved control of the account.',
    evidence: [],
    maker,
    requiredApprovals: 1,
    requiredRole: null,
    requiredRoles: [],
    approvals: approved ? [{ by: decision.checker, at: decision.at, comment: null, countsAs: null }] : [],
    rejection: approved ? null : { by: decision.checker, at: decision.at, comment: 'not convinced' },
    status: decision.decision,
    createdAt: proposedAt,
    expiresAt: new Date(Date.parse(proposedAt) + 86_400_000).toISOString(),
    decidedAt: decision.at,
    offer: null,
  };
  const decided: Case = { ...opened, proposals: [proposal], revision: 5 };
  await saveCase(db, decided);
  if (seen.viewedAt) {
    await db.insert(proposalViews).values({
      caseId,
      proposalId: 'prop-1',
      userId: decision.checker,
      what: 'proposal',
      firstViewedAt: new Date(seen.viewedAt),
    });
  }
  if (seen.remindedAt) {
    await recordAudit(db, [
      {
        stream: caseId,
        at: seen.remindedAt,
        actor: 'system',
        action: PROPOSAL_REMINDED,
        outcome: 'accepted',
        details: { proposalId: 'prop-1' },
        caseId,
        accountId: decided.accountId,
      },
    ]);
  }
}

describe('the weekly four-eyes digest', () => {
  it('mails and posts the week’s figures to each lead once, however often it is triggered', async () => {
    const { from } = isoWeekRange(WEEK)!;
    const t = (hours: number, minusSeconds = 0) =>
      new Date(from.getTime() + hours * 3_600_000 - minusSeconds * 1_000).toISOString();
    const maker = await api.user(['agent'], { name: `Digest maker ${suffix}` });
    const rubberStamp = await api.user(['checker'], { name: `Rubber Stamp ${suffix}` });
    const careful = await api.user(['checker'], { name: `Careful Checker ${suffix}` });
    // Viewed 30 s before approving; approved after a reminder, unviewed; rejected, unviewed.
    await decidedCase(
      maker.id,
      { checker: rubberStamp.id, decision: 'approved', at: t(10) },
      { viewedAt: t(10, 30) },
    );
    await decidedCase(
      maker.id,
      { checker: rubberStamp.id, decision: 'approved', at: t(30) },
      { remindedAt: t(29) },
    );
    await decidedCase(maker.id, { checker: careful.id, decision: 'rejected', at: t(50) });

    const deps = { db: api.services.database.db, outbox, policy: api.services.policy };
    const first = await sendFourEyesDigest(deps, WEEK, ['risk_ops', 'compliance']);
    expect(first).toEqual({ week: WEEK, queued: ['lead:risk_ops', 'lead:compliance'], alreadySent: [] });

    const digests = () => mail.mails.filter((m) => m.kind === 'four_eyes.digest' && m.subject.includes(WEEK));
    const mails = await eventually(
      () => Promise.resolve(digests()),
      (found) => found.length === 2,
      {
        what: 'the digest mailed to both leads',
        timeoutMs: 60_000,
      },
    );
    expect(
      mails
        .map((m) => m.to)
        .flat()
        .sort(),
    ).toEqual(['lead-compliance@dualkey.example', 'lead-risk_ops@dualkey.example']);
    for (const m of mails) {
      expect(m.subject).toBe(`[dualkey] Four eyes, week ${WEEK}: 3 decisions, 1 approvals after a reminder`);
      expect(m.text).toContain('Decisions: 3 (2 approvals, 1 rejections; approval rate 66.7%)');
      expect(m.text).toContain('Decided without a recorded view of the proposal: 2');
      expect(m.text).toContain('Median time from first view to decision: 30 s');
      expect(m.text).toContain('Decided within 60 s of the first view: 1 (100% of viewed decisions)');
      expect(m.text).toContain('Approvals after a reminder: 1');
      expect(m.text).toContain(`Checkers who rejected nothing: Rubber Stamp ${suffix}`);
      expect(m.text).toContain(`${PUBLIC_URL}/console/reports/four-eyes`);
      expect(m.html).toContain(`href="${PUBLIC_URL}/console/reports/four-eyes"`);
    }
    const posted = await eventually(
      () =>
        Promise.resolve(receiver.events.filter((e) => e.type === 'four_eyes.digest' && e.data.week === WEEK)),
      (found) => found.length === 2,
      { what: 'the digest posted to the webhook for both leads' },
    );
    for (const event of posted) {
      expect((event.data.report as { team: Record<string, unknown> }).team).toMatchObject({
        decisions: 3,
        approvals: 2,
        rejections: 1,
        unviewed: 2,
        approvalsAfterReminder: 1,
      });
    }

    const again = await sendFourEyesDigest(deps, WEEK, ['risk_ops', 'compliance']);
    expect(again).toEqual({ week: WEEK, queued: [], alreadySent: ['lead:risk_ops', 'lead:compliance'] });
    const keys = ['risk_ops', 'compliance'].flatMap((d) =>
      plannedDeliveries(
        { key: `four-eyes-digest:${WEEK}:lead:${d}`, recipient: `lead:${d}`, kind: 'four_eyes.digest' },
        outbox,
      ).map((p) => p.key),
    );
    const rows = await eventually(
      () => api.services.database.db.select().from(notifications).where(inArray(notifications.key, keys)),
      (found) => found.every((r) => r.status === 'delivered'),
      { what: 'every digest delivery done' },
    );
    expect(rows).toHaveLength(4);
    expect(digests()).toHaveLength(2);
    expect(receiver.events.filter((e) => e.type === 'four_eyes.digest' && e.data.week === WEEK)).toHaveLength(
      2,
    );
  }, 120_000);
});
