import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding } from '../../src/api/middleware/compress.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { caseInput, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

let api: ApiHarness;
let agent: User;

beforeAll(async () => {
  api = await startApi();
  agent = await api.user(['agent']);
  // Enough cases that a page of them is well past the size worth compressing.
  for (let i = 0; i < 3; i++) {
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expect(created.status).toBe(201);
  }
});
afterAll(async () => api?.stop());

async function raw(path: string, acceptEncoding?: string, token?: string) {
  const response = await api.app.request(path, {
    headers: {
      ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

const decoders = { gzip: gunzipSync, br: brotliDecompressSync } as const;

describe('compressed answers', () => {
  it.each(['gzip', 'br'] as const)(
    'JSON comes %s-encoded when asked, and decodes to the same answer',
    async (encoding) => {
      const plain = await raw('/v1/cases?limit=50', undefined, agent.token);
      expect(plain.response.headers.get('content-encoding')).toBeNull();
      const packed = await raw('/v1/cases?limit=50', encoding, agent.token);
      expect(packed.response.status).toBe(200);
      expect(packed.response.headers.get('content-encoding')).toBe(encoding);
      expect(packed.response.headers.get('vary')).toMatch(/accept-encoding/i);
      const decoded = JSON.parse(decoders[encoding](packed.bytes).toString('utf8')) as { items: unknown[] };
      const expected = JSON.parse(plain.bytes.toString('utf8')) as { items: { id: string }[] };
      expect(decoded.items.map((c) => (c as { id: string }).id)).toEqual(expected.items.map((c) => c.id));
      expect(packed.bytes.length).toBeLessThan(plain.bytes.length / 3);
    },
  );

  it('brotli is preferred when the browser offers both, as browsers do', async () => {
    const { response } = await raw('/openapi.json', 'gzip, deflate, br, zstd');
    expect(response.headers.get('content-encoding')).toBe('br');
  });

  it('the console’s page and scripts come compressed', async () => {
    // The page itself is a few hundred bytes, below what is worth compressing; what it loads is not.
    const html = (await raw('/console/queue')).bytes.toString('utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map(
      (m) => m[1],
    );
    expect(assets.some((a) => a?.endsWith('.js'))).toBe(true);
    for (const [encoding, accept] of [
      ['gzip', 'gzip'],
      ['br', 'gzip, deflate, br'],
    ] as const) {
      for (const path of assets) {
        const asset = await raw(`/console/${path}`, accept);
        expect(asset.response.headers.get('content-encoding'), path).toBe(encoding);
        expect(decoders[encoding](asset.bytes).length).toBeGreaterThan(asset.bytes.length * 2);
      }
    }
  });

  it('the live event stream is never compressed, so each event arrives as it is written', async () => {
    const { response } = await raw('/v1/events?lifetime=1', 'gzip, br', agent.token);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(response.headers.get('content-encoding')).toBeNull();
  });

  it('small answers are left as they are', async () => {
    const small = await raw('/v1/me', 'gzip, br', agent.token);
    expect(small.response.headers.get('content-encoding')).toBeNull();
    expect(small.response.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(JSON.parse(small.bytes.toString('utf8'))).toMatchObject({ id: agent.id });
  });

  it('a problem document is JSON like any other', async () => {
    const { response, bytes } = await raw('/v1/cases/NOPE-1/events', 'gzip', agent.token);
    expect(response.status).toBe(404);
    expect(
      JSON.parse(
        bytes.length > 0 && response.headers.get('content-encoding') === 'gzip'
          ? gunzipSync(bytes).toString('utf8')
          : bytes.toString('utf8'),
      ),
    ).toMatchObject({ code: 'not_found' });
  });
});

describe('choosing an encoding', () => {
  it.each([
    [undefined, undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['gzip, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=1', 'gzip'],
    ['*', 'br'],
    ['gzip;q=0, *;q=0.1', 'br'],
  ])('Accept-Encoding %s gives %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});
