import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../context.js';
import { problemResponse } from '../errors.js';

/** Bodies larger than the limit are refused before they are read in full. */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: () => problemResponse('payload_too_large', `request bodies are limited to ${maxSize} bytes`),
  });
}

const withBody = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const jsonType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
/** The JSON media types the routes accept; an oddly spelled one (`application/json;`) stays refused. */
const wellFormedJsonType = /^application\/(?:[a-z.-]+\+)?json(?:;\s*[a-z0-9-]+=[^;]+)*$/i;

/**
 * A body that is not declared JSON is refused as such, whatever the framing headers say, rather than
 * skipped by the validator (a body with no Content-Type would otherwise be read as none). A zero-length
 * JSON body is no body: generated clients send `Content-Type: application/json` with an omitted optional
 * body. The body is read once here, after the size limit; later readers get the cached copy.
 */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!withBody.has(c.req.method)) return next();
    const type = c.req.header('content-type') ?? '';
    const body = await c.req.text();
    if (body.length === 0 && wellFormedJsonType.test(type)) {
      const headers = new Headers(c.req.raw.headers);
      headers.delete('content-type');
      c.req.raw = new Request(c.req.url, { method: c.req.method, headers, signal: c.req.raw.signal });
    } else if (body.length > 0 && !jsonType.test(type)) {
      return problemResponse('unsupported_media_type', 'send the body as application/json');
    }
    return next();
  };
}
