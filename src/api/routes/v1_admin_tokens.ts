import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { findUser, issueToken } from '../../db/users.js';
import { text } from '../../domain/schemas/actions.js';
import { Timestamp } from '../../domain/schemas/case.js';
import { DomainError } from '../../domain/errors.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonBody, jsonContent, pathId } from '../schemas.js';
import { auditAdmin } from './adminAudit.js';

const IssueTokenInput = z
  .strictObject({
    expiresInDays: z.number().int().min(1).max(3_650).optional().describe('no expiry when omitted'),
    label: text(100).optional(),
  })
  .meta({ id: 'IssueToken', examples: [{ expiresInDays: 90, label: 'case-tool on laptop' }] });

const IssuedToken = z
  .object({ token: z.string().describe('shown once'), tokenId: z.string(), expiresAt: Timestamp.nullable() })
  .meta({ id: 'IssuedToken' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/admin/users/{userId}/tokens',
      operationId: 'issueToken',
      summary: 'Issue a token',
      description: 'Issues another bearer token for a user, optionally expiring.',
      tags: ['admin'],
      permission: 'admin.users',
      request: {
        params: z.object({ userId: pathId('userId', 'usr_demo_checker') }),
        body: jsonBody(IssueTokenInput, false),
      },
      responses: {
        201: jsonContent(IssuedToken, 'the token, shown once'),
        ...problems(400, 401, 403, 404, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { userId } = c.req.valid('param');
      const input = c.req.valid('json') ?? {};
      if (!(await findUser(db, userId))) throw new DomainError('not_found', `no user ${userId}`);
      const expiresAt = input.expiresInDays
        ? new Date(Date.now() + input.expiresInDays * 86_400_000)
        : undefined;
      const issued = await issueToken(db, userId, { expiresAt, label: input.label });
      await auditAdmin(db, c.get('actor').id, 'token.issued', {
        userId,
        tokenId: issued.id,
        expiresAt: issued.expiresAt,
      });
      return c.json({ token: issued.token, tokenId: issued.id, expiresAt: issued.expiresAt }, 201);
    },
  );

  app.openapi(
    guardedRoute({
      method: 'delete',
      path: '/v1/admin/tokens/{tokenId}',
      operationId: 'revokeToken',
      summary: 'Revoke a token',
      description: 'Revokes a token at once; requests with it answer 401 from then on.',
      tags: ['admin'],
      permission: 'admin.users',
      request: { params: z.object({ tokenId: pathId('tokenId', 'tok_Q2x8dE1pZk3a') }) },
      responses: { 204: { description: 'revoked' }, ...problems(401, 403, 404, 429, 503) },
    }),
    async (c) => {
      const { db, tokens } = c.get('deps');
      const { tokenId } = c.req.valid('param');
      if (!(await tokens.revoke(tokenId))) throw new DomainError('not_found', `no token ${tokenId}`);
      await auditAdmin(db, c.get('actor').id, 'token.revoked', { tokenId });
      return c.body(null, 204);
    },
  );
}
