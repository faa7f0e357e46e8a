import type { OpenAPIHono } from '@hono/zod-openapi';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Permission, PrivilegedRole, Role, rolePermissions } from '../../domain/permissions.js';
import type { AppEnv } from '../context.js';
import { errorStatus } from '../errors.js';

const swaggerDir = (
  createRequire(import.meta.url)('swagger-ui-dist') as { getAbsoluteFSPath(): string }
).getAbsoluteFSPath();
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

/** The role table, printed from the same object the permission checks use. */
export function roleTableMarkdown(): string {
  const header = `| role | ${Permission.options.map((p) => `\`${p}\``).join(' | ')} |`;
  const divider = `|---|${Permission.options.map(() => ':-:').join('|')}|`;
  const rows = Role.options.map(
    (role) =>
      `| \`${role}\` | ${Permission.options.map((p) => (rolePermissions[role].includes(p) ? '✓' : '')).join(' | ')} |`,
  );
  return [header, divider, ...rows].join('\n');
}

function errorTableMarkdown(): string {
  return [
    '| code | status |',
    '|---|---|',
    ...Object.entries(errorStatus).map(([code, status]) => `| \`${code}\` | ${status} |`),
  ].join('\n');
}

const description = `dualkey is a durable case and approval engine for risk operations. Every complaint, unfreeze and unbind request is a Temporal workflow; no restriction is ever lifted on one person's say.

Authenticate every \`/v1\` route with \`Authorization: Bearer <token>\`: a dualkey API token, or, where single sign-on is configured, an access token from the company's identity provider (\`GET /auth/config\` says which). Acting POSTs accept an \`Idempotency-Key\` header: the same key and body returns the first answer again; the same key with another body is 409 \`idempotency_conflict\`. Errors are RFC 9457 problem documents (\`application/problem+json\`).

## Roles and permissions
A user's permissions are the union of their roles'. \`approval.senior\` and \`approval.compliance\` mark whose approval counts as the senior (high tier) or compliance (critical tier) approval; \`case.release_any\` lets a senior release someone else's case. Granting a privileged role (${PrivilegedRole.options.map((r) => `\`${r}\``).join(', ')}), a wider business line or a department takes a second admin's approval.

${roleTableMarkdown()}

## Error codes
${errorTableMarkdown()}
`;

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>dualkey API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const initScript = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'a dualkey API token (`dk_…`)',
  });
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: { title: 'dualkey API', version: '1.0.0', description },
    servers: [{ url: new URL(c.req.url).origin }],
    tags: [
      { name: 'cases', description: 'intake, review, escalation, maker-checker, lift and revert' },
      { name: 'controls', description: 'restrictions and bindings on accounts' },
      { name: 'risk engine', description: 'signals about accounts' },
      { name: 'audit' },
      { name: 'reports' },
      { name: 'admin', description: 'users and tokens' },
      { name: 'identity' },
      { name: 'operations', description: 'health, readiness, metrics' },
    ],
  }));
  for (const [path, summary, type] of [
    ['/openapi.json', 'This OpenAPI 3.1 document', 'application/json'],
    ['/docs', 'Interactive API reference', 'text/html'],
  ] as const) {
    app.openAPIRegistry.registerPath({
      method: 'get',
      path,
      summary,
      tags: ['operations'],
      responses: { 200: { description: summary, content: { [type]: { schema: { type: 'string' } } } } },
    });
  }
  // Served from the installed swagger-ui-dist, so the reference works offline.
  app.get('/docs', (c) => c.html(docsPage));
  app.get('/docs/init.js', (c) =>
    c.body(initScript, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = assets[file];
    if (!type) return c.notFound();
    return c.body(await readFile(join(swaggerDir, file)), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
    });
  });
}
