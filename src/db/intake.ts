import type { Case } from '../domain/case.js';
import { OPENING_REVISION } from '../domain/lifecycle/intake.js';
import type { AuditEntry } from '../domain/lifecycle/rule.js';
import type { AuditHead } from './audit.js';
import { caseAuditInputs, chainRows, eventKeyOf, insertAudit, lockHeads } from './audit.js';
import type { Executor } from './client.js';
import { claimControls, saveCase } from './projections.js';

/**
 * A new case's first round trip, which needs only its id and the controls it names, so it can go out
 * before the case is assessed: its claims on those controls, and its trail's lock and head. Call inside
 * a transaction: a claim lost to another case throws, and the transaction takes the rest back.
 */
export async function claimNewCase(
  tx: Executor,
  caseId: string,
  controlIds: readonly string[],
): Promise<AuditHead[]> {
  const [, heads] = await Promise.all([
    claimControls(tx, caseId, controlIds),
    lockHeads(tx, [caseId], [eventKeyOf(OPENING_REVISION)]),
  ]);
  return heads;
}

/**
 * Its second, once the case is assessed: the projection, and the opening entry chained onto the head
 * `claimNewCase` read (nothing when a retried intake finds it stored), in the same transaction.
 */
export async function writeNewCase(
  tx: Executor,
  c: Case,
  opening: AuditEntry & { revision: number },
  heads: readonly AuditHead[],
): Promise<void> {
  const rows = chainRows(caseAuditInputs(c, [opening]), heads);
  await Promise.all([saveCase(tx, c), rows.length > 0 ? insertAudit(tx, rows) : undefined]);
}
