import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { createSession, endSession } from '../../db/sessions.js';
import { DomainError } from '../../domain/errors.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { csrfCookie, csrfHeader, sessionCookie } from '../middleware/auth.js';
import { bearer, bearerOnly, jsonBody, jsonContent } from '../schemas.js';
import { awayUntilOf } from '../../db/assignment.js';
import { Me, meOf } from './v1_me.js';

const SessionStarted = z
  .object({
    user: Me,
    csrfToken: z.string().describe(`send it as ${csrfHeader} on every request that changes something`),
    expiresAt: z.iso.datetime().describe('when the session ends unless signed out before'),
  })
  .meta({ id: 'SessionStarted' });

/** Nothing to send: the bearer token is the credential. A body with anything in it is refused, not ignored. */
const StartSession = z.strictObject({}).meta({ id: 'StartSession' });

/**
 * Secure and SameSite=Strict on both: no other site's page can make the browser send them. Chromium
 * counts http://127.0.0.1 and localhost as secure, so this holds in development and tests too.
 */
const cookieOptions = { path: '/', secure: true, sameSite: 'Strict' } as const;

function clearCookies(c: Context<AppEnv>): void {
  deleteCookie(c, sessionCookie, { ...cookieOptions, httpOnly: true });
  deleteCookie(c, csrfCookie, cookieOptions);
}

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/session',
      operationId: 'createSession',
      summary: 'Sign a browser in',
      description: `Trades the bearer token of this request (a dualkey token or an identity provider's access token) for a session: sets the \`${sessionCookie}\` cookie (HttpOnly, Secure, SameSite=Strict), which authenticates later requests from this browser in place of the token, and the \`${csrfCookie}\` cookie holding the CSRF token, which a request that changes something must echo in \`${csrfHeader}\`. The session lasts \`SESSION_TTL\` (8 h by default); signing out, or the user being disabled, ends it sooner.\n\nPermission: none (any valid token).`,
      tags: ['identity'],
      security: bearerOnly,
      request: { body: jsonBody(StartSession, false) },
      responses: {
        201: jsonContent(SessionStarted, 'signed in; the cookies are set'),
        ...problems(400, 401, 403, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      if (c.get('session')) {
        throw new DomainError(
          'unauthenticated',
          'send the token as Authorization: Bearer to start a session',
        );
      }
      const { db, settings } = c.get('deps');
      const actor = c.get('actor');
      const session = await createSession(db, actor.id, settings.sessionTtlMs);
      const lifetime = { ...cookieOptions, expires: session.expiresAt };
      setCookie(c, sessionCookie, session.secret, { ...lifetime, httpOnly: true });
      setCookie(c, csrfCookie, session.csrfToken, lifetime);
      return c.json(
        {
          user: meOf(actor, await awayUntilOf(db, actor.id)),
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt.toISOString(),
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/session',
      operationId: 'deleteSession',
      summary: 'Sign a browser out',
      description: `Ends the session the \`${sessionCookie}\` cookie carries, on the server: the cookie answers 401 from then on. Clears both cookies. With a bearer token and no session, only clears the cookies.\n\nPermission: none (any valid token or session).`,
      tags: ['identity'],
      security: bearer,
      responses: { 204: { description: 'signed out' }, ...problems(401, 403, 429, 503) },
    }),
    async (c) => {
      const session = c.get('session');
      if (session) await endSession(c.get('deps').db, session.id);
      clearCookies(c);
      return c.body(null, 204);
    },
  );
}
