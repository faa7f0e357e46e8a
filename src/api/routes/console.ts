import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEnv } from '../context.js';
import { refusedRequest } from '../errors.js';

/** Where `npm run console:build` writes the browser console; never committed. */
export const consoleDir = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Everything the console loads comes from this origin; it talks to the /v1 API on it and, with single
 * sign-on, to the identity provider's discovery and token endpoints.
 */
function securityHeaders(c: Context<AppEnv>): Record<string, string> {
  const issuer = c.get('deps').sso?.settings.issuer;
  const connect = issuer ? `'self' ${new URL(issuer).origin}` : "'self'";
  return {
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

async function indexPage(c: Context<AppEnv>): Promise<Response> {
  const html = await readFile(join(consoleDir, 'index.html'), 'utf8').catch(() => undefined);
  if (html === undefined) {
    return c.text('The console is not built; run `npm run console:build` (npm start does it).', 503, {
      'retry-after': '10',
    });
  }
  return c.html(html, 200, { ...securityHeaders(c), 'cache-control': 'no-cache' });
}

/** A built asset (content-hashed names, so cached for good), or undefined for the client routes. */
async function asset(c: Context<AppEnv>, relative: string): Promise<Response | undefined> {
  const type = contentTypes[extname(relative)];
  if (!type || !relative.startsWith('assets/')) return undefined;
  const path = normalize(join(consoleDir, relative));
  if (!path.startsWith(consoleDir + 'assets' + sep)) return undefined;
  const body = await readFile(path).catch(() => undefined);
  if (!body) return c.notFound();
  return c.body(body, 200, {
    ...securityHeaders(c),
    'content-type': type,
    'cache-control': 'public, max-age=31536000, immutable',
  });
}

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/console',
    operationId: 'getConsole',
    summary: 'The risk-ops console',
    description: 'A single-page app; its client routes live under /console/ and get the same page.',
    tags: ['operations'],
    security: [],
    responses: {
      200: { description: 'an HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
      ...refusedRequest,
    },
  });
  app.get('/console', (c) => indexPage(c));
  app.get('/console/*', async (c) => {
    const relative = c.req.path.slice('/console/'.length);
    return (await asset(c, relative)) ?? indexPage(c);
  });
}
