import type { components } from './generated/api';
import { when, words } from './format';

type Delivery = components['schemas']['NotificationDelivery'];

/** A notification kind in words: `escalation.opened` is "escalation opened". */
export const kindWords = (kind: string) => words(kind.replaceAll('.', ' '));

/** Where a delivery goes, in words: "mail to technical@dualkey.example", "webhook helpdesk". */
export function deliveryTarget(d: Delivery): string {
  if (d.channel === 'email')
    return d.target === 'account_owner' ? 'mail to the account owner' : `mail to ${d.target}`;
  if (d.channel === 'webhook') return `webhook ${d.target}`;
  return 'the worker’s log';
}

const tries = (n: number) => `${n} ${n === 1 ? 'try' : 'tries'}`;

/** What became of it: "delivered 7 Dec 2026, 01:02", "failing after 3 tries, next try …". */
export function deliveryState(d: Delivery): string {
  switch (d.state) {
    case 'delivered':
      return `delivered ${when(d.deliveredAt)}`;
    case 'queued':
      return 'queued';
    case 'failing':
      return `failing after ${tries(d.attempts)}, next try ${when(d.nextAttemptAt)}`;
    case 'given_up':
      return `given up after ${tries(d.attempts)}`;
  }
}
