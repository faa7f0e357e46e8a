import { appendAudit } from '../../db/audit.js';
import type { Database } from '../../db/client.js';
import {
  deliveryStateOf,
  deliveryView,
  findNotification,
  listDeliveries,
  retryDelivery,
} from '../../db/outbox.js';
import { DomainError } from '../../domain/errors.js';
import type { DeliveryState } from '../../domain/notifications.js';
import type { Actor } from '../../domain/permissions.js';
import type { NotificationDelivery } from '../../domain/schemas/notifications.js';

/** Opaque to clients: the id of the last delivery of the previous page. */
function encodeCursor(id: number): string {
  return Buffer.from(`n${id}`).toString('base64url');
}

function decodeCursor(text: string): number | undefined {
  const match = /^n([1-9][0-9]{0,15})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** A page of the outbox, newest first; `cursor` is a previous page's `nextCursor`. */
export async function listOutbox(
  db: Database,
  filters: { state?: DeliveryState | undefined; caseId?: string | undefined },
  limit: number,
  cursorText?: string,
): Promise<{ items: NotificationDelivery[]; nextCursor: string | null }> {
  const beforeId = cursorText === undefined ? undefined : decodeCursor(cursorText);
  if (cursorText !== undefined && beforeId === undefined) {
    throw new DomainError('validation_failed', 'cursor is not one this API gave out', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  }
  const rows = await listDeliveries(db, filters, limit, beforeId);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(deliveryView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

/**
 * Requeues one delivery for an admin, and audits it in the same transaction: on the case's own trail
 * when the delivery belongs to a case (so the timeline shows it), else on the `access` stream.
 */
export async function retryOutbox(
  db: Database,
  actor: Actor,
  id: number,
  comment: string | null,
): Promise<NotificationDelivery> {
  return db.transaction(async (tx) => {
    const before = await findNotification(tx, id);
    if (!before) throw new DomainError('not_found', `no notification ${id}`);
    if (before.status === 'delivered') {
      throw new DomainError(
        'already_delivered',
        `notification ${id} was delivered at ${before.deliveredAt?.toISOString() ?? 'some time'}; nothing to retry`,
      );
    }
    const requeued = await retryDelivery(tx, id);
    if (!requeued) {
      throw new DomainError(
        'already_delivered',
        `notification ${id} was delivered meanwhile; nothing to retry`,
      );
    }
    const view = deliveryView(requeued);
    await appendAudit(tx, [
      {
        stream: before.caseId ?? 'access',
        at: new Date().toISOString(),
        actor: actor.id,
        action: 'notification.retried',
        outcome: 'accepted',
        caseId: before.caseId,
        details: {
          notificationId: id,
          webhookId: view.webhookId,
          kind: before.kind,
          channel: before.channel,
          target: before.target,
          was: deliveryStateOf(before),
          attempts: before.attempts,
          lastError: before.lastError,
          comment,
        },
      },
    ]);
    return view;
  });
}
