import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ChangesOutcome, ChangesRecord, ProgressRecord } from '../../activities/caseRecords.js';
import { createCaseRecordActivities } from '../../activities/caseRecords.js';
import { appendAudit, lostChainRace, verifyStream } from '../../src/db/audit.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { connectDatabase } from '../../src/db/client.js';
import { claimControls, findCase } from '../../src/db/projections.js';
import type { Case } from '../../src/domain/case.js';
import { changesSince } from '../../src/domain/case.js';
import { assessIntake, openCase } from '../../src/domain/lifecycle/intake.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

/*
 * The record activities against the real PostgreSQL, without a workflow: what a retry, an
 * overlapping batch and a concurrent writer leave in the audit chain and the projection, and how many
 * statements a batch costs.
 */
let database: DatabaseHandle;
let statements: string[] = [];
let recordProgress: (record: ProgressRecord) => Promise<void>;
let recordChanges: (record: ChangesRecord) => Promise<ChangesOutcome>;

beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), 3, { onStatement: (text) => statements.push(text) });
  ({ recordProgress, recordChanges } = createCaseRecordActivities({ db: database.db }));
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

describe('recordChanges', () => {
  /** The case after an agent claimed it: two fields and the revision differ from the opened one. */
  function claimed(c: Case): Case {
    return {
      ...c,
      revision: c.revision + 1,
      status: 'in_review',
      assignee: 'usr_agent',
      updatedAt: new Date().toISOString(),
    };
  }

  it('merges the changed fields onto the projection held at `since`, columns included', async () => {
    const opened = newCase();
    await recordProgress({ case: opened, events: events([0]) });
    const next = claimed(opened);
    const changes = changesSince(opened, next)!;
    expect(Object.keys(changes).sort()).toEqual([
      'accountId',
      'assignee',
      'id',
      'revision',
      'status',
      'updatedAt',
    ]);
    statements = [];
    expect(await recordChanges({ changes, since: 0, events: events([1]) })).toBe('recorded');
    expect(statements).toHaveLength(2);
    expect(await findCase(database.db, opened.id)).toEqual(next);
    const [row] = await database.db.execute<{ status: string; assignee: string; revision: number }>(
      sql`select status, assignee, revision from cases where id = ${opened.id}`,
    );
    expect(row).toEqual({ status: 'in_review', assignee: 'usr_agent', revision: 1 });
    expect((await verifyStream(database.db, opened.id)).verdict).toEqual({ ok: true, events: 2 });
  });

  it('retried after it committed, changes nothing and says it is recorded', async () => {
    const opened = newCase();
    await recordProgress({ case: opened, events: events([0]) });
    const record = { changes: changesSince(opened, claimed(opened))!, since: 0, events: events([1]) };
    await recordChanges(record);
    const first = await verifyStream(database.db, opened.id);
    expect(await recordChanges(record)).toBe('recorded');
    expect((await verifyStream(database.db, opened.id)).events).toEqual(first.events);
    expect((await findCase(database.db, opened.id))?.revision).toBe(1);
  });

  it('asks for the whole case when the projection does not hold the case at `since`, and keeps the events', async () => {
    const opened = newCase();
    const next = claimed(opened);
    const changes = changesSince(opened, next)!;
    expect(await recordChanges({ changes, since: 0, events: events([0, 1]) })).toBe('whole_case_needed');
    expect(await findCase(database.db, opened.id)).toBeUndefined();
    expect((await verifyStream(database.db, opened.id)).verdict).toEqual({ ok: true, events: 2 });

    await recordProgress({ case: next, events: events([0, 1]) });
    expect(await findCase(database.db, opened.id)).toEqual(next);
    expect((await verifyStream(database.db, opened.id)).verdict).toEqual({ ok: true, events: 2 });
  });

  it('gives the claims back when the changes close the case', async () => {
    const opened = newCase();
    const controlId = `ctl_${randomUUID().slice(0, 8)}`;
    await claimControls(database.db, opened.id, [controlId]);
    await recordProgress({ case: opened, events: events([0]) });
    const closed: Case = {
      ...opened,
      revision: 1,
      status: 'closed',
      outcome: 'rejected',
      closedAt: new Date().toISOString(),
    };
    expect(
      await recordChanges({ changes: changesSince(opened, closed)!, since: 0, events: events([1]) }),
    ).toBe('recorded');
    const held = await database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from case_control_claims where control_id = ${controlId}`,
    );
    expect(held[0]?.n).toBe(0);
    expect((await findCase(database.db, opened.id))?.status).toBe('closed');
  });
});
