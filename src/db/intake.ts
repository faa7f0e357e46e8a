import type { Case } from '../domain/case.js';
import type { AuditEntry } from '../domain/lifecycle/rule.js';
import { caseAuditInputs, chainRows, emptyHead, insertFirstRow } from './audit.js';
import type { Executor } from './client.js';
import { writeTogether } from './client.js';
import { claimControls, controlConflict, saveCase } from './projections.js';

/**
 * A new case's rows in one statement: its claims on the controls it names, its projection, and its
 * opening entry, the first of its trail. Call inside a transaction: a claim lost to another case throws,
 * and the transaction takes the rest back. Written again (a retried intake, or the rows of a run whose
 * intake never committed) it changes nothing stored: the claims are this case's already, a stored
 * projection is no older, and the trail's first row is the opening, which the run records first too.
 */
export async function writeNewCase(
  tx: Executor,
  c: Case,
  opening: AuditEntry & { revision: number },
): Promise<void> {
  const [first] = chainRows(caseAuditInputs(c, [opening]), [emptyHead(c.id)]);
  if (!first) throw new Error(`no opening row for case ${c.id}`);
  const projection = saveCase(tx, c);
  const trail = insertFirstRow(tx, first);
  if (c.controlIds.length === 0) {
    await writeTogether(tx, projection, [trail]);
    return;
  }
  const claimed = await writeTogether(tx, claimControls(tx, c.id, c.controlIds), [projection, trail]);
  if (claimed < c.controlIds.length) throw await controlConflict(tx, c.id, c.controlIds);
}
