import type { MiddlewareHandler } from 'hono';
import { actorForToken } from '../../db/users.js';
import { DomainError } from '../../domain/errors.js';
import type { Permission } from '../../domain/permissions.js';
import { hasPermission } from '../../domain/permissions.js';
import { recordAudit } from '../../db/audit.js';
import type { AppEnv } from '../context.js';

/** Bearer tokens: missing, unknown, revoked or expired all answer 401 with the same words. */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new DomainError('unauthenticated', 'send Authorization: Bearer <token>');
    const actor = await actorForToken(c.get('deps').db, match[1]);
    if (!actor) throw new DomainError('unauthenticated', 'the token is unknown, revoked or expired');
    c.set('actor', actor);
    await next();
  };
}

/**
 * The permission a route needs, checked before its handler runs. A refusal is audited on the `access`
 * stream with the route it was for.
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!hasPermission(actor, permission)) {
      const detail = `this route needs the permission ${permission}, which ${actor.id} lacks`;
      await recordAudit(c.get('deps').db, [
        {
          stream: 'access',
          at: new Date().toISOString(),
          actor: actor.id,
          action: `${c.req.method} ${c.req.path}`,
          outcome: 'denied',
          details: { code: 'forbidden', permission },
        },
      ]).catch(() => undefined);
      throw new DomainError('forbidden', detail);
    }
    await next();
  };
}
