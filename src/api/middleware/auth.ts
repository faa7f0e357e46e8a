import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { findSession } from '../../db/sessions.js';
import { hashToken } from '../../db/users.js';
import { DomainError } from '../../domain/errors.js';
import type { Permission } from '../../domain/permissions.js';
import { hasPermission } from '../../domain/permissions.js';
import type { AppEnv } from '../context.js';

/** The cookie carrying a browser's session secret: HttpOnly, so no script in the page can read it. */
export const sessionCookie = 'dualkey_session';
/** The cookie carrying the session's CSRF token, which the console's scripts read and echo in a header. */
export const csrfCookie = 'dualkey_csrf';
export const csrfHeader = 'x-csrf-token';

/** Methods that change nothing: a cookie alone may authenticate them. */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(sent: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(sent), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who is asking: a bearer token (the identity provider's access tokens, JWTs when SSO is configured, for
 * people; dualkey's own API tokens for machines), or else the browser's session cookie. Missing, unknown,
 * revoked or expired all answer 401. A cookie is sent by the browser on its own, so a request it
 * authenticates that changes something must also prove it came from the console: the CSRF token, which
 * only a page of this origin can read from its cookie, in `X-CSRF-Token`.
 */
export function authenticate(
  options: {
    /**
     * Origins whose pages may send a cookie-authenticated request that changes something without the
     * CSRF token: the Temporal Web UI calling the codec endpoint cannot echo it. The browser sets
     * `Origin` itself, so no other site's page can pass for one of them.
     */
    originsWithoutCsrf?: readonly string[];
  } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined) {
      const secret = getCookie(c, sessionCookie);
      if (secret) {
        const session = await findSession(c.get('deps').db, secret);
        if (!session) {
          throw new DomainError('unauthenticated', 'the session has ended or expired; sign in again');
        }
        c.set('actor', session.actor);
        c.set('session', { id: session.id });
        const origin = c.req.header('origin');
        const trustedOrigin = origin !== undefined && options.originsWithoutCsrf?.includes(origin) === true;
        if (!safeMethods.has(c.req.method) && !trustedOrigin) {
          const sent = c.req.header(csrfHeader);
          if (!sent || !sameSecret(sent, session.csrfHash)) {
            throw new DomainError(
              'csrf_failed',
              `a request authenticated by the session cookie must send ${csrfHeader} with the value of the ${csrfCookie} cookie`,
            );
          }
        }
        await next();
        return;
      }
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match?.[1]) {
      throw new DomainError(
        'unauthenticated',
        'send Authorization: Bearer <token>, or sign in to the console',
      );
    }
    const { tokens, sso } = c.get('deps');
    const actor = sso?.accepts(match[1]) ? await sso.actorFor(match[1]) : await tokens.actorFor(match[1]);
    if (!actor) throw new DomainError('unauthenticated', 'the token is unknown, revoked or expired');
    c.set('actor', actor);
    await next();
  };
}

/**
 * The permission a route needs, checked before its handler runs. Its refusal is audited by the error
 * handler, with the case and action a case route named first.
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!hasPermission(actor, permission)) {
      throw new DomainError(
        'forbidden',
        `this route needs the permission ${permission}, which ${actor.id} lacks`,
        undefined,
        { permission },
      );
    }
    await next();
  };
}

/** Names the case (from the path) and the audit action of a case route, before anything can refuse it. */
export function forCase(action: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('caseId', c.req.param('caseId'));
    c.set('action', action);
    await next();
  };
}
