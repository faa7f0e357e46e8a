import { inArray } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { fourEyesDecisions } from '../db/fourEyes.js';
import type { OutboxRouting } from '../db/outbox.js';
import { enqueueNotification, plannedDeliveries, queuedKeys } from '../db/outbox.js';
import { users } from '../db/schema/index.js';
import { fourEyesReport } from '../domain/fourEyes.js';
import { digestPayload, isoWeekRange } from '../domain/fourEyesDigest.js';
import type { NotificationKind } from '../domain/notifications.js';
import type { Policy } from '../domain/policy.js';
import type { Department } from '../domain/vocabulary.js';

const KIND: NotificationKind = 'four_eyes.digest';

export interface DigestOutcome {
  week: string;
  /** Recipients whose digest of the week was queued now. */
  queued: string[];
  /** Recipients who had it already: nothing was queued for them. */
  alreadySent: string[];
}

/**
 * Queues the four-eyes digest of one ISO week for each department lead in `leads`, routed as any
 * notification to `lead:<department>` is. The key of each delivery names the week and the recipient, so
 * however often this runs (two workers, a restart, an operator's trigger), each gets one digest a week.
 * The figures are the `GET /v1/reports/four-eyes` report over the week, across all business lines.
 */
export async function sendFourEyesDigest(
  deps: { db: Database; outbox: OutboxRouting; policy: Policy },
  week: string,
  leads: readonly Department[],
): Promise<DigestOutcome> {
  const range = isoWeekRange(week);
  if (!range) throw new Error(`${week} is not an ISO week such as 2026-W49`);
  const planned = leads.map((d) => {
    const input = { key: `four-eyes-digest:${week}:lead:${d}`, recipient: `lead:${d}`, kind: KIND };
    return { input, keys: plannedDeliveries(input, deps.outbox).map((p) => p.key) };
  });
  const queued = await queuedKeys(
    deps.db,
    planned.flatMap((p) => p.keys),
  );
  const due = planned.filter((p) => p.keys.some((k) => !queued.has(k)));
  const alreadySent = planned.filter((p) => !due.includes(p)).map((p) => p.input.recipient);
  if (due.length === 0) return { week, queued: [], alreadySent };

  const report = fourEyesReport(await fourEyesDecisions(deps.db, range), range, deps.policy.fourEyes);
  const ids = [
    ...new Set([...report.neverRejected, ...report.concentration.flatMap((c) => [c.maker, c.topChecker])]),
  ];
  const names = new Map(
    ids.length === 0
      ? []
      : (
          await deps.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))
        ).map((u) => [u.id, u.name]),
  );
  const payload = digestPayload(week, report, (id) => names.get(id) ?? id);
  for (const { input } of due) {
    await enqueueNotification(deps.db, { ...input, caseId: null, payload }, deps.outbox);
  }
  return { week, queued: due.map((p) => p.input.recipient), alreadySent };
}
