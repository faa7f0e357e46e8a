import type { Database } from '../../db/client.js';
import { findRespondToken, spendRespondToken } from '../../db/outbox.js';
import { DomainError } from '../../domain/errors.js';
import { accountOwnerActor } from '../../domain/permissions.js';
import type { CaseService } from './cases.js';

export type OpenQuestion =
  { state: 'open'; question: string; dueAt: Date } | { state: 'unknown' | 'used' | 'expired' };

/** What the respond page may show for a token: the question and nothing else of the case. */
export async function openQuestion(db: Database, token: string): Promise<OpenQuestion> {
  const found = await findRespondToken(db, token);
  if (!found) return { state: 'unknown' };
  if (found.usedAt) return { state: 'used' };
  if (found.expiresAt.getTime() <= Date.now()) return { state: 'expired' };
  return { state: 'open', question: found.question, dueAt: found.expiresAt };
}

/**
 * Records the owner's answer on the case, then spends the token. The case refuses an answer to a request
 * that is no longer open, so two answers racing on one link record one; a spend lost to a crash leaves a
 * link whose next use the case refuses the same way.
 */
export async function answerQuestion(
  deps: { db: Database; cases: CaseService },
  token: string,
  answer: string,
): Promise<OpenQuestion['state'] | 'answered' | 'closed'> {
  const found = await findRespondToken(deps.db, token);
  if (!found) return 'unknown';
  if (found.usedAt) return 'used';
  if (found.expiresAt.getTime() <= Date.now()) return 'expired';
  try {
    await deps.cases.act(accountOwnerActor, found.caseId, 'answerAsOwner', {
      infoRequestId: found.infoRequestId,
      answer,
    });
  } catch (error) {
    if (error instanceof DomainError && error.code !== 'unavailable') {
      await spendRespondToken(deps.db, token);
      return 'closed';
    }
    throw error;
  }
  await spendRespondToken(deps.db, token);
  return 'answered';
}
