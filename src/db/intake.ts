import type { Case } from '../domain/case.js';
import type { AuditEntry } from '../domain/lifecycle/rule.js';
import type { AuditRow } from './audit.js';
import { caseAuditInputs, chainAudit } from './audit.js';
import type { Executor } from './client.js';
import { claimControls, saveCase } from './projections.js';

/**
 * What a new case starts with in the database: its claims on the controls it names, its projection, and
 * its opening entry at the head of its trail. The claim, the projection and the trail's lock and head
 * go out in one round trip; the opening's row, chained onto that head, comes back for `insertAudit` (none
 * when a retried intake finds it stored). Call inside a transaction: a claim lost to another case throws,
 * and the transaction takes the rest back.
 */
export async function writeNewCase(
  tx: Executor,
  c: Case,
  opening: AuditEntry & { revision: number },
): Promise<AuditRow[]> {
  const [, , rows] = await Promise.all([
    claimControls(tx, c.id, c.controlIds),
    saveCase(tx, c),
    chainAudit(tx, caseAuditInputs(c, [opening])),
  ]);
  return rows;
}
