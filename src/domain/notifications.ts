/** A notification as the outbox hands it to a notifier. */
export interface OutgoingNotification {
  id: number;
  recipient: string;
  kind: string;
  caseId: string | null;
  payload: Record<string, unknown>;
}

/** Delivers one notification (e-mail, chat, pager…); throwing means "try again later". */
export interface Notifier {
  deliver(notification: OutgoingNotification): Promise<void>;
}
