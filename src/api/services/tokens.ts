import type { Database } from '../../db/client.js';
import { actorForToken, hashToken, revokeToken } from '../../db/users.js';
import type { Actor } from '../../domain/permissions.js';

/**
 * How long a replica keeps the answer for a dualkey API token before asking PostgreSQL again: the longest
 * a revocation or a narrowing done through another replica (or the database) waits to take effect here.
 */
export const TOKEN_CACHE_MS = 5_000;

/** Tokens remembered at once; past it the oldest answer goes first, so a flood of tokens costs no memory. */
const MAX_ENTRIES = 10_000;

/**
 * dualkey API tokens, each looked up in PostgreSQL once per `ttlMs` on this replica instead of on every
 * request. Anything on this replica that narrows access (a token revoked, access revoked, a user
 * disabled) calls `forget`, so it takes effect here at once; a token's own expiry is never overrun.
 * Unknown tokens are not remembered: a token issued a moment ago must work on its first request.
 */
export class ApiTokens {
  private readonly known = new Map<string, { actor: Actor; until: number }>();
  /** Bumped by `forget`: a lookup that began before it must not store what it read. */
  private generation = 0;

  constructor(
    private readonly db: Database,
    private readonly ttlMs = TOKEN_CACHE_MS,
  ) {}

  async actorFor(token: string): Promise<Actor | undefined> {
    const key = hashToken(token);
    const now = Date.now();
    const hit = this.known.get(key);
    if (hit && hit.until > now) return hit.actor;
    this.known.delete(key);
    const generation = this.generation;
    const found = await actorForToken(this.db, token);
    if (!found || generation !== this.generation) return found?.actor;
    const until = Math.min(now + this.ttlMs, found.expiresAt?.getTime() ?? Infinity);
    if (this.known.size >= MAX_ENTRIES) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
    this.known.set(key, { actor: found.actor, until });
    return found.actor;
  }

  async revoke(tokenId: string): Promise<boolean> {
    const revoked = await revokeToken(this.db, tokenId);
    this.forget();
    return revoked;
  }

  /**
   * Every answer goes: changes of access are rare, and a user's tokens are not indexed by user here. Call
   * it after the change has committed, or a request in between could store the old answer again.
   */
  forget(): void {
    this.generation += 1;
    this.known.clear();
  }
}
