import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProgressRecord } from '../../activities/caseRecords.js';
import { createCaseRecordActivities } from '../../activities/caseRecords.js';
import { appendAudit, lostChainRace, verifyStream } from '../../src/db/audit.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { connectDatabase } from '../../src/db/client.js';
import { findCase } from '../../src/db/projections.js';
import { assessIntake, openCase } from '../../src/domain/lifecycle/intake.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

/*
 * The recordProgress activity against the real PostgreSQL, without a workflow: what a retry, an
 * overlapping batch and a concurrent writer leave in the audit chain and the projection, and how many
 * statements a batch costs.
 */
let database: DatabaseHandle;
let statements: string[] = [];
let recordProgress: (record: ProgressRecord) => Promise<void>;

beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), 3, { onStatement: (text) => statements.push(text) });
  ({ recordProgress } = createCaseRecordActivities({ db: database.db }));
});
afterAll(async () => database?.close());

function newCase() {
  const input = caseInput(newAccountId(), { type: 'complaint' });
  const at = new Date().toISOString();
  return openCase(`CMP-${randomUUID().slice(0, 8)}`, input, assessIntake(input, []), 'usr_agent', at);
}

function events(revisions: number[]): ProgressRecord['events'] {
  return revisions.map((revision) => ({
    revision,
    action: `step.${revision}`,
    actor: 'usr_agent',
    at: new Date(Date.UTC(2026, 11, 1, 9, 0, revision)).toISOString(),
    details: { revision },
  }));
}

/** As the activity's retry would: a batch that kept losing the race to the trail is sent again. */
async function untilRecorded(record: ProgressRecord): Promise<void> {
  for (;;) {
    try {
      return await recordProgress(record);
    } catch (error) {
      if (!lostChainRace(error)) throw error;
    }
  }
}

describe('recordProgress', () => {
  it('writes a batch of any size in two statements and no transaction: the heads, then one write', async () => {
    // The first statement of a fresh pool is postgres.js reading the array types.
    await database.ping();
    const c = newCase();
    statements = [];
    await recordProgress({ case: c, events: events([0, 1, 2, 3, 4, 5]) });
    expect(statements.map((s) => s.split(/\s+/)[0]!.toLowerCase())).toEqual(['select', 'with']);
    expect((await verifyStream(database.db, c.id)).verdict).toEqual({ ok: true, events: 6 });
  });

  it('retried after it committed, writes nothing new', async () => {
    const c = newCase();
    const record = { case: c, events: events([0, 1]) };
    await recordProgress(record);
    const first = await verifyStream(database.db, c.id);
    await recordProgress(record);
    const again = await verifyStream(database.db, c.id);
    expect(again.events).toEqual(first.events);
    expect(again.verdict).toEqual({ ok: true, events: 2 });
    expect(await findCase(database.db, c.id)).toEqual(c);
  });

  it('chains only the new events of a batch that overlaps one already written', async () => {
    const c = newCase();
    await recordProgress({ case: c, events: events([0, 1]) });
    await recordProgress({ case: { ...c, revision: 3 }, events: events([1, 2, 3]) });
    const { events: stored, verdict } = await verifyStream(database.db, c.id);
    expect(verdict).toEqual({ ok: true, events: 4 });
    expect(stored.map((e) => e.action)).toEqual(['step.0', 'step.1', 'step.2', 'step.3']);
    expect((await findCase(database.db, c.id))?.revision).toBe(3);
  });

  it('keeps one chain when batches of one case race, and the projection at the newest revision', async () => {
    const c = newCase();
    await Promise.all(
      [1, 2, 3, 4, 5, 6].map((revision) =>
        untilRecorded({ case: { ...c, revision }, events: events([revision]) }),
      ),
    );
    const { events: stored, verdict } = await verifyStream(database.db, c.id);
    expect(verdict).toEqual({ ok: true, events: 6 });
    expect(stored.map((e) => e.action).sort()).toEqual([1, 2, 3, 4, 5, 6].map((r) => `step.${r}`));
    expect((await findCase(database.db, c.id))?.revision).toBe(6);
  });

  it('writes the projection alone when every event of the batch is stored already', async () => {
    const c = newCase();
    await recordProgress({ case: c, events: events([0]) });
    await recordProgress({ case: { ...c, revision: 1, assignee: 'usr_agent' }, events: events([0]) });
    expect((await findCase(database.db, c.id))?.assignee).toBe('usr_agent');
    expect((await verifyStream(database.db, c.id)).verdict).toEqual({ ok: true, events: 1 });
  });

  it('chains after a refusal that took the trail between its read and its write', async () => {
    const c = newCase();
    let recording: Promise<void> | undefined;
    // A refusal being audited holds the trail's lock with its row written and not yet committed, as
    // `auditDenial` does; the batch reads the head without that row and must wait for the lock to write.
    await database.db.transaction(async (tx) => {
      await appendAudit(tx, [
        {
          stream: c.id,
          at: new Date().toISOString(),
          actor: 'usr_other',
          action: 'case.claim',
          outcome: 'denied',
          details: { code: 'forbidden' },
          caseId: c.id,
          accountId: c.accountId,
        },
      ]);
      recording = recordProgress({ case: c, events: events([0]) });
      await eventually(
        async () =>
          (
            await database.db.execute<{ n: number }>(
              sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`,
            )
          )[0]?.n ?? 0,
        (waiting) => waiting > 0,
        { what: 'the batch waiting for the trail' },
      );
    });
    await recording;

    const { events: stored, verdict } = await verifyStream(database.db, c.id);
    expect(verdict).toEqual({ ok: true, events: 2 });
    expect(stored.map((e) => [e.action, e.outcome])).toEqual([
      ['case.claim', 'denied'],
      ['step.0', 'accepted'],
    ]);
  });
});
