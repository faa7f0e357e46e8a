import type pg from 'pg';
import { z } from 'zod';
import { BusinessLine, CaseStatus } from '../domain/vocabulary.js';

/** What the `cases_notify_change` trigger (migration 0003) announces for each projection write. */
export const CaseChange = z.object({
  caseId: z.string(),
  revision: z.number().int(),
  status: CaseStatus,
  businessLine: BusinessLine,
});
export type CaseChange = z.infer<typeof CaseChange>;

const channel = 'dualkey_case_changed';

export interface CaseChangeListener {
  close(): void;
}

/**
 * Holds one pooled connection in LISTEN for as long as it runs. A lost connection is replaced after a
 * pause; changes made while it was gone are not replayed, so subscribers are told to refetch everything.
 */
export function listenCaseChanges(
  pool: pg.Pool,
  handlers: { onChange(change: CaseChange): void; onReconnect(): void },
): CaseChangeListener {
  let client: pg.PoolClient | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== channel || !message.payload) return;
    const parsed = CaseChange.safeParse(JSON.parse(message.payload));
    if (parsed.success) handlers.onChange(parsed.data);
  };

  const connect = async (reconnecting: boolean): Promise<void> => {
    let next: pg.PoolClient | undefined;
    try {
      next = await pool.connect();
      next.on('notification', onNotification);
      await next.query(`LISTEN ${channel}`);
    } catch {
      next?.release(true);
      if (!closed) retry = setTimeout(() => void connect(true), 1_000);
      return;
    }
    if (closed) {
      next.release(true);
      return;
    }
    const listening = next;
    listening.once('error', () => {
      listening.release(true);
      client = undefined;
      if (!closed) retry = setTimeout(() => void connect(true), 1_000);
    });
    client = listening;
    if (reconnecting) handlers.onReconnect();
  };
  void connect(false);

  return {
    close() {
      closed = true;
      clearTimeout(retry);
      // Destroyed rather than returned to the pool, so no later borrower inherits the LISTEN.
      client?.release(true);
      client = undefined;
    },
  };
}
