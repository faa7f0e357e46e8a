import { describe, expect, it } from 'vitest';
import type { NotificationKind, OutgoingNotification } from '../../src/domain/notifications.js';
import {
  notificationKinds,
  parseRecipient,
  routeNotification,
  subjectFacts,
} from '../../src/domain/notifications.js';
import { resolveNotificationRouting } from '../../src/domain/schemas/notifications.js';
import { departments } from '../../src/domain/vocabulary.js';
import { fourEyesReport } from '../../src/domain/fourEyes.js';
import { digestPayload } from '../../src/domain/fourEyesDigest.js';
import { notificationFacts } from '../../src/notify/facts.js';
import { loadTemplates, renderMessage } from '../../src/notify/templates.js';

/** What each kind's workflow step puts in the payload, with free text marked so a test can find it. */
const FREE = 'FREE-TEXT-Ünïcode <b>&amp;</b>';
const payloads: Record<NotificationKind, Record<string, unknown>> = {
  'escalation.opened': { escalationId: 'esc-1', question: FREE, dueAt: '2026-12-07T10:00:00.000Z' },
  'escalation.reminder': { escalationId: 'esc-1', question: FREE, dueAt: '2026-12-07T10:00:00.000Z' },
  'escalation.breached': { escalationId: 'esc-1', question: FREE, dueAt: '2026-12-07T10:00:00.000Z' },
  'info.requested': {
    infoRequestId: 'info-1',
    question: FREE,
    dueAt: '2026-12-09T10:00:00.000Z',
    respondPath: '/respond/tok',
  },
  'info.answered': { infoRequestId: 'info-1', answeredVia: 'respond_link' },
  'proposal.pending': { proposalId: 'prop-1', riskTier: 'high', requiredApprovals: 2 },
  'proposal.reminder': {
    proposalId: 'prop-1',
    riskTier: 'high',
    requiredApprovals: 2,
    proposedAt: '2026-12-07T06:00:00.000Z',
    expiresAt: '2026-12-08T06:00:00.000Z',
  },
  'proposal.rejected': { proposalId: 'prop-1' },
  'proposal.expired': { proposalId: 'prop-1' },
  'proposal.voided': { proposalId: 'prop-1' },
  'reverification.requested': { proposalId: 'prop-1', dueAt: '2026-12-08T10:00:00.000Z' },
  'controls.lifted': { controlIds: ['ctl-1'] },
  'lift.reverted': { liftId: 'lift-1', reason: FREE },
  'after_review.overdue': { controlId: 'ctl-1', dueAt: '2026-12-08T10:00:00.000Z' },
  'deadline.missed': { deadline: 'first_response', dueAt: '2026-12-08T10:00:00.000Z' },
  'four_eyes.digest': digestPayload(
    '2026-W49',
    fourEyesReport(
      [],
      { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2026-12-07T00:00:00Z') },
      { quickDecision: 20_000, concentration: { share: 0.5, minProposals: 5 } },
    ),
    (id) => id,
  ),
};
const recipients: Record<NotificationKind, string> = {
  'escalation.opened': 'department:technical',
  'escalation.reminder': 'department:technical',
  'escalation.breached': 'lead:technical',
  'info.requested': 'account:acct-1',
  'info.answered': 'user:u-agent',
  'proposal.pending': 'role:checker',
  'proposal.reminder': 'role:checker',
  'proposal.rejected': 'user:u-maker',
  'proposal.expired': 'user:u-maker',
  'proposal.voided': 'user:u-maker',
  'reverification.requested': 'account:acct-1',
  'controls.lifted': 'account:acct-1',
  'lift.reverted': 'account:acct-1',
  'after_review.overdue': 'lead:risk_ops',
  'deadline.missed': 'lead:risk_ops',
  'four_eyes.digest': 'lead:risk_ops',
};

function notification(kind: NotificationKind): OutgoingNotification {
  return {
    id: 1,
    messageId: 'msg_1',
    recipient: recipients[kind],
    kind,
    caseId: 'case-42',
    channel: 'email',
    target: 'someone@dualkey.example',
    payload: payloads[kind],
    createdAt: '2026-12-06T10:00:00.000Z',
  };
}

const caseFacts = { caseType: 'unfreeze', businessLine: 'spot', riskTier: 'high', accountId: 'acct-1' };
const templates = loadTemplates();

describe('notification templates', () => {
  it.each(notificationKinds)('%s renders every placeholder, with no free text in its subject', (kind) => {
    const facts = notificationFacts(notification(kind), caseFacts, 'https://dualkey.example.com/');
    const message = renderMessage(templates[kind], facts);
    expect(message.subject.length).toBeGreaterThan(10);
    expect(message.subject).not.toContain('\n');
    expect(message.subject).not.toContain('{{');
    expect(message.text).not.toContain('{{');
    expect(message.html ?? '').not.toContain('{{');
    expect(message.subject).not.toContain('FREE-TEXT');
    const named = [...templates[kind].subject.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]);
    for (const name of named) expect(subjectFacts).toContain(name);
  });

  it('a question to the account owner carries the respond link and no link into the console', () => {
    const facts = notificationFacts(
      notification('info.requested'),
      caseFacts,
      'https://dualkey.example.com/',
    );
    const message = renderMessage(templates['info.requested'], facts);
    expect(message.text).toContain('https://dualkey.example.com/respond/tok');
    expect(message.text).toContain(FREE);
    expect(message.text).not.toContain('/console');
    expect(message.html).toContain('href="https://dualkey.example.com/respond/tok"');
    expect(message.html).toContain('FREE-TEXT-Ünïcode &lt;b&gt;&amp;amp;&lt;/b&gt;');
  });

  it('staff messages link to the case in the console', () => {
    const facts = notificationFacts(
      notification('escalation.opened'),
      caseFacts,
      'https://dualkey.example.com',
    );
    expect(renderMessage(templates['escalation.opened'], facts).text).toContain(
      'https://dualkey.example.com/console/cases/case-42',
    );
  });
});

describe('notification routing', () => {
  const routing = (override: unknown = {}) => {
    const result = resolveNotificationRouting(override);
    if (!result.success) throw new Error(result.error.message);
    return result.data;
  };
  const both = { email: true, webhooks: true };
  const route = (recipient: string, kind: string, r = routing(), businessLine?: string) =>
    routeNotification(r, parseRecipient(recipient, departments), kind, { businessLine }, both);

  it('the default table gives every department, lead and checker group a mailbox', () => {
    const r = routing();
    for (const d of departments) {
      expect(route(`department:${d}`, 'escalation.opened', r)).toEqual([
        { channel: 'email', target: `${d}@dualkey.example` },
      ]);
      expect(route(`lead:${d}`, 'escalation.breached', r)).toEqual([
        { channel: 'email', target: `lead-${d}@dualkey.example` },
      ]);
    }
    expect(route('role:checker', 'proposal.pending', r, 'p2p')).toEqual([
      { channel: 'email', target: 'checkers-p2p@dualkey.example' },
    ]);
  });

  it('the account owner is mailed at the address the account service gives', () => {
    expect(route('account:acct-1', 'info.requested')).toEqual([
      { channel: 'email', target: 'account_owner' },
    ]);
  });

  it('endpoints subscribed to a kind, and the department’s own, get it beside the mailbox', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const r = routing({
      departments: { technical: { webhooks: ['chat'] } },
      webhooks: {
        chat: { url: 'https://chat.example.com/hook', secrets: [secret] },
        helpdesk: { url: 'https://help.example.com/hook', secrets: [secret], kinds: ['info.requested'] },
      },
    });
    expect(route('department:technical', 'escalation.opened', r)).toEqual([
      { channel: 'email', target: 'technical@dualkey.example' },
      { channel: 'webhook', target: 'chat' },
    ]);
    expect(route('account:acct-1', 'info.requested', r)).toEqual([
      { channel: 'email', target: 'account_owner' },
      { channel: 'webhook', target: 'helpdesk' },
    ]);
  });

  it('a notification no channel takes goes to the log', () => {
    const none = { email: false, webhooks: false };
    expect(
      routeNotification(routing(), parseRecipient('user:u-1', departments), 'proposal.rejected', {}, none),
    ).toEqual([{ channel: 'log', target: 'log' }]);
  });

  it('an endpoint named in a route must exist, and a secret must be a whsec_ secret', () => {
    expect(resolveNotificationRouting({ users: { webhooks: ['nowhere'] } }).success).toBe(false);
    expect(
      resolveNotificationRouting({ webhooks: { x: { url: 'https://x.example.com', secrets: ['plain'] } } })
        .success,
    ).toBe(false);
  });
});
