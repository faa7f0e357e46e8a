import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';

/**
 * How long Temporal keeps a closed run's history, set explicitly rather than left to the server's
 * default: `npm start`'s dev server sets it at start, and docker-compose.yml's setup creates the namespace
 * with it (`--retention 720h`). dualkey's records live in PostgreSQL, so nothing about a closed case
 * needs its run once the retention has deleted it (docs/operations.md).
 */
export const CLOSED_RUN_RETENTION_DAYS = 30;

export async function setClosedRunRetention(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(`${CLOSED_RUN_RETENTION_DAYS} days`) },
  });
}
