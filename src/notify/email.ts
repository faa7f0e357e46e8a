import { createTransport } from 'nodemailer';
import type { AccountContacts } from '../domain/controls.js';
import type { Notifier, NotificationKind } from '../domain/notifications.js';
import { ACCOUNT_OWNER_TARGET, isNotificationKind } from '../domain/notifications.js';
import type { RenderedMessage, Template } from './templates.js';
import { renderMessage } from './templates.js';

/**
 * E-mail over SMTP. The URL says how: `smtp://` (STARTTLS when the server offers it), `smtps://` (TLS from
 * the first byte), credentials and options such as `?tls.rejectUnauthorized=false` in it, as nodemailer
 * reads them. A mail to the account owner asks the account service for the address as it is sent.
 */
export function emailNotifier(options: {
  smtpUrl: string;
  from: string;
  templates: Record<NotificationKind, Template>;
  contacts: AccountContacts;
  facts: (notification: Parameters<Notifier['deliver']>[0]) => Promise<Record<string, unknown>>;
  timeoutMs?: number;
}): Notifier & { close(): void } {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const transport = createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async deliver(notification) {
      if (!isNotificationKind(notification.kind)) {
        throw new Error(`no e-mail template for the kind "${notification.kind}"`);
      }
      let to = notification.target;
      if (to === ACCOUNT_OWNER_TARGET) {
        const accountId = notification.recipient.replace(/^account:/, '');
        const { email } = await options.contacts.contact(accountId);
        if (!email) throw new Error(`the account service has no e-mail address for account ${accountId}`);
        to = email;
      }
      const message: RenderedMessage = renderMessage(
        options.templates[notification.kind],
        await options.facts(notification),
      );
      await transport.sendMail({
        from: options.from,
        to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: `<${notification.messageId}@dualkey>`,
        headers: { 'X-Dualkey-Kind': notification.kind },
      });
    },
    close() {
      transport.close();
    },
  };
}
