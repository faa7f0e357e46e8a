import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notificationsForCase } from '../../src/db/outbox.js';
import { findCase } from '../../src/db/projections.js';
import { cases } from '../../src/db/schema/index.js';
import { caseActions } from '../../src/domain/caseActions.js';
import type { OutgoingNotification } from '../../src/domain/notifications.js';
import { startDispatcher } from '../../src/worker/dispatcher.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import { caseInput, eventually, makeCast, newAccountId, refusalCode, untilStatus } from '../support/world.js';

let services: Services;
let cast: Cast;

beforeAll(async () => {
  services = await startServices({
    policy: { escalation: { defaultSla: '4s' }, infoRequest: { wait: '3s' } },
  });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

async function claimedComplaint() {
  const created = await services.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
  await services.cases.act(cast.agent, created.id, 'claim', {});
  return created.id;
}

describe('escalations', () => {
  it('reminds the department at half time, then flags the case and tells the lead at the deadline', async () => {
    const caseId = await claimedComplaint();
    const escalated = await services.cases.act(cast.agent, caseId, 'escalate', {
      department: 'security',
      question: 'Was the login from a known device?',
    });
    expect(escalated.escalations[0]).toMatchObject({
      id: 'esc-1',
      status: 'open',
      reminded: false,
      breached: false,
    });

    const reminded = await eventually(
      () => services.cases.read(caseId),
      (c) => c.escalations[0]?.reminded === true,
      { what: 'the reminder' },
    );
    expect(reminded.slaBreached).toBe(false);

    const breached = await eventually(
      () => services.cases.read(caseId),
      (c) => c.slaBreached,
      { what: 'the breach' },
    );
    expect(breached.escalations[0]).toMatchObject({ status: 'open', breached: true });

    const kinds = await eventually(
      async () =>
        (await notificationsForCase(services.database.db, caseId)).map((n) => `${n.kind}→${n.recipient}`),
      (k) => k.length >= 3,
    );
    expect(kinds).toEqual([
      'escalation.opened→department:security',
      'escalation.reminder→department:security',
      'escalation.breached→lead:security',
    ]);

    const answered = await services.cases.act(cast.security, caseId, 'answerEscalation', {
      escalationId: 'esc-1',
      answer: 'Yes, the user’s usual phone.',
    });
    expect(answered.escalations[0]).toMatchObject({
      status: 'answered',
      breached: true,
      answeredBy: cast.security.id,
    });
  });

  it('keeps several escalations open at once, each answered only by its own department', async () => {
    const caseId = await claimedComplaint();
    await services.cases.act(cast.agent, caseId, 'escalate', {
      department: 'security',
      question: 'Device?',
      slaMinutes: 60,
    });
    await services.cases.act(cast.agent, caseId, 'escalate', {
      department: 'compliance',
      question: 'Sanctions?',
      slaMinutes: 60,
    });
    const c = await services.cases.read(caseId);
    expect(c.escalations.map((e) => [e.department, e.status])).toEqual([
      ['security', 'open'],
      ['compliance', 'open'],
    ]);
    expect(
      await refusalCode(
        services.cases.act(cast.security, caseId, 'answerEscalation', {
          escalationId: 'esc-2',
          answer: 'no idea',
        }),
      ),
    ).toBe('forbidden');
    const answered = await services.cases.act(cast.security, caseId, 'answerEscalation', {
      escalationId: 'esc-1',
      answer: 'Known device.',
    });
    expect(answered.escalations.map((e) => e.status)).toEqual(['answered', 'open']);
    expect(
      await refusalCode(
        services.cases.act(cast.security, caseId, 'answerEscalation', {
          escalationId: 'esc-1',
          answer: 'again',
        }),
      ),
    ).toBe('already_decided');
  });
});

describe('questions to the user', () => {
  it('closes the case as expired when the user does not answer in time', async () => {
    const caseId = await claimedComplaint();
    const asked = await services.cases.act(cast.agent, caseId, 'requestInfo', {
      question: 'Please send a selfie.',
    });
    expect(asked.status).toBe('awaiting_info');
    const closed = await untilStatus(services, caseId, 'closed', 15_000);
    expect(closed.outcome).toBe('expired');
    expect(closed.infoRequests[0]?.status).toBe('expired');
  });

  it('returns to review when the answer arrives in time', async () => {
    const caseId = await claimedComplaint();
    await services.cases.act(cast.agent, caseId, 'requestInfo', { question: 'Which device did you use?' });
    const back = await services.cases.act(cast.agent, caseId, 'respondInfo', { answer: 'My laptop.' });
    expect(back.status).toBe('in_review');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect((await services.cases.read(caseId)).status).toBe('in_review');
  });
});

describe('review', () => {
  it('only the assignee or a senior may release a claimed case', async () => {
    const caseId = await claimedComplaint();
    expect(await refusalCode(services.cases.act(cast.agent2, caseId, 'release', {}))).toBe('forbidden');
    const released = await services.cases.act(cast.reverter, caseId, 'release', {});
    expect(released.assignee).toBeNull();
    const reclaimed = await services.cases.act(cast.agent2, caseId, 'claim', {});
    expect(reclaimed.assignee).toBe(cast.agent2.id);
  });

  it('only the assignee may resolve, and notes are kept', async () => {
    const caseId = await claimedComplaint();
    await services.cases.act(cast.agent2, caseId, 'addNote', { text: 'Called the user back.' });
    expect(
      await refusalCode(
        services.cases.act(cast.agent2, caseId, 'resolve', { outcome: 'rejected', summary: 'no' }),
      ),
    ).toBe('invalid_state');
    const closed = await services.cases.act(cast.agent, caseId, 'resolve', {
      outcome: 'rejected',
      summary: 'Not eligible.',
    });
    expect(closed).toMatchObject({ status: 'closed', outcome: 'rejected' });
    expect(closed.notes.map((n) => [n.by, n.text])).toEqual([[cast.agent2.id, 'Called the user back.']]);
  });
});

describe('records of progress', () => {
  /** The payloads of the record activities the case's workflow scheduled, in order. */
  async function recordsOf(workflowId: string) {
    const { events } = await services.client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = (events ?? []).flatMap((e) => {
      const attributes = e.activityTaskScheduledEventAttributes;
      const name = attributes?.activityType?.name;
      const payload = attributes?.input?.payloads?.[0];
      return name?.startsWith('record') && payload ? [{ name, payload }] : [];
    });
    // The history holds them encrypted, as Temporal stores them.
    const clear = services.codec
      ? await services.codec.decode(scheduled.map((s) => s.payload))
      : scheduled.map((s) => s.payload);
    return scheduled.map(({ name }, i) => ({
      name,
      input: JSON.parse(Buffer.from(clear[i]?.data ?? []).toString('utf8')) as Record<string, unknown>,
    }));
  }

  it('carry the fields that changed, not the whole case', async () => {
    const caseId = await claimedComplaint();
    const created = await services.cases.read(caseId);
    const [claimed] = await recordsOf(created.workflowId);
    expect(claimed?.name).toBe('recordChanges');
    expect(claimed?.input).toMatchObject({
      since: 0,
      changes: { status: 'in_review', assignee: cast.agent.id },
    });
    expect(claimed?.input.changes).not.toHaveProperty('subject');
    const stored = await eventually(
      () => findCase(services.database.db, caseId),
      (c) => c?.revision === 1,
      { what: 'the changes merged onto the projection' },
    );
    expect(stored).toEqual(await services.cases.read(caseId));
  });

  it('write the whole case when the projection does not hold the one they change', async () => {
    const created = await services.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
    // As if the rows its starter wrote were lost: the run's first record has nothing to merge onto.
    await services.database.db.delete(cases).where(eq(cases.id, created.id));
    const handle = services.client.workflow.getHandle(created.workflowId);
    await handle.executeUpdate(caseActions.claim.update, { args: [{ actor: cast.agent, payload: {} }] });
    const stored = await eventually(
      () => findCase(services.database.db, created.id),
      (c) => c?.revision === 1,
      { what: 'the projection written whole' },
    );
    expect(stored).toMatchObject({ status: 'in_review', assignee: cast.agent.id, subject: created.subject });
    expect((await recordsOf(created.workflowId)).map((r) => r.name)).toEqual([
      'recordChanges',
      'recordProgress',
    ]);
  });
});

describe('notifications', () => {
  it('are delivered from the outbox, and a failed delivery is retried', async () => {
    const caseId = await claimedComplaint();
    await services.cases.act(cast.agent, caseId, 'escalate', {
      department: 'payments',
      question: 'Refund?',
      slaMinutes: 60,
    });
    await eventually(
      () => notificationsForCase(services.database.db, caseId),
      (rows) => rows.length === 1,
    );
    const delivered: OutgoingNotification[] = [];
    let failures = 0;
    const dispatcher = startDispatcher({
      db: services.database.db,
      log: pino({ level: 'silent' }),
      intervalMs: 100,
      // This file's worker queues log deliveries; e-mail and webhook ones of files beside it are not ours.
      channels: ['log'],
      notifier: {
        deliver(notification) {
          if (notification.caseId !== caseId) return Promise.resolve();
          if (failures++ === 0) return Promise.reject(new Error('mail server down'));
          delivered.push(notification);
          return Promise.resolve();
        },
      },
    });
    try {
      const rows = await eventually(
        () => notificationsForCase(services.database.db, caseId),
        (r) => r[0]?.status === 'delivered',
        { timeoutMs: 15_000 },
      );
      expect(rows[0]).toMatchObject({ attempts: 2, lastError: null, recipient: 'department:payments' });
      expect(delivered.map((n) => n.kind)).toEqual(['escalation.opened']);
    } finally {
      await dispatcher.stop();
    }
  });
});
