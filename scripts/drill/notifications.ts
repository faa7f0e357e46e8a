import sqlClient from 'postgres';
import { messageIdOf } from '../../src/db/outbox.js';
import { startMailServer, startWebhookReceiver } from '../../test/support/channels.js';

const SECRET = 'whsec_ZHJpbGwtd2ViaG9vay1zaWduaW5nLXNlY3JldA==';
/** Each webhook message is refused this many times before the receiver takes it. */
const FLAKY_REFUSALS = 2;

/**
 * The drill's notification faults: a real SMTP server the drill takes down for a while, and a webhook
 * receiver that verifies every signature and refuses each message twice before taking it. At the end,
 * every mail and webhook the outbox holds is looked for at its receiver: one that never arrived is lost,
 * one that arrived more than once (by `webhook-id`, or the mail's Message-ID) is duplicated.
 */
export async function startNotificationFaults() {
  const [mail, receiver] = await Promise.all([startMailServer(), startWebhookReceiver(SECRET)]);
  receiver.failFirst(FLAKY_REFUSALS, () => true);
  let smtpOutages = 0;
  return {
    /** For the workers (they send) and the APIs (the respond links point at them). */
    env: {
      NOTIFY_SMTP_URL: mail.url,
      NOTIFY_EMAIL_FROM: 'dualkey drill <drill@dualkey.example>',
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      ACCOUNT_CONTACT_CATCH_ALL: 'account-owners@drill.example',
    },
    /** The SMTP server gone for `ms`, as an outage of the mail relay. */
    async smtpOutage(ms: number, sleep: (ms: number) => Promise<unknown>): Promise<void> {
      await mail.down();
      smtpOutages++;
      await sleep(ms);
      await mail.up();
    },
    /**
     * Waits (up to `limitMs`) for the outbox to settle, then counts. Deliveries still pending at the
     * bound, given up, or marked delivered without reaching their receiver are all lost.
     */
    async settle(databaseUrl: string, limitMs: number, sleep: (ms: number) => Promise<unknown>) {
      const sql = sqlClient(databaseUrl, { max: 1, onnotice: () => undefined });
      try {
        const read = () =>
          sql<{ key: string; channel: 'email' | 'webhook'; status: string }[]>`
            select key, channel, status from notifications where channel in ('email', 'webhook')`;
        const deadline = Date.now() + limitMs;
        let rows = await read();
        while (rows.some((r) => r.status === 'pending') && Date.now() < deadline) {
          await sleep(1_000);
          rows = await read();
        }
        const webhookIds = new Map<string, number>();
        for (const id of receiver.events.map((e) => e.id)) webhookIds.set(id, (webhookIds.get(id) ?? 0) + 1);
        const mailIds = new Map<string, number>();
        for (const m of mail.mails) {
          const id = m.messageId.replace(/^<|>$/g, '');
          mailIds.set(id, (mailIds.get(id) ?? 0) + 1);
        }
        const arrived = (r: { key: string; channel: string }) =>
          r.channel === 'webhook'
            ? (webhookIds.get(messageIdOf(r.key)) ?? 0)
            : (mailIds.get(`${messageIdOf(r.key)}@dualkey`) ?? 0);
        const lost = rows.filter((r) => arrived(r) === 0);
        return {
          figures: {
            'notifications queued (mail + webhook)': rows.length,
            'notifications lost': lost.length,
            // The receiver keeps one event per webhook-id and counts each repeat it was sent.
            'webhooks duplicated (by webhook-id)': receiver.repeats,
            'mails duplicated (by Message-ID)': [...mailIds.values()].filter((n) => n > 1).length,
            'webhook refusals (flaky receiver)':
              receiver.attempts.length - receiver.events.length - receiver.repeats,
            'SMTP outages': smtpOutages,
          },
          failures: [
            ...lost.map((r) => `notification ${r.key} (${r.channel}, ${r.status}) never arrived`),
            ...(receiver.rejected > 0 ? [`${receiver.rejected} webhook(s) failed signature checks`] : []),
          ],
        };
      } finally {
        await sql.end();
      }
    },
    async stop(): Promise<void> {
      await Promise.all([mail.stop(), receiver.stop()]);
    },
  };
}
