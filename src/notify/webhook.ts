import { Webhook } from 'standardwebhooks';
import type { Notifier, WebhookEndpoint } from '../domain/notifications.js';

/**
 * Signs `payload` per Standard Webhooks with every secret of the endpoint: the `webhook-signature` header
 * lists one `v1,…` signature per secret, so a receiver holding either the old or the new one verifies it.
 */
export function signatureHeader(secrets: readonly string[], id: string, at: Date, payload: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(id, at, payload)).join(' ');
}

/**
 * Posts each notification as a Standard Webhooks message `{ type, timestamp, data }`. The `webhook-id`
 * is the delivery's own and the same on every retry, so a receiver drops repeats; a status outside 2xx
 * (or no answer) is a failure the outbox retries.
 */
export function webhookNotifier(options: {
  endpoints: () => Record<string, WebhookEndpoint>;
  facts: (notification: Parameters<Notifier['deliver']>[0]) => Promise<Record<string, unknown>>;
  timeoutMs?: number;
}): Notifier {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async deliver(notification) {
      const endpoint = options.endpoints()[notification.target];
      if (!endpoint) throw new Error(`no webhook endpoint named "${notification.target}" is configured`);
      const at = new Date();
      const body = JSON.stringify({
        type: notification.kind,
        timestamp: notification.createdAt,
        data: await options.facts(notification),
      });
      let response: Response;
      try {
        response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': notification.messageId,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signatureHeader(endpoint.secrets, notification.messageId, at, body),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new Error(`webhook ${notification.target} did not answer: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await response.body?.cancel();
      if (!response.ok) {
        throw new Error(`webhook ${notification.target} answered ${response.status} ${response.statusText}`);
      }
    },
  };
}
