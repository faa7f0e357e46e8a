import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { awayUntilOf, setAwayUntil } from '../../db/assignment.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor as ActorType } from '../../domain/permissions.js';
import { permissionsOf } from '../../domain/permissions.js';
import { Timestamp } from '../../domain/schemas/case.js';
import { Actor, Permission } from '../../domain/schemas/permissions.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { bearer, jsonBody, jsonContent } from '../schemas.js';

export const Me = Actor.extend({
  permissions: z
    .array(Permission)
    .describe('what the roles add up to, so a client offers only the views its user can use'),
  awayUntil: Timestamp.nullable().describe(
    'until when the user said they are away: no case is assigned to them by policy, and the cases they hold are handed over; null when they are not away',
  ),
}).meta({ id: 'Me' });

/** The caller as `Me` describes them: who they are, what their roles let them do, and whether they are away. */
export function meOf(actor: ActorType, awayUntil: string | null): z.infer<typeof Me> {
  return { ...actor, permissions: [...permissionsOf(actor.roles)], awayUntil };
}

const Availability = z
  .strictObject({
    awayUntil: z.iso
      .datetime({ offset: true })
      .nullable()
      .describe('the end of the absence, in the future; null when back'),
  })
  .meta({ id: 'Availability', examples: [{ awayUntil: '2026-12-24T08:00:00Z' }, { awayUntil: null }] });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me',
      operationId: 'getMe',
      summary: 'Who am I',
      description:
        'The caller’s identity, roles, business-line scopes, departments, the permissions their roles give, and until when they are away.\n\nPermission: none (any valid token).',
      tags: ['identity'],
      security: bearer,
      responses: { 200: jsonContent(Me, 'the caller'), ...problems(401, 429, 503) },
    }),
    async (c) => {
      const actor = c.get('actor');
      return c.json(meOf(actor, await awayUntilOf(c.get('deps').db, actor.id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/me/availability',
      operationId: 'setAvailability',
      summary: 'Say you are away, or back',
      description:
        'Sets until when the caller is away (`awayUntil`, in the future) or clears it (`null`). While away, the assignment policy gives them no new case, and the workers’ sweep hands the cases they hold to another agent, or back to the queue where the business line is manual; each hand-over is its own audited action on the case. Answers with the caller as `GET /v1/me` does.\n\nPermission: none (any valid token).',
      tags: ['identity'],
      security: bearer,
      request: { body: jsonBody(Availability) },
      responses: {
        200: jsonContent(Me, 'the caller, with their availability'),
        ...problems(400, 401, 403, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      const { awayUntil } = c.req.valid('json');
      const until = awayUntil === null ? null : new Date(awayUntil);
      if (until && until.getTime() <= Date.now()) {
        throw new DomainError('validation_failed', 'awayUntil must be in the future; send null when back', [
          { path: 'awayUntil', message: 'must be in the future' },
        ]);
      }
      const saved = await setAwayUntil(c.get('deps').db, actor.id, until);
      if (!saved) throw new DomainError('unauthenticated', `no user ${actor.id}`);
      return c.json(meOf(actor, saved.awayUntil), 200);
    },
  );
}
