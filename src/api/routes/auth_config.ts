import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context.js';
import { jsonContent } from '../schemas.js';
import { refusedRequest } from '../errors.js';

const AuthConfig = z
  .object({
    sso: z
      .object({
        issuer: z.string().describe('the OpenID provider; its discovery document is under /.well-known'),
        clientId: z.string().nullable().describe('the console’s public client id; null when not configured'),
        scopes: z.string(),
        resource: z
          .string()
          .describe('resource indicator (RFC 8707) to ask for, so the access token is a JWT for this API'),
      })
      .nullable()
      .describe('null when this API accepts only its own tokens'),
  })
  .meta({ id: 'AuthConfig' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/auth/config',
      operationId: 'getAuthConfig',
      summary: 'How to sign in',
      description:
        'What a browser client needs to sign a person in with OpenID Connect (authorization code with ' +
        'PKCE): the provider, the client id, scopes and the resource to ask for.\n\nPermission: none (public).',
      tags: ['identity'],
      security: [],
      responses: { 200: jsonContent(AuthConfig, 'sign-in settings'), ...refusedRequest },
    }),
    (c) => {
      const settings = c.get('deps').sso?.settings;
      return c.json(
        {
          sso: settings
            ? {
                issuer: settings.issuer,
                clientId: settings.consoleClientId ?? null,
                scopes: settings.scopes,
                resource: settings.audience,
              }
            : null,
        },
        200,
      );
    },
  );
}
