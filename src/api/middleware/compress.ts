import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

/** Text worth compressing: JSON answers and problems, the console's HTML, scripts and styles. */
const compressible =
  /^(application\/(?:[\w.+-]+\+)?json|text\/(?:html|css|javascript|plain)|image\/svg\+xml)\b/i;

/** Below this many bytes the encoding's own overhead eats most of what it saves. */
const SMALLEST = 1_024;

type Encoding = 'br' | 'gzip';

/** Brotli when the client takes it, else gzip; `q=0` refuses an encoding. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: Encoding) => accepted.get(name) ?? accepted.get('*') ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return undefined;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
const brotliOptions = {
  params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
};

/**
 * Compresses text answers by `Accept-Encoding`. Every such answer is whole in memory already (JSON, the
 * console's files), so it is read once to skip small ones, then compressed on libuv's thread pool rather
 * than the event loop. Brotli at quality 5: about gzip's speed, and clearly smaller. The event stream is
 * left alone: each event must reach the browser as it is written, not when a compressor's block fills.
 */
export function compress(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('content-type') ?? '';
    if (!res.body || c.req.method === 'HEAD' || !compressible.test(type)) return;
    if (res.headers.has('content-encoding')) return;
    const headers = new Headers(res.headers);
    headers.append('vary', 'Accept-Encoding');
    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    const bytes = new Uint8Array(await res.arrayBuffer());
    let body: Uint8Array = bytes;
    if (encoding && bytes.length >= SMALLEST) {
      body = encoding === 'br' ? await brotli(bytes, brotliOptions) : await gzipped(bytes);
      headers.set('content-encoding', encoding);
    }
    headers.set('content-length', String(body.length));
    // Cleared first: assigning over a response merges the old one's headers, its length among them.
    c.res = undefined;
    c.res = new Response(body, { status: res.status, statusText: res.statusText, headers });
  };
}
