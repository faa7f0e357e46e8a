import { z } from 'zod';
import type { NotificationRouting } from '../notifications.js';
import { deliveryChannels, deliveryStates, notificationKinds } from '../notifications.js';
import { businessLines, departments } from '../vocabulary.js';
import { deepMerge } from '../policy.js';
import { Timestamp } from './case.js';
import { BusinessLine, Department } from './vocabulary.js';

export const NotificationKind = z.enum(notificationKinds).meta({ id: 'NotificationKind' });
export const DeliveryState = z.enum(deliveryStates).meta({ id: 'DeliveryState' });
export const DeliveryChannel = z.enum(deliveryChannels).meta({ id: 'DeliveryChannel' });

/** One delivery of a notification as people see it: on the case's timeline and in the admin outbox. */
export const NotificationDelivery = z
  .object({
    id: z.number().int().describe('the delivery’s id, for `POST /v1/admin/notifications/{id}/retry`'),
    webhookId: z
      .string()
      .describe('the `webhook-id` (and e-mail Message-ID) of every attempt, a retry by an admin included'),
    kind: NotificationKind,
    caseId: z.string().nullable(),
    recipient: z.string().describe('whom the case addressed: `department:technical`, `account:…`'),
    channel: DeliveryChannel,
    target: z.string().describe('an e-mail address, a webhook endpoint’s name, `account_owner` or `log`'),
    state: DeliveryState,
    attempts: z.number().int().describe('tries so far; an admin’s retry starts a fresh allowance'),
    lastError: z.string().nullable().describe('why the last try failed; null once delivered'),
    queuedAt: Timestamp,
    nextAttemptAt: Timestamp.nullable().describe('when it is tried next; null when delivered or given up'),
    deliveredAt: Timestamp.nullable(),
  })
  .meta({ id: 'NotificationDelivery' });
export type NotificationDelivery = z.infer<typeof NotificationDelivery>;

const EndpointName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a lower-case name such as "helpdesk"');
const Secret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'a Standard Webhooks secret: "whsec_" and base64');

const MailboxRoute = z
  .strictObject({
    email: z.email().optional().describe('the mailbox that receives these notifications'),
    webhooks: z.array(EndpointName).optional().describe('endpoints (by name) that receive them too'),
  })
  .describe('where a group’s notifications go');

export const WebhookEndpoint = z.strictObject({
  url: z.url().refine((u) => /^https?:/.test(u), 'an http(s) URL'),
  secrets: z
    .array(Secret)
    .min(1)
    .describe('every secret signs each message; list the new one beside the old while receivers move'),
  kinds: z
    .array(z.union([NotificationKind, z.literal('*')]))
    .default([])
    .describe('kinds this endpoint subscribes to; "*" is every kind'),
});

export const NotificationRoutingSchema = z
  .strictObject({
    version: z.string().min(1).describe('deliveries record the version that routed them'),
    departments: z.partialRecord(Department, MailboxRoute),
    leads: z.partialRecord(Department, MailboxRoute),
    checkers: z.partialRecord(BusinessLine, MailboxRoute),
    accountOwner: z.strictObject({
      email: z.boolean().describe('mail the account owner at the address the account service gives'),
      webhooks: z.array(EndpointName).optional(),
    }),
    users: z.strictObject({ webhooks: z.array(EndpointName) }),
    webhooks: z.record(EndpointName, WebhookEndpoint),
  })
  .superRefine((routing, ctx) => {
    const routes = [
      ...Object.values(routing.departments),
      ...Object.values(routing.leads),
      ...Object.values(routing.checkers),
      routing.accountOwner,
      routing.users,
    ];
    for (const name of routes.flatMap((r) => r.webhooks ?? [])) {
      if (!routing.webhooks[name]) {
        ctx.addIssue({ code: 'custom', path: ['webhooks'], message: `no endpoint named "${name}"` });
      }
    }
  })
  .describe('who gets which notification, by e-mail and by webhook');

/**
 * The default table gives every department, every department lead and every business line's checkers a
 * mailbox, so a fresh stack sends real mail (to the local mail catcher `npm start` runs).
 */
export const defaultNotificationRouting = {
  version: '2026-12-06',
  departments: Object.fromEntries(departments.map((d) => [d, { email: `${d}@dualkey.example` }])),
  leads: Object.fromEntries(departments.map((d) => [d, { email: `lead-${d}@dualkey.example` }])),
  checkers: Object.fromEntries(businessLines.map((l) => [l, { email: `checkers-${l}@dualkey.example` }])),
  accountOwner: { email: true },
  users: { webhooks: [] },
  webhooks: {},
} satisfies z.input<typeof NotificationRoutingSchema>;

/** Defaults overlaid with the policy file's `notifications` section, then validated. */
export function resolveNotificationRouting(
  override: unknown = {},
): z.ZodSafeParseResult<NotificationRouting> {
  return NotificationRoutingSchema.safeParse(deepMerge(defaultNotificationRouting, override));
}
