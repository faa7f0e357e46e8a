import { caseAuditInputs, chainAudit, insertAudit } from '../src/db/audit.js';
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

export function createCaseRecordActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /**
     * Writes the audit rows and the case projection in one transaction, so the business record and the
     * read model never disagree; a closed case gives its controls back to the claims table. Two round
     * trips inside it: the stream's lock and head, then every write as one statement.
     */
    async recordProgress(record: ProgressRecord): Promise<void> {
      const c = record.case;
      await db.transaction(async (tx) => {
        const rows = await chainAudit(tx, caseAuditInputs(c, record.events));
        await writeTogether(tx, saveCase(tx, c), [
          ...(rows.length > 0 ? [insertAudit(tx, rows)] : []),
          ...(c.status === 'closed' ? [releaseControls(tx, c.id)] : []),
        ]);
      });
    },
  };
}
