import type { Database } from '../../db/client.js';
import type { OperationsReport } from '../../db/reports.js';
import { openCases, operationsReport } from '../../db/reports.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/permissions.js';
import { requireScope } from '../../domain/permissions.js';
import type { BusinessLine } from '../../domain/vocabulary.js';
import type { WorkloadReport } from '../../domain/workload.js';
import { workload } from '../../domain/workload.js';

/** The operations report over [from, to), for one business line or, with the `*` scope, all of them. */
export async function reportOperations(
  db: Database,
  actor: Actor,
  window: { from: Date; to: Date; businessLine?: BusinessLine | undefined },
): Promise<OperationsReport> {
  requireReportScope(actor, window.businessLine);
  return operationsReport(db, window);
}

/** Open work now per agent and per department, for one business line or, with the `*` scope, all. */
export async function reportWorkload(
  db: Database,
  actor: Actor,
  businessLine: BusinessLine | undefined,
  now = new Date(),
): Promise<WorkloadReport> {
  requireReportScope(actor, businessLine);
  return workload(await openCases(db, businessLine), now, businessLine ?? null);
}

function requireReportScope(actor: Actor, businessLine: BusinessLine | undefined): void {
  if (businessLine) requireScope(actor, businessLine);
  else if (!actor.businessLines.includes('*')) {
    throw new DomainError(
      'out_of_scope',
      'a report across all business lines needs the * scope; pass businessLine',
    );
  }
}
