import type { DatabaseHandle } from '../../db/client.js';
import type { CaseChange, CaseChangeListener } from '../../db/caseChanges.js';
import { listenCaseChanges } from '../../db/caseChanges.js';
import type { Actor } from '../../domain/permissions.js';
import { inScope } from '../../domain/permissions.js';

/** What a subscriber hears: a case moved on, or "you may have missed some; read everything again". */
export type FeedEvent =
  { type: 'case'; caseId: string; revision: number; status: CaseChange['status'] } | { type: 'resync' };

interface Subscriber {
  actor: Pick<Actor, 'businessLines'>;
  send(event: FeedEvent): void;
}

/**
 * Fans the projection's change notifications out to this process's live subscribers, each hearing only
 * about cases in their business lines. One LISTEN connection per process, opened with the first subscriber.
 */
export class CaseFeed {
  private listener: CaseChangeListener | undefined;
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly database: Pick<DatabaseHandle, 'listen'>) {}

  subscribe(actor: Pick<Actor, 'businessLines'>, send: (event: FeedEvent) => void): () => void {
    const subscriber = { actor, send };
    this.subscribers.add(subscriber);
    this.listener ??= listenCaseChanges(this.database, {
      onChange: (change) => this.publish(change),
      onReconnect: () => {
        for (const s of this.subscribers) s.send({ type: 'resync' });
      },
    });
    return () => this.subscribers.delete(subscriber);
  }

  private publish(change: CaseChange): void {
    const event: FeedEvent = {
      type: 'case',
      caseId: change.caseId,
      revision: change.revision,
      status: change.status,
    };
    for (const s of this.subscribers) if (inScope(s.actor, change.businessLine)) s.send(event);
  }

  close(): void {
    this.subscribers.clear();
    this.listener?.close();
    this.listener = undefined;
  }
}
