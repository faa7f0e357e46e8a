import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { problemResponse } from '../errors.js';

/**
 * A token bucket per key (the actor, unless told otherwise), refilled continuously to `perMinute`. In-process: with N API replicas the
 * effective limit is N times this, which is the trade for needing no shared store.
 */
export function rateLimit(
  perMinute: number,
  keyOf: (c: Context<AppEnv>) => string = (c) => c.get('actor').id,
  refuse: (retryAfter: number) => Response = (retryAfter) =>
    problemResponse('rate_limited', `more than ${perMinute} requests a minute; retry in ${retryAfter}s`, [], {
      'retry-after': String(retryAfter),
    }),
): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return async (c, next) => {
    const key = keyOf(c);
    const now = Date.now();
    const bucket = buckets.get(key) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      buckets.set(key, bucket);
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1_000));
      return refuse(retryAfter);
    }
    bucket.tokens -= 1;
    // Bounded memory: forgetting every bucket at once only ever grants a burst, never a denial.
    if (buckets.size > 10_000) buckets.clear();
    buckets.set(key, bucket);
    return next();
  };
}
