import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from '../../db/idempotency.js';
import { DomainError } from '../../domain/errors.js';
import type { AppEnv } from '../context.js';
import { problemResponse } from '../errors.js';
import { idempotencyKeyShape } from '../schemas.js';

/** A kept sign-in would answer again without setting its cookies: signing in twice is the retry. */
const unkeyed = new Set(['/v1/session']);

/** The first request usually finishes within a second or two; the client asks again after this. */
const IN_PROGRESS_RETRY_AFTER_S = 1;

/**
 * Idempotency-Key on acting POSTs: the first request with a key runs and its answer is stored; the same
 * key and body again gets that answer; the same key with another body is 409 idempotency_conflict, and a
 * retry while the first is still running is 409 idempotency_in_progress with Retry-After.
 * Answers that depend on who asks or when (401, 403, 429, 5xx) are not stored, so a retry after an
 * outage or a role change runs again. A key still marked in progress after `leaseMs` belonged to a request
 * that died with its process; a retry takes it over.
 */
export function idempotency(leaseMs = 60_000): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined || unkeyed.has(c.req.path)) return next();
    if (!idempotencyKeyShape.test(key)) {
      throw new DomainError('validation_failed', 'Idempotency-Key must be 1–200 letters, digits or . _ : -', [
        { path: 'Idempotency-Key', message: 'invalid header' },
      ]);
    }
    const { db } = c.get('deps');
    const userId = c.get('actor').id;
    const body = await c.req.text();
    const requestHash = createHash('sha256').update(body).digest('hex');
    const claim = await claimIdempotencyKey(db, {
      userId,
      key,
      route: `${c.req.method} ${c.req.path}`,
      requestHash,
      leaseMs,
    });
    if (claim.state === 'conflict') throw new DomainError('idempotency_conflict', claim.reason);
    if (claim.state === 'in_progress') {
      return problemResponse(
        'idempotency_in_progress',
        'a request with this Idempotency-Key is still running; retry with the same key and body',
        [],
        { 'retry-after': String(IN_PROGRESS_RETRY_AFTER_S) },
      );
    }
    if (claim.state === 'replay') {
      c.header('idempotent-replayed', 'true');
      return c.newResponse(
        claim.response === null ? null : JSON.stringify(claim.response),
        claim.statusCode as 200,
        {
          'content-type': claim.statusCode >= 400 ? 'application/problem+json' : 'application/json',
        },
      );
    }
    try {
      await next();
    } catch (error) {
      await releaseIdempotencyKey(db, userId, key);
      throw error;
    }
    const status = c.res.status;
    if (status >= 500 || status === 401 || status === 403 || status === 429) {
      await releaseIdempotencyKey(db, userId, key);
      return;
    }
    const text = await c.res.clone().text();
    await completeIdempotencyKey(db, userId, key, status, text ? (JSON.parse(text) as unknown) : null);
  };
}
