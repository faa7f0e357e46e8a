import { z } from 'zod';
import { BusinessLine, CaseStatus } from '../domain/schemas/vocabulary.js';
import type { DatabaseHandle } from './client.js';

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
 * Keeps a LISTEN open for as long as it runs. After a lost connection is replaced, changes made while it
 * was gone are not replayed, so subscribers are told to refetch everything.
 */
export function listenCaseChanges(
  database: Pick<DatabaseHandle, 'listen'>,
  handlers: { onChange(change: CaseChange): void; onReconnect(): void },
): CaseChangeListener {
  let closed = false;
  let listening = false;
  let retry: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  const onNotify = (payload: string) => {
    const parsed = CaseChange.safeParse(JSON.parse(payload));
    if (parsed.success) handlers.onChange(parsed.data);
  };
  const onListen = () => {
    if (listening) handlers.onReconnect();
    listening = true;
  };
  const start = (): void => {
    database.listen(channel, onNotify, onListen).then(
      (subscription) => {
        if (closed) void subscription.unlisten().catch(() => undefined);
        else unlisten = subscription.unlisten;
      },
      // PostgreSQL is down at the first subscriber: try again until it is back or the feed closes.
      () => {
        if (!closed) retry = setTimeout(start, 1_000);
      },
    );
  };
  start();

  return {
    close() {
      closed = true;
      clearTimeout(retry);
      void unlisten?.().catch(() => undefined);
      unlisten = undefined;
    },
  };
}
