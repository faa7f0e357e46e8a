import { caseAuditInputs, chainAuditOptimistic, insertAuditLocking, lostChainRace } from '../src/db/audit.js';
import { writeTogether } from '../src/db/client.js';
import { releaseControls, saveCase } from '../src/db/projections.js';
import type { Case } from '../src/domain/case.js';
import type { AuditEntry } from '../src/domain/lifecycle/rule.js';
import type { ActivityDeps } from './index.js';

export interface ProgressRecord {
  case: Case;
  /** Each event with the case revision it produced; the revision is its idempotency key in the audit log. */
  events: (AuditEntry & { revision: number })[];
}

const RACES_BEFORE_BACKOFF = 3;

export function createCaseRecordActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /**
     * Writes the audit rows and the case projection in one statement, so the business record and the
     * read model never disagree; a closed case gives its controls back to the claims table. Two round
     * trips and no transaction: the heads, read without a lock, then every write at once, which takes the
     * streams' locks before its rows go in. Another writer chaining onto the case's trail in between (an
     * audited refusal) makes the write fail whole; it is read and chained again.
     */
    async recordProgress(record: ProgressRecord): Promise<void> {
      const c = record.case;
      const events = caseAuditInputs(c, record.events);
      for (let attempt = 1; ; attempt += 1) {
        const rows = await chainAuditOptimistic(db, events);
        try {
          await writeTogether(db, saveCase(db, c), [
            ...(rows.length > 0 ? [insertAuditLocking(rows)] : []),
            ...(c.status === 'closed' ? [releaseControls(db, c.id)] : []),
          ]);
          return;
        } catch (error) {
          // Past a few lost races in a row the activity's own retry takes over, after its backoff.
          if (!lostChainRace(error) || attempt === RACES_BEFORE_BACKOFF) throw error;
        }
      }
    },
  };
}
