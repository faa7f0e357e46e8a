import { ACCESS_STREAM, recordAudit } from '../db/audit.js';
import type { Database } from '../db/client.js';
import type { DomainError } from '../domain/errors.js';
import { errorStatus } from './errors.js';

const audited = new WeakSet<DomainError>();

/**
 * Writes the audit row of a refused attempt: on the case's stream when there is a case, on `access`
 * otherwise. A refusal is recorded once, however many layers it passes on its way out.
 */
export async function auditDenial(
  db: Database,
  error: DomainError,
  attempt: {
    actor: string;
    action: string;
    caseId?: string | undefined;
    accountId?: string | undefined;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  if (audited.has(error)) return;
  audited.add(error);
  await recordAudit(db, [
    {
      stream: attempt.caseId ?? ACCESS_STREAM,
      at: new Date().toISOString(),
      actor: attempt.actor,
      action: attempt.action,
      outcome: 'denied',
      details: { code: error.code, detail: error.detail, ...error.context, ...attempt.details },
      caseId: attempt.caseId ?? null,
      accountId: attempt.accountId ?? null,
    },
  ]).catch(() => undefined);
}

/** Every 403 is a denial worth a row; case routes also record refusals of state (409) themselves. */
export function isDenial(error: DomainError): boolean {
  return errorStatus[error.code] === 403;
}
