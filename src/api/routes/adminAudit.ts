import { recordAudit } from '../../db/audit.js';
import type { Database } from '../../db/client.js';

/** Administrative actions are audited on their own `admin` stream. */
export async function auditAdmin(
  db: Database,
  actor: string,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(db, [
    { stream: 'admin', at: new Date().toISOString(), actor, action, outcome: 'accepted', details },
  ]);
}
