import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../../domain/errors.js';
import type { Permission } from '../../domain/permissions.js';
import { hasPermission } from '../../domain/permissions.js';
import type { AppEnv } from '../context.js';

/**
 * Bearer tokens: the identity provider's access tokens (JWTs, when SSO is configured) for people, and
 * dualkey's own API tokens for machines. Missing, unknown, revoked or expired all answer 401.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new DomainError('unauthenticated', 'send Authorization: Bearer <token>');
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
