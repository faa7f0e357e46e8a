import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.js';
import { connectDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { saveCase, saveCaseChanges } from '../../src/db/projections.js';
import { fourEyesDecisions } from '../../src/db/fourEyes.js';
import { caseDecisions } from '../../src/db/schema/index.js';
import { createUser } from '../../src/db/users.js';
import type { Case, Proposal } from '../../src/domain/case.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import { inject } from 'vitest';
import { freshDatabase } from '../support/freshDatabase.js';
import { caseInput, newAccountId } from '../support/world.js';

/*
 * `case_decisions` (migration 0012) holds exactly the approvals and rejections of the proposals the case
 * projection holds, whichever write put them there, and a write the projection refuses (older, replayed)
 * changes none of it.
 */

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1_000).toISOString();

function proposal(
  id: string,
  decided: { approvals?: [string, number][]; rejection?: [string, number]; evidence?: number },
): Proposal {
  return {
    id,
    controlIds: [],
    controlVersions: {},
    reasonCode: 'verified_owner',
    justification: 'The owner proved control of the account.',
    evidence: Array.from({ length: decided.evidence ?? 0 }, (_, i) => ({
      kind: 'other' as const,
      ref: `d-${i}`,
    })),
    maker: 'maker-1',
    requiredApprovals: 2,
    requiredRole: null,
    requiredRoles: [],
    approvals: (decided.approvals ?? []).map(([by, s]) => ({ by, at: at(s), comment: null, countsAs: null })),
    rejection: decided.rejection
      ? { by: decided.rejection[0], at: at(decided.rejection[1]), comment: 'no' }
      : null,
    status: decided.rejection ? 'rejected' : 'pending',
    createdAt: at(0),
    expiresAt: at(86_400),
    decidedAt: decided.rejection ? at(decided.rejection[1]) : null,
    offer: null,
  };
}

function caseWith(proposals: Proposal[], revision: number): Case {
  const opened = openCase(
    `DEC-${randomUUID().slice(0, 8)}`,
    caseInput(newAccountId(), { type: 'complaint', businessLine: 'p2p', controlIds: [] }),
    { tier: 'low', reasons: ['decisions table'] },
    'maker-1',
    at(-60),
  );
  return { ...opened, proposals, revision };
}

async function decisionsOf(database: DatabaseHandle, caseId: string) {
  const rows = await database.db.select().from(caseDecisions).where(eq(caseDecisions.caseId, caseId));
  return rows
    .map((r) => ({ ...r, at: r.at.toISOString() }))
    .sort((a, b) =>
      `${a.proposalId} ${a.checker} ${a.decision}`.localeCompare(
        `${b.proposalId} ${b.checker} ${b.decision}`,
      ),
    );
}

const row = (
  c: Case,
  proposalId: string,
  checker: string,
  decision: 'approved' | 'rejected',
  seconds: number,
  evidenceCount = 0,
) => ({
  caseId: c.id,
  proposalId,
  checker,
  decision,
  at: at(seconds),
  maker: 'maker-1',
  businessLine: 'p2p',
  evidenceCount,
});

describe('case_decisions follows the projection', () => {
  let database: DatabaseHandle;
  beforeAll(() => {
    database = connectDatabase(inject('databaseUrl'), 2);
  });
  afterAll(async () => database?.close());

  it('writes a new case’s decisions, merges later ones, and ignores writes the projection refuses', async () => {
    const first = caseWith(
      [
        proposal('prop-1', { approvals: [['checker-a', 10]], evidence: 2 }),
        proposal('prop-2', { rejection: ['checker-b', 20] }),
      ],
      5,
    );
    await saveCase(database.db, first);
    expect(await decisionsOf(database, first.id)).toEqual([
      row(first, 'prop-1', 'checker-a', 'approved', 10, 2),
      row(first, 'prop-2', 'checker-b', 'rejected', 20),
    ]);

    // The second approval arrives as merged changes, as the record activity writes them.
    const proposals = [
      proposal('prop-1', {
        approvals: [
          ['checker-a', 10],
          ['checker-c', 30],
        ],
        evidence: 2,
      }),
      first.proposals[1]!,
    ];
    const merged = await saveCaseChanges(
      database.db,
      { id: first.id, accountId: first.accountId, revision: 6, proposals },
      5,
    );
    expect(merged).toHaveLength(1);
    const afterMerge = [
      row(first, 'prop-1', 'checker-a', 'approved', 10, 2),
      row(first, 'prop-1', 'checker-c', 'approved', 30, 2),
      row(first, 'prop-2', 'checker-b', 'rejected', 20),
    ];
    expect(await decisionsOf(database, first.id)).toEqual(afterMerge);

    // A retried merge and a late whole case at the older revision: the projection keeps revision 6.
    expect(
      await saveCaseChanges(
        database.db,
        { id: first.id, accountId: first.accountId, revision: 6, proposals },
        5,
      ),
    ).toHaveLength(0);
    await saveCase(database.db, first);
    await saveCase(database.db, { ...first, proposals, revision: 6 });
    expect(await decisionsOf(database, first.id)).toEqual(afterMerge);

    // A change that leaves the proposals alone leaves their decisions alone.
    await saveCaseChanges(
      database.db,
      { id: first.id, accountId: first.accountId, revision: 7, status: 'in_review' },
      6,
    );
    expect(await decisionsOf(database, first.id)).toEqual(afterMerge);
  });

  it('holds nothing for a case without decided proposals', async () => {
    const pending = caseWith([proposal('prop-1', {})], 3);
    await saveCase(database.db, pending);
    const none = caseWith([], 1);
    await saveCase(database.db, none);
    expect(await decisionsOf(database, pending.id)).toEqual([]);
    expect(await decisionsOf(database, none.id)).toEqual([]);
  });
});

describe('migration 0012', () => {
  it('fills case_decisions from the cases stored before it', async () => {
    const fresh = await freshDatabase({ migratedThrough: '0011_assignment' });
    const database = connectDatabase(fresh.url, 1);
    try {
      const stored = caseWith(
        [
          proposal('prop-1', { approvals: [['checker-a', 10]], rejection: ['checker-b', 40], evidence: 1 }),
          proposal('prop-2', { approvals: [['checker-a', 50]] }),
        ],
        4,
      );
      await saveCase(database.db, stored);
      await runMigrations(fresh.url);
      expect(await decisionsOf(database, stored.id)).toEqual([
        row(stored, 'prop-1', 'checker-a', 'approved', 10, 1),
        row(stored, 'prop-1', 'checker-b', 'rejected', 40, 1),
        row(stored, 'prop-2', 'checker-a', 'approved', 50),
      ]);
    } finally {
      await database.close();
      await fresh.drop();
    }
  });
});

describe('fourEyesDecisions', () => {
  it('reads instants to the millisecond as a JavaScript Date keeps them, cut not rounded', async () => {
    const database = connectDatabase(inject('databaseUrl'), 1);
    try {
      const checker = (
        await createUser(database.db, {
          name: `Checker ${randomUUID().slice(0, 8)}`,
          roles: ['checker'],
          businessLines: ['p2p'],
          departments: [],
        })
      ).id;
      const c = caseWith([proposal('prop-1', { approvals: [[checker, 10]] })], 2);
      await saveCase(database.db, c);
      await database.db.execute(sql`
        insert into proposal_views (case_id, proposal_id, user_id, what, first_viewed_at)
        values (${c.id}, 'prop-1', ${checker}, 'proposal', ${'2026-03-02T09:00:02.999999Z'}::timestamptz)`);
      const read = await fourEyesDecisions(database.db, {
        from: new Date(at(10)),
        to: new Date(at(11)),
        businessLine: 'p2p',
      });
      expect(read.filter((d) => d.caseId === c.id)).toEqual([
        {
          caseId: c.id,
          proposalId: 'prop-1',
          maker: 'maker-1',
          checker,
          decision: 'approved',
          at: at(10),
          viewedAt: '2026-03-02T09:00:02.999Z',
          evidenceCount: 0,
          evidenceOpenedAt: null,
          remindedAt: null,
        },
      ]);
    } finally {
      await database.close();
    }
  });
});
