import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { PostgresAccountControls } from '../src/db/accountControls/postgres.js';
import type { Database } from '../src/db/client.js';
import { connectDatabase } from '../src/db/client.js';
import type { OutboxRouting } from '../src/db/outbox.js';
import { enqueueNotification, messageIdOf, notificationsForCase } from '../src/db/outbox.js';
import type { DeliveryChannel } from '../src/domain/notifications.js';
import { resolveNotificationRouting } from '../src/domain/schemas/notifications.js';
import { CATCH_ALL_ENDPOINT, createChannels, withCatchAll } from '../src/notify/channels.js';
import { startDispatcher } from '../src/worker/dispatcher.js';
import { startMailServer, startWebhookReceiver } from '../test/support/channels.js';
import type { ThrowawayStack } from '../test/support/stack.js';
import { startThrowawayStack } from '../test/support/stack.js';
import type { SectionResult } from './section.js';
import { check, percentile, report } from './section.js';

/*
 * The outbox under a backlog: `count` escalation notifications queued at once, then drained by one
 * dispatcher (as one worker process runs it) to a real in-process SMTP server (smtp-server) and, in a
 * second run, a real webhook receiver that verifies every signature. Throughput is from the dispatcher's
 * start to the last arrival; latency from each row's queuing to its arrival. The baseline is the same
 * number of messages sent by the same notifier one after another with no outbox in between, in the same
 * run, so the ratio is what leasing, marking and backoff bookkeeping cost. `npx tsx bench/notifications.ts`
 * runs it alone on a throw-away stack.
 */

const SECRET = 'whsec_YmVuY2gtd2ViaG9vay1zaWduaW5nLXNlY3JldA==';
/*
 * With a backlog, the last message waits for all before it: latency p99 is held against the time the same
 * messages take sent back to back, not against a figure in ms that would move with the machine's load.
 */
const goals = { throughputVsDirect: 0.8, latencyP99VsDirectDrain: 1.5 };

interface Arrivals {
  count(): number;
  /** Arrival time (epoch ms) of each message, by the delivery's webhook-id or Message-ID. */
  at(): Map<string, number>;
}

const payload = (i: number) => ({
  escalationId: `esc-${i}`,
  department: 'technical',
  question: 'Was the login from a known device?',
  dueAt: new Date(Date.now() + 3_600_000).toISOString(),
});

async function until(done: () => boolean, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function drain(options: {
  db: Database;
  channel: DeliveryChannel;
  count: number;
  outbox: OutboxRouting;
  notifier: Parameters<typeof startDispatcher>[0]['notifier'];
  arrivals: Arrivals;
  run: string;
}) {
  const { db, channel, count, arrivals } = options;
  const caseId = `BENCH-${options.run}-${channel}`;
  const target = channel === 'email' ? 'technical@dualkey.example' : CATCH_ALL_ENDPOINT;

  // Baseline: the same notifier, one message after another, nothing queued or marked.
  const before = arrivals.count();
  const directStarted = performance.now();
  for (let i = 0; i < count; i++) {
    await options.notifier.deliver({
      id: i,
      messageId: `direct_${options.run}_${channel}_${i}`,
      recipient: 'department:technical',
      kind: 'escalation.opened',
      caseId,
      channel,
      target,
      payload: payload(i),
      createdAt: new Date().toISOString(),
    });
  }
  await until(() => arrivals.count() >= before + count, 120_000, 'the direct sends');
  const directSeconds = (performance.now() - directStarted) / 1_000;

  for (let i = 0; i < count; i++) {
    await enqueueNotification(
      db,
      {
        key: `bench-${options.run}-${channel}-${i}`,
        recipient: 'department:technical',
        kind: 'escalation.opened',
        caseId,
        payload: payload(i),
      },
      options.outbox,
    );
  }
  const queued = before + 2 * count;
  const started = performance.now();
  const dispatcher = startDispatcher({
    db,
    notifier: options.notifier,
    log: pino({ level: 'silent' }),
    intervalMs: 100,
    channels: [channel],
  });
  try {
    await until(() => arrivals.count() >= queued, 600_000, `${count} queued ${channel} deliveries`);
  } finally {
    await dispatcher.stop();
  }
  const seconds = (performance.now() - started) / 1_000;
  const rows = await notificationsForCase(db, caseId);
  const arrivedAt = arrivals.at();
  const latencies = rows.flatMap((row) => {
    const at = arrivedAt.get(row.key);
    return at === undefined ? [] : [at - row.createdAt.getTime()];
  });
  return {
    perSecond: count / seconds,
    directPerSecond: count / directSeconds,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    delivered: latencies.length,
    attempts: rows.reduce((sum, r) => sum + r.attempts, 0),
  };
}

export async function measureNotifications(
  stack: ThrowawayStack,
  options: { count?: number } = {},
): Promise<SectionResult> {
  const count = options.count ?? 1_000;
  const database = connectDatabase(stack.databaseUrl);
  const [mail, receiver] = await Promise.all([startMailServer(), startWebhookReceiver(SECRET)]);
  try {
    const settings = {
      NOTIFY_SMTP_URL: mail.url,
      NOTIFY_EMAIL_FROM: 'dualkey bench <bench@dualkey.example>',
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: [SECRET],
    };
    const parsed = resolveNotificationRouting({});
    if (!parsed.success) throw new Error(parsed.error.message);
    const routing = withCatchAll(parsed.data, settings);
    const channels = createChannels({
      settings,
      routing,
      db: database.db,
      contacts: new PostgresAccountControls(database.db, 'owner@bench.example'),
      publicUrl: 'http://127.0.0.1:3000',
      log: pino({ level: 'silent' }),
    });
    const run = Date.now().toString(36);
    // The messages carry the delivery's id; arrivals are matched back to rows by the key it derives from.
    const byId = (ids: Iterable<[string, number]>, keys: string[]) => {
      const at = new Map(ids);
      return new Map(
        keys.flatMap((key) => {
          const time = at.get(messageIdOf(key));
          return time === undefined ? [] : [[key, time] as [string, number]];
        }),
      );
    };
    const keysOf = (channel: DeliveryChannel) =>
      Array.from({ length: count }, (_, i) => `bench-${run}-${channel}-${i}`);
    const webhook = await drain({
      db: database.db,
      channel: 'webhook',
      count,
      outbox: { routing, email: false },
      notifier: channels.notifier,
      arrivals: {
        count: () => receiver.events.length,
        at: () =>
          byId(
            receiver.events.map((e) => [e.id, e.at]),
            keysOf('webhook').map((k) => `${k}|webhook:${CATCH_ALL_ENDPOINT}`),
          ),
      },
      run,
    });
    const email = await drain({
      db: database.db,
      channel: 'email',
      count,
      outbox: { routing: parsed.data, email: true },
      notifier: channels.notifier,
      arrivals: {
        count: () => mail.mails.length,
        at: () =>
          byId(
            mail.mails.map((m) => [m.messageId.replace(/^<|@dualkey>$/g, ''), m.at]),
            keysOf('email').map((k) => `${k}|email:technical@dualkey.example`),
          ),
      },
      run,
    });
    channels.close();
    const ratio = (side: typeof webhook) => side.perSecond / side.directPerSecond;
    const drainRatio = (side: typeof webhook) => side.latencyP99Ms / ((count / side.directPerSecond) * 1_000);
    return {
      figures: {
        queued: count,
        webhook: { ...webhook, vsDirect: ratio(webhook), p99VsDirectDrain: drainRatio(webhook) },
        email: { ...email, vsDirect: ratio(email), p99VsDirectDrain: drainRatio(email) },
        signatureFailures: receiver.rejected,
        webhookRepeats: receiver.repeats,
      },
      checks: [
        check(
          `${count} queued webhooks: throughput vs direct sends (x)`,
          ratio(webhook),
          `>= ${goals.throughputVsDirect}`,
        ),
        check(
          `${count} queued mails: throughput vs direct sends (x)`,
          ratio(email),
          `>= ${goals.throughputVsDirect}`,
        ),
        check(
          `${count} queued webhooks: latency p99 vs direct drain (x)`,
          drainRatio(webhook),
          `<= ${goals.latencyP99VsDirectDrain}`,
        ),
        check(
          `${count} queued mails: latency p99 vs direct drain (x)`,
          drainRatio(email),
          `<= ${goals.latencyP99VsDirectDrain}`,
        ),
        check(
          `${count} queued: deliveries that arrived`,
          webhook.delivered + email.delivered,
          `>= ${2 * count}`,
        ),
        check(`${count} queued webhooks: repeats by webhook-id`, receiver.repeats, '<= 0'),
      ],
    };
  } finally {
    await Promise.all([mail.stop(), receiver.stop()]);
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const stack = await startThrowawayStack();
  try {
    const notifications = await measureNotifications(stack, {
      count: Number(process.env.BENCH_NOTIFICATIONS ?? 1_000),
    });
    process.exitCode = report({ notifications }) ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
