import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { Payload } from '@temporalio/common';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { bearer, jsonBody, jsonContent } from '../schemas.js';

const base64 = z.base64().describe('base64');

/** A Temporal payload as the remote codec protocol carries it: proto3 JSON, bytes in base64. */
const CodecPayload = z
  .object({
    metadata: z.record(z.string(), base64).optional(),
    data: base64.optional(),
  })
  .meta({ id: 'CodecPayload' });
type CodecPayload = z.infer<typeof CodecPayload>;

const CodecPayloads = z.strictObject({ payloads: z.array(CodecPayload).max(1_000) }).meta({
  id: 'CodecPayloads',
  examples: [
    {
      payloads: [
        {
          metadata: {
            encoding: 'YmluYXJ5L2VuY3J5cHRlZA==',
            'encryption-key-id': 'a2V5LTIwMjctMDE=',
            'dualkey-business-line': 'c3BvdA==',
            'dualkey-workflow-id': 'Y2FzZS1VTkYtMjAyNjExMjQtSzdNMlFY',
          },
          data: 'q83vASNFZ4mrze8BI0VniQ==',
        },
      ],
    },
  ],
});

const namespaceHeader = z.object({
  'x-namespace': z.string().optional().describe('the namespace the payloads come from; the Web UI sends it'),
});

function fromJson(payload: CodecPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

function toJson(payload: Payload): CodecPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/codec/decode',
      operationId: 'decodePayloads',
      summary: 'Decode Temporal payloads (remote codec)',
      description:
        'Temporal’s remote codec protocol, called by the Temporal Web UI and `temporal --codec-endpoint`. ' +
        'Payloads of cases in the caller’s business lines come back decrypted, and each run read is ' +
        'recorded on its case’s audit log as `payload.decoded`; every other payload comes back as sent, ' +
        'still encrypted. Clear text needs `case.read` and the payload’s business line among the caller’s; ' +
        'without them the answer is the same 200 with every payload still encrypted.\n\n' +
        'Permission: none beyond signing in.',
      tags: ['codec'],
      security: bearer,
      request: { headers: namespaceHeader, body: jsonBody(CodecPayloads) },
      responses: {
        200: jsonContent(CodecPayloads, 'the payloads, decoded where the caller may read them'),
        ...problems(400, 401, 413, 415, 503),
      },
    }),
    async (c) => {
      const { payloads } = c.req.valid('json');
      const namespace = c.req.valid('header')['x-namespace'];
      const decoded = await c.get('deps').decoding.decode(c.get('actor'), payloads.map(fromJson), namespace);
      return c.json({ payloads: decoded.map(toJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/codec/encode',
      operationId: 'encodePayloads',
      summary: 'Encode Temporal payloads (remote codec)',
      description:
        'Encrypts payloads with the current key, as the API and the workers do; the Web UI calls it for ' +
        'input it sends (a signal). Such payloads belong to no case, so only callers scoped to every ' +
        'business line can decode them.\n\nPermission: none beyond signing in.',
      tags: ['codec'],
      security: bearer,
      request: { headers: namespaceHeader, body: jsonBody(CodecPayloads) },
      responses: {
        200: jsonContent(CodecPayloads, 'the payloads, encrypted'),
        ...problems(400, 401, 413, 415),
      },
    }),
    async (c) => {
      const { payloads } = c.req.valid('json');
      const encoded = await c.get('deps').decoding.encode(payloads.map(fromJson));
      return c.json({ payloads: encoded.map(toJson) }, 200);
    },
  );
}
