import { ACCESS_STREAM, recordAudit } from '../../db/audit.js';
import type { Database } from '../../db/client.js';

/** Administrative actions change who may do what, so they share the `access` stream with grants. */
export async function auditAdmin(
  db: Database,
  actor: string,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(db, [
    { stream: ACCESS_STREAM, at: new Date().toISOString(), actor, action, outcome: 'accepted', details },
  ]);
}
