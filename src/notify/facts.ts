import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { cases } from '../db/schema/index.js';
import type { OutgoingNotification } from '../domain/notifications.js';

const caseTypeWords: Record<string, string> = {
  complaint: 'your complaint',
  unfreeze: 'your request to lift a restriction',
  unbind: 'your request to remove a security binding',
};

export interface CaseFacts {
  caseType: string;
  businessLine: string;
  riskTier: string;
  accountId: string;
}

export async function readCaseFacts(db: Database, caseId: string): Promise<CaseFacts | undefined> {
  const [row] = await db
    .select({
      caseType: cases.type,
      businessLine: cases.businessLine,
      riskTier: cases.riskTier,
      accountId: cases.accountId,
    })
    .from(cases)
    .where(eq(cases.id, caseId))
    .limit(1);
  return row;
}

/**
 * What a template may name: the notification's payload, the case's vocabulary facts, and links. Links to
 * the console go to staff only; the account owner gets the respond link and nothing internal.
 */
export function notificationFacts(
  notification: OutgoingNotification,
  caseFacts: CaseFacts | undefined,
  publicUrl: string,
): Record<string, unknown> {
  const base = publicUrl.replace(/\/$/, '');
  const { payload } = notification;
  const department = notification.recipient.match(/^(?:department|lead):(.+)$/)?.[1];
  const respondPath = typeof payload.respondPath === 'string' ? payload.respondPath : undefined;
  return {
    ...payload,
    kind: notification.kind,
    caseId: notification.caseId,
    ...(caseFacts ?? {}),
    caseTypeWords: caseFacts ? (caseTypeWords[caseFacts.caseType] ?? caseFacts.caseType) : 'your request',
    ...(department ? { department } : {}),
    ...(notification.caseId && !notification.recipient.startsWith('account:')
      ? { caseUrl: `${base}/console/cases/${encodeURIComponent(notification.caseId)}` }
      : {}),
    ...(respondPath ? { respondUrl: `${base}${respondPath}` } : {}),
    ...(notification.kind === 'four_eyes.digest' ? { fourEyesUrl: `${base}/console/reports/four-eyes` } : {}),
  };
}
