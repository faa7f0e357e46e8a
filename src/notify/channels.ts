import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import type { OutboxRouting } from '../db/outbox.js';
import type { AccountContacts } from '../domain/controls.js';
import type {
  DeliveryChannel,
  NotificationRouting,
  Notifier,
  OutgoingNotification,
} from '../domain/notifications.js';
import { emailNotifier } from './email.js';
import { notificationFacts, readCaseFacts } from './facts.js';
import { loadTemplates } from './templates.js';
import { webhookNotifier } from './webhook.js';

/** The name the catch-all endpoint of NOTIFY_WEBHOOK_URL goes by in the routing table. */
export const CATCH_ALL_ENDPOINT = 'default';

export interface ChannelSettings {
  NOTIFY_SMTP_URL?: string | undefined;
  NOTIFY_EMAIL_FROM: string;
  NOTIFY_WEBHOOK_URL?: string | undefined;
  NOTIFY_WEBHOOK_SECRET?: readonly string[] | undefined;
}

/** The default notifier writes each notification to the log. */
export function logNotifier(log: Logger): Notifier {
  return {
    deliver(notification) {
      log.info({ notification }, `notify ${notification.recipient}: ${notification.kind}`);
      return Promise.resolve();
    },
  };
}

/** The routing table with the catch-all endpoint of the environment added, subscribed to every kind. */
export function withCatchAll(routing: NotificationRouting, settings: ChannelSettings): NotificationRouting {
  if (!settings.NOTIFY_WEBHOOK_URL || !settings.NOTIFY_WEBHOOK_SECRET) return routing;
  return {
    ...routing,
    webhooks: {
      ...routing.webhooks,
      [CATCH_ALL_ENDPOINT]: {
        url: settings.NOTIFY_WEBHOOK_URL,
        secrets: settings.NOTIFY_WEBHOOK_SECRET,
        kinds: ['*'],
      },
    },
  };
}

export interface Channels {
  /** Delivers by the channel each outbox row names. */
  notifier: Notifier;
  /** What the notify activity routes with. */
  outbox: OutboxRouting;
  /** One line for the start-up log: which channels are on. */
  summary: string;
  close(): void;
}

/**
 * The channels configuration turns on: e-mail with NOTIFY_SMTP_URL, webhooks with NOTIFY_WEBHOOK_URL or
 * endpoints in the routing table, and the log always (for whatever nothing else routes).
 */
export function createChannels(options: {
  settings: ChannelSettings;
  routing: NotificationRouting;
  db: Database;
  contacts: AccountContacts;
  publicUrl: string;
  log: Logger;
}): Channels {
  const { settings, db, log } = options;
  const routing = withCatchAll(options.routing, settings);
  const facts = async (n: OutgoingNotification) =>
    notificationFacts(n, n.caseId ? await readCaseFacts(db, n.caseId) : undefined, options.publicUrl);
  const email = settings.NOTIFY_SMTP_URL
    ? emailNotifier({
        smtpUrl: settings.NOTIFY_SMTP_URL,
        from: settings.NOTIFY_EMAIL_FROM,
        templates: loadTemplates(),
        contacts: options.contacts,
        facts,
      })
    : undefined;
  const endpoints = Object.keys(routing.webhooks);
  const byChannel: Record<DeliveryChannel, Notifier | undefined> = {
    email,
    webhook: endpoints.length > 0 ? webhookNotifier({ endpoints: () => routing.webhooks, facts }) : undefined,
    log: logNotifier(log),
  };
  const on = [
    ...(email ? [`e-mail via ${new URL(settings.NOTIFY_SMTP_URL ?? '').host}`] : []),
    ...(endpoints.length > 0 ? [`webhooks (${endpoints.join(', ')})`] : []),
  ];
  return {
    notifier: {
      async deliver(notification) {
        const channel = byChannel[notification.channel];
        if (!channel) throw new Error(`the ${notification.channel} channel is not configured`);
        await channel.deliver(notification);
      },
    },
    outbox: { routing, email: email !== undefined },
    summary:
      on.length > 0
        ? `notifications go out by ${on.join(' and ')} (routing ${routing.version})`
        : 'no notification channel is configured (NOTIFY_SMTP_URL, NOTIFY_WEBHOOK_URL): notifications are written to the log only',
    close() {
      email?.close();
    },
  };
}
