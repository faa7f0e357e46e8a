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

/** A body that is not JSON is refused as such, rather than parsed as an empty object. */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hasBody = c.req.header('content-length') !== undefined && c.req.header('content-length') !== '0';
    const chunked = c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type') ?? '';
    if ((hasBody || chunked) && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
      return problemResponse('unsupported_media_type', 'send the body as application/json');
    }
    return next();
  };
}
