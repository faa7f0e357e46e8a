import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../db/audit.js';
import type { Database } from '../../db/client.js';
import type { AccountControls, ApplyControl, Control } from '../../domain/controls.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/permissions.js';
import { authorize, inScope } from '../../domain/permissions.js';
import type { CaseService } from './cases.js';

/** What a caller asks for; who asks and under which key come from the request itself. */
export type ApplyControlRequest = Omit<ApplyControl, 'idempotencyKey' | 'actor'>;

export interface AppliedControl {
  control: Control;
  afterReviewCaseId: string | null;
}

/** A person applying a restriction by hand is break-glass; the risk engine applying one is routine. */
function isBreakGlass(actor: Actor, control: Control): boolean {
  return control.category === 'restriction' && !actor.roles.includes('risk_engine');
}

/**
 * Applies a control at once (making an account safer needs no checker). A person's restriction then owes
 * an after-review: on the case named in the request if it can take one, otherwise on a new internal case,
 * so the obligation is never lost even if that case is closed or its workers are down.
 */
export async function applyControl(
  deps: { db: Database; controls: AccountControls; cases: CaseService },
  actor: Actor,
  request: ApplyControlRequest,
  idempotencyKey: string | undefined,
): Promise<AppliedControl> {
  authorize(actor, 'controls.apply', request.businessLine);
  const control = await deps.controls.apply({
    idempotencyKey: idempotencyKey ? `${actor.id}:${idempotencyKey}` : randomUUID(),
    accountId: request.accountId,
    kind: request.kind,
    businessLine: request.businessLine,
    reason: request.reason,
    source: request.source,
    externalRef: request.externalRef,
    actor: actor.id,
    caseId: request.caseId,
  });
  await recordAudit(deps.db, [
    {
      stream: `account:${request.accountId}`,
      at: new Date().toISOString(),
      actor: actor.id,
      action: 'control.applied',
      outcome: 'accepted',
      details: {
        controlId: control.id,
        kind: control.kind,
        reason: control.reason,
        source: control.source,
        externalRef: control.externalRef,
        caseId: request.caseId ?? null,
      },
      accountId: request.accountId,
      eventKey: `applied:${control.id}`,
    },
  ]);
  if (!isBreakGlass(actor, control)) return { control, afterReviewCaseId: null };

  const review = { controlId: control.id, kind: control.kind, appliedBy: actor.id, reason: control.reason };
  if (request.caseId) {
    try {
      await deps.cases.act(actor, request.caseId, 'requestAfterReview', review);
      return { control, afterReviewCaseId: request.caseId };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  const internal = await deps.cases.createInternal(
    actor,
    {
      type: 'complaint',
      accountId: control.accountId,
      businessLine: control.businessLine,
      channel: 'internal',
      subject: `After-review of a ${control.kind} applied by hand`,
      description:
        `${actor.name} applied ${control.kind} (${control.id}) without a checker: ${control.reason}` +
        (request.caseId ? ` (named case ${request.caseId} could not take the review)` : ''),
    },
    review,
  );
  return { control, afterReviewCaseId: internal.id };
}

/** The account's controls in the caller's business lines. */
export async function listControls(
  controls: AccountControls,
  actor: Actor,
  accountId: string,
): Promise<Control[]> {
  return (await controls.list(accountId)).filter((c) => inScope(actor, c.businessLine));
}
