import type { Database } from '../../db/client.js';
import type { OperationsReport } from '../../db/reports.js';
import { operationsReport } from '../../db/reports.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/permissions.js';
import { requireScope } from '../../domain/permissions.js';
import type { BusinessLine } from '../../domain/vocabulary.js';

/** The operations report over [from, to), for one business line or, with the `*` scope, all of them. */
export async function reportOperations(
  db: Database,
  actor: Actor,
  window: { from: Date; to: Date; businessLine?: BusinessLine | undefined },
): Promise<OperationsReport> {
  if (window.businessLine) requireScope(actor, window.businessLine);
  else if (!actor.businessLines.includes('*')) {
    throw new DomainError(
      'out_of_scope',
      'a report across all business lines needs the * scope; pass businessLine',
    );
  }
  return operationsReport(db, window);
}
