import type { MiddlewareHandler } from 'hono';
import { actorForToken } from '../../db/users.js';
import { DomainError } from '../../domain/errors.js';
import type { Permission } from '../../domain/permissions.js';
import { hasPermission } from '../../domain/permissions.js';
import type { AppEnv } from '../context.js';
import { auditDenial } from '../denials.js';

/**
 * Bearer tokens: the identity provider's access tokens (JWTs, when SSO is configured) for people, and
 * dualkey's own API tokens for machines. Missing, unknown, revoked or expired all answer 401.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new DomainError('unauthenticated', 'send Authorization: Bearer <token>');
    const { db, sso } = c.get('deps');
    const actor = sso?.accepts(match[1]) ? await sso.actorFor(match[1]) : await actorForToken(db, match[1]);
    if (!actor) throw new DomainError('unauthenticated', 'the token is unknown, revoked or expired');
    c.set('actor', actor);
    await next();
  };
}

/** The permission a route needs, checked before its handler runs; a refusal is audited with it. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!hasPermission(actor, permission)) {
      const error = new DomainError(
        'forbidden',
        `this route needs the permission ${permission}, which ${actor.id} lacks`,
      );
      await auditDenial(c.get('deps').db, error, {
        actor: actor.id,
        action: `${c.req.method} ${c.req.path}`,
        details: { permission },
      });
      throw error;
    }
    await next();
  };
}
