import { appendAudit } from '../src/db/audit.js';
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
     * read model never disagree; a closed case gives its controls back to the claims table.
     */
    async recordProgress(record: ProgressRecord): Promise<void> {
      const c = record.case;
      await db.transaction(async (tx) => {
        await appendAudit(
          tx,
          record.events.map((e) => ({
            stream: c.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            outcome: 'accepted' as const,
            details: e.details,
            caseId: c.id,
            accountId: c.accountId,
            eventKey: `r${e.revision}`,
          })),
        );
        await saveCase(tx, c);
        if (c.status === 'closed') await releaseControls(tx, c.id);
      });
    },
  };
}
