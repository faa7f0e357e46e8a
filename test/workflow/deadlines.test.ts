import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, notifications } from '../../src/db/schema/index.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import { caseInput, eventually, makeCast, newAccountId, untilStatus } from '../support/world.js';

let services: Services;
let cast: Cast;

beforeAll(async () => {
  services = await startServices({
    policy: {
      caseDeadlines: {
        overrides: [
          { channel: 'phone', firstResponse: '2s', resolution: '5s' },
          { channel: 'chat', firstResponse: '30s', resolution: '40s' },
        ],
      },
    },
  });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

describe('case deadlines', () => {
  it('a phone complaint nobody claims misses its first response, then its resolution, and is flagged', async () => {
    const c = await services.cases.create(
      cast.agent,
      caseInput(newAccountId(), { type: 'complaint', channel: 'phone' }),
    );
    expect(Date.parse(c.resolutionDueAt ?? '') - Date.parse(c.createdAt)).toBe(5_000);
    const first = await eventually(
      () => services.cases.read(c.id),
      (read) => read.missedDeadlines.length > 0,
      { what: 'the first response to be missed' },
    );
    expect(first.slaBreached).toBe(true);
    expect(first.missedDeadlines[0]).toBe('first_response');
    await services.cases.act(cast.agent, c.id, 'claim', {});
    const both = await eventually(
      () => services.cases.read(c.id),
      (read) => read.missedDeadlines.length === 2,
      { what: 'the resolution to be missed' },
    );
    expect(both.missedDeadlines).toEqual(['first_response', 'resolution']);
    const told = await eventually(
      () => services.database.db.select().from(notifications).where(eq(notifications.caseId, c.id)),
      (rows) => rows.filter((n) => n.kind === 'deadline.missed').length === 2,
      { what: 'the lead told of both' },
    );
    expect(told.filter((n) => n.kind === 'deadline.missed').map((n) => n.recipient)).toEqual([
      'lead:risk_ops',
      'lead:risk_ops',
    ]);
    await services.cases.act(cast.agent, c.id, 'resolve', {
      outcome: 'resolved_no_action',
      summary: 'Called back.',
    });
    await untilStatus(services, c.id, 'closed');
    const audit = await services.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.caseId, c.id))
      .orderBy(auditEvents.seq);
    expect(audit.filter((a) => a.action === 'deadline.missed').map((a) => a.details)).toEqual([
      expect.objectContaining({ deadline: 'first_response', dueAt: c.firstResponseDueAt }),
      expect.objectContaining({ deadline: 'resolution', dueAt: c.resolutionDueAt }),
    ]);
  });

  it('a case claimed and resolved in time misses nothing', async () => {
    const c = await services.cases.create(
      cast.agent,
      caseInput(newAccountId(), { type: 'complaint', channel: 'chat' }),
    );
    await services.cases.act(cast.agent, c.id, 'claim', {});
    await services.cases.act(cast.agent, c.id, 'resolve', {
      outcome: 'resolved_no_action',
      summary: 'Explained.',
    });
    const closed = await untilStatus(services, c.id, 'closed');
    expect(closed).toMatchObject({ slaBreached: false, missedDeadlines: [] });
  });
});
