import type { BusinessLine, Department } from './vocabulary.js';
import { ACCOUNT_OWNER } from './vocabulary.js';

/**
 * Every kind of notification dualkey sends. Workflows, routing, templates and the webhook payloads all
 * name a kind from this list; a unit test renders every template for every kind.
 */
export const notificationKinds = [
  'escalation.opened',
  'escalation.reminder',
  'escalation.breached',
  'info.requested',
  'info.answered',
  'proposal.pending',
  'proposal.reminder',
  'proposal.rejected',
  'proposal.expired',
  'proposal.voided',
  'reverification.requested',
  'controls.lifted',
  'lift.reverted',
  'after_review.overdue',
  'deadline.missed',
  'four_eyes.digest',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export function isNotificationKind(kind: string): kind is NotificationKind {
  return (notificationKinds as readonly string[]).includes(kind);
}

/** Where one delivery of a notification goes. */
export const deliveryChannels = ['email', 'webhook', 'log'] as const;
export type DeliveryChannel = (typeof deliveryChannels)[number];

/**
 * The state of one delivery as people see it: `failing` is still being retried with backoff; `given_up`
 * stopped after the configured number of tries and waits for someone to retry it.
 */
export const deliveryStates = ['queued', 'delivered', 'failing', 'given_up'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/** A notification as the outbox hands it to a notifier: one delivery on one channel. */
export interface OutgoingNotification {
  id: number;
  /** The same for every attempt of this delivery, so a receiver can drop repeats. */
  messageId: string;
  recipient: string;
  kind: string;
  caseId: string | null;
  channel: DeliveryChannel;
  /** An e-mail address, a webhook endpoint's name, or `account_owner` (asked of the account service). */
  target: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

/** Delivers one notification on its channel; throwing means "try again later". */
export interface Notifier {
  deliver(notification: OutgoingNotification): Promise<void>;
}

/** The target of an e-mail to the account owner: the address is asked of the account service when sent. */
export const ACCOUNT_OWNER_TARGET = ACCOUNT_OWNER;

/** Who a workflow addresses: `department:<d>`, `lead:<d>`, `role:<r>`, `user:<id>`, `account:<id>`. */
export type Recipient =
  | { to: 'department' | 'lead'; department: Department }
  | { to: 'role'; role: string }
  | { to: 'user'; userId: string }
  | { to: 'account'; accountId: string };

export function parseRecipient(recipient: string, departments: readonly string[]): Recipient | undefined {
  const at = recipient.indexOf(':');
  if (at < 0) return undefined;
  const scheme = recipient.slice(0, at);
  const rest = recipient.slice(at + 1);
  if (rest === '') return undefined;
  switch (scheme) {
    case 'department':
    case 'lead':
      return departments.includes(rest) ? { to: scheme, department: rest as Department } : undefined;
    case 'role':
      return { to: 'role', role: rest };
    case 'user':
      return { to: 'user', userId: rest };
    case 'account':
      return { to: 'account', accountId: rest };
    default:
      return undefined;
  }
}

export interface MailboxRoute {
  email?: string | undefined;
  webhooks?: readonly string[] | undefined;
}

export interface WebhookEndpoint {
  url: string;
  /** `whsec_…`; every one signs each message, so a receiver can move to a new secret before the old goes. */
  secrets: readonly string[];
  /** Kinds this endpoint subscribes to; `*` is every kind. */
  kinds: readonly string[];
}

/** The routing table of the policy: who gets what, by which channel. */
export interface NotificationRouting {
  version: string;
  departments: Partial<Record<Department, MailboxRoute>>;
  /** A department's lead; falls back to the department's own route. */
  leads: Partial<Record<Department, MailboxRoute>>;
  /** The checkers of a business line, told when a proposal waits for them. */
  checkers: Partial<Record<BusinessLine, MailboxRoute>>;
  accountOwner: { email: boolean; webhooks?: readonly string[] | undefined };
  /** Staff addressed one by one (makers, assignees) hear through these endpoints. */
  users: { webhooks: readonly string[] };
  webhooks: Record<string, WebhookEndpoint>;
}

export interface Delivery {
  channel: DeliveryChannel;
  target: string;
}

/** Kinds addressed to the checkers of the case's business line. */
const checkerKinds: ReadonlySet<string> = new Set<NotificationKind>([
  'proposal.pending',
  'proposal.reminder',
]);

function subscribed(endpoint: WebhookEndpoint | undefined, kind: string): boolean {
  return endpoint !== undefined && (endpoint.kinds.includes('*') || endpoint.kinds.includes(kind));
}

/**
 * The deliveries one notification fans out to: the recipient's mailbox and webhooks from the routing
 * table, every endpoint subscribed to the kind, and the catch-all endpoint (named `default`) when one is
 * configured. A notification nobody routes goes to the log, so nothing is silently dropped.
 */
export function routeNotification(
  routing: NotificationRouting,
  recipient: Recipient | undefined,
  kind: string,
  facts: { businessLine?: string | undefined },
  options: { email: boolean; webhooks: boolean },
): Delivery[] {
  let route: MailboxRoute | undefined;
  if (recipient?.to === 'department') route = routing.departments[recipient.department];
  else if (recipient?.to === 'lead') {
    route = routing.leads[recipient.department] ?? routing.departments[recipient.department];
  } else if (recipient?.to === 'role' && checkerKinds.has(kind) && facts.businessLine) {
    route = routing.checkers[facts.businessLine as BusinessLine];
  } else if (recipient?.to === 'account') {
    route = {
      email: routing.accountOwner.email ? ACCOUNT_OWNER_TARGET : undefined,
      webhooks: routing.accountOwner.webhooks,
    };
  } else if (recipient?.to === 'user') route = { webhooks: routing.users.webhooks };

  const deliveries: Delivery[] = [];
  if (options.email && route?.email) deliveries.push({ channel: 'email', target: route.email });
  if (options.webhooks) {
    const names = new Set<string>();
    for (const name of route?.webhooks ?? []) if (routing.webhooks[name]) names.add(name);
    for (const [name, endpoint] of Object.entries(routing.webhooks)) {
      if (subscribed(endpoint, kind)) names.add(name);
    }
    for (const name of [...names].sort()) deliveries.push({ channel: 'webhook', target: name });
  }
  return deliveries.length > 0 ? deliveries : [{ channel: 'log', target: 'log' }];
}

/**
 * Fills `{{name}}` placeholders from `facts`; a placeholder with no fact is left visible as `{{name}}`
 * rather than silently dropped, so a test catches a template naming a fact nobody supplies.
 */
export function renderTemplate(template: string, facts: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_.]*)\s*\}\}/g, (whole, name: string) => {
    const value = facts[name];
    if (value === undefined || value === null) return whole;
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** HTML-escapes each fact before it goes into an HTML template. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Facts a subject line may name: identifiers and vocabulary words, never text someone typed into the
 * case (a question, an answer, a reason), which could carry personal data into mail headers and logs.
 */
export const subjectFacts = [
  'caseId',
  'kind',
  'caseType',
  'businessLine',
  'riskTier',
  'department',
  'escalationId',
  'infoRequestId',
  'proposalId',
  'liftId',
  'controlId',
  'dueAt',
  'requiredApprovals',
  'week',
  'decisions',
  'approvalsAfterReminder',
] as const;
