import type { SQLWrapper } from 'drizzle-orm';
import { caseAuditInputs, chainAuditOptimistic, insertAuditLocking, lostChainRace } from '../src/db/audit.js';
import type { Database } from '../src/db/client.js';
import { writeTogether } from '../src/db/client.js';
import { releaseControls, saveCase, saveCaseChanges, storedRevision } from '../src/db/projections.js';
import type { Case, CaseChanges } from '../src/domain/case.js';
import type { AuditEntry } from '../src/domain/lifecycle/rule.js';
import type { ActivityDeps } from './index.js';

/** Each event with the case revision it produced; the revision is its idempotency key in the audit log. */
type RecordedEvent = AuditEntry & { revision: number };

export interface ProgressRecord {
  case: Case;
  events: RecordedEvent[];
}

/** A record that carries only what changed since the one the projection holds at revision `since`. */
export interface ChangesRecord {
  changes: CaseChanges;
  since: number;
  events: RecordedEvent[];
}

/**
 * `whole_case_needed`: the projection does not hold the case at `since` (its starter never wrote it, or
 * wrote it at another revision), so the changes cannot be merged; the audit rows are written all the same.
 */
export type ChangesOutcome = 'recorded' | 'whole_case_needed';

const RACES_BEFORE_BACKOFF = 3;

/**
 * Writes the audit rows and the case projection in one statement, so the business record and the read
 * model change together (a merge with nothing to merge onto aside, whose whole case follows at once); a
 * closed case gives its controls back to the claims table. Two round trips and
 * no transaction: the heads, read without a lock, then every write at once, which takes the streams'
 * locks before its rows go in. Another writer chaining onto the case's trail in between (an audited
 * refusal) makes the write fail whole; it is read and chained again. Returns the rows `projection` wrote.
 */
async function writeRecord(
  db: Database,
  c: Pick<Case, 'id' | 'accountId'> & Partial<Pick<Case, 'status'>>,
  events: readonly RecordedEvent[],
  projection: SQLWrapper,
): Promise<number> {
  const inputs = caseAuditInputs(c, events);
  for (let attempt = 1; ; attempt += 1) {
    const rows = await chainAuditOptimistic(db, inputs);
    try {
      return await writeTogether(db, projection, [
        ...(rows.length > 0 ? [insertAuditLocking(rows)] : []),
        ...(c.status === 'closed' ? [releaseControls(db, c.id)] : []),
      ]);
    } catch (error) {
      // Past a few lost races in a row the activity's own retry takes over, after its backoff.
      if (!lostChainRace(error) || attempt === RACES_BEFORE_BACKOFF) throw error;
    }
  }
}

export function createCaseRecordActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** The audit rows and the whole case. */
    async recordProgress(record: ProgressRecord): Promise<void> {
      await writeRecord(db, record.case, record.events, saveCase(db, record.case));
    },

    /** The audit rows and the case's changed fields, merged onto the projection at `since`. */
    async recordChanges(record: ChangesRecord): Promise<ChangesOutcome> {
      const { changes, since } = record;
      const written = await writeRecord(db, changes, record.events, saveCaseChanges(db, changes, since));
      if (written > 0) return 'recorded';
      // Nothing merged: written already by an attempt whose answer was lost, or not mergeable at all.
      const stored = await storedRevision(db, changes.id);
      return stored !== undefined && stored >= changes.revision ? 'recorded' : 'whole_case_needed';
    },
  };
}
