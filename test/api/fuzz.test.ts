import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/domain/schemas/permissions.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import type { DocumentedRoute, JsonSchema } from '../support/openapi.js';
import {
  documentedRoutes,
  fillPath,
  openApiDocument,
  publicPaths,
  resolveSchema,
  routeKey,
} from '../support/openapi.js';
import type { RequestIds } from '../support/requests.js';
import { minimalRequests } from '../support/requests.js';
import { applyControl, caseInput, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

/** Samples per POST route; the file should stay around a minute on a laptop. */
const RUNS_PER_ROUTE = 60;

// Routes are read from the app's OpenAPI document before collection, so each gets a test of its own.
const api = await startApi();
afterAll(async () => api.stop());
const doc = await openApiDocument(api);
const postRoutes = documentedRoutes(doc).filter(
  (route) => route.method === 'POST' && !publicPaths.has(route.path),
);

interface Hostile {
  family: string;
  text: string;
  contentType: string | null;
}

interface RawAnswer {
  status: number;
  text: string;
  headers: Headers;
}

const sqlLooking = [
  "'; drop table cases; --",
  '" OR 1=1 --',
  "1'; update users set roles = '{admin}' where '1'='1",
  'robert"); DELETE FROM audit_events; --',
  '$$; select pg_sleep(10); $$',
  '%s%s%s%n',
  '${process.exit()}',
  '{{constructor.constructor("return process")()}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
];

const unicodeNasties = [
  '🔥💣🧨',
  '👩‍👩‍👧‍👦',
  '\u202eevil\u202c',
  'שלום עולם',
  'مرحبا',
  'zero\u200bwidth\u200d\ufeff',
  'Z̴̡̪͚̈́a̸̛͎̒l̶̨̼͒g̵̤̈o̵̪͐',
  '\ud800',
  '\udfff lone',
  '\u0000nul',
  'bell\u0007',
  'esc\u001b[31mred',
  'del\u007f',
  '\u2028line\u2029para',
];

const controlCharacter = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u000e',
  '\u001b',
  '\u001f',
  '\u007f',
);
const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\ud83d');

const hostileString = fc.oneof(
  fc.constantFrom(...sqlLooking, ...unicodeNasties),
  fc
    .tuple(fc.constantFrom(...sqlLooking), fc.constantFrom(...unicodeNasties), fc.string({ maxLength: 20 }))
    .map((parts) => parts.join('')),
);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonTypesOf(schema: JsonSchema | undefined): Set<string> {
  const resolved = resolveSchema(doc, schema);
  if (!resolved) return new Set();
  const types = new Set<string>();
  const declared = resolved.type;
  if (typeof declared === 'string') types.add(declared === 'integer' ? 'number' : declared);
  if (Array.isArray(declared)) for (const t of declared) types.add(t === 'integer' ? 'number' : t);
  for (const branch of [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? [])]) {
    for (const t of jsonTypesOf(branch)) types.add(t);
  }
  return types;
}

/** JSON values none of whose types is in `declared`. */
function wrongTypeValue(declared: Set<string>): fc.Arbitrary<unknown> {
  const pool: [string, fc.Arbitrary<unknown>][] = [
    ['number', fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 })],
    ['object', fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })],
    ['string', fc.string({ maxLength: 30 })],
  ];
  return fc.oneof(...pool.filter(([type]) => !declared.has(type)).map(([, arb]) => arb));
}

/** The route's JSON body: its properties, and which are free text (no enum, pattern or format). */
function bodyShape(route: DocumentedRoute) {
  const properties = route.body?.properties ?? {};
  const entries = Object.entries(properties).map(([name, schema]) => {
    const resolved = resolveSchema(doc, schema) ?? {};
    const types = jsonTypesOf(resolved);
    const constrained = resolved.enum !== undefined || 'pattern' in resolved || 'format' in resolved;
    return { name, types, freeText: types.has('string') && types.size === 1 && !constrained, constrained };
  });
  return {
    names: new Set(entries.map((e) => e.name)),
    entries,
    freeText: entries.filter((e) => e.freeText).map((e) => e.name),
    constrainedStrings: entries.filter((e) => e.constrained && e.types.has('string')).map((e) => e.name),
  };
}

function json(family: string, value: unknown): Hostile {
  return { family, text: JSON.stringify(value), contentType: 'application/json' };
}

/** Every hostile body family for one route; each is certain to be invalid for it. */
function hostileBodies(route: DocumentedRoute, valid: Record<string, unknown>): fc.Arbitrary<Hostile> {
  const shape = bodyShape(route);
  const validText = JSON.stringify(valid);
  const withExtra = (extra: string) =>
    validText === '{}' ? `{${extra}}` : `${validText.slice(0, -1)},${extra}}`;
  const families: fc.Arbitrary<Hostile>[] = [];

  families.push(
    fc
      .jsonValue({ maxDepth: 4 })
      // A plain object using only the route's own keys might be a valid request.
      .filter((v) => !isPlainObject(v) || Object.keys(v).some((k) => !shape.names.has(k)))
      .map((v) => json('random JSON value', v)),
  );

  if (shape.entries.length > 0) {
    families.push(
      fc
        .record(Object.fromEntries(shape.entries.map((e) => [e.name, wrongTypeValue(e.types)])))
        .map((v) => json('right keys, wrong types', v)),
    );
  }

  families.push(
    fc
      .record({
        field: fc.constantFrom(...(shape.freeText.length ? shape.freeText : ['padding'])),
        unit: fc.constantFrom('a', 'é', '😀', ' ', '\u202e', '\u200b', "'"),
        length: fc.integer({ min: 10_001, max: 70_000 }),
      })
      // Limits count characters (code points), so each unit is repeated `length` times whatever its
      // UTF-16 width: 5,001 emoji are 10,002 code units but a valid 5,001-character text.
      .map(({ field, unit, length }) => json('huge string', { ...valid, [field]: unit.repeat(length) })),
  );

  families.push(
    fc
      .record({
        depth: fc.integer({ min: 20, max: 5_000 }),
        kind: fc.constantFrom('object', 'array'),
        field: fc.constantFrom(...shape.names, 'nested'),
      })
      .map(({ depth, kind, field }) => {
        const nested =
          kind === 'object'
            ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
            : `${'['.repeat(depth)}${']'.repeat(depth)}`;
        const others = Object.fromEntries(Object.entries(valid).filter(([k]) => k !== field));
        const base = JSON.stringify(others);
        const text = base === '{}' ? `{"${field}":${nested}}` : `${base.slice(0, -1)},"${field}":${nested}}`;
        return { family: 'deeply nested', text, contentType: 'application/json' };
      }),
  );

  families.push(
    fc
      .record({
        key: fc.constantFrom('__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString'),
        payload: fc.constantFrom(
          '{"polluted":true}',
          '{"prototype":{"polluted":true}}',
          '{"isAdmin":true,"roles":["admin"]}',
          'null',
          '"x"',
        ),
      })
      .map(({ key, payload }) => ({
        family: 'prototype pollution',
        text: withExtra(`"${key}":${payload}`),
        contentType: 'application/json',
      })),
  );

  families.push(
    fc
      .record({ key: hostileString, value: hostileString })
      .filter(({ key }) => !shape.names.has(key))
      .map(({ key, value }) => json('hostile unknown field', { ...valid, [key]: value })),
  );

  if (shape.constrainedStrings.length > 0) {
    families.push(
      fc
        .record({ field: fc.constantFrom(...shape.constrainedStrings), value: hostileString })
        .map(({ field, value }) =>
          json('hostile value in a constrained field', { ...valid, [field]: value }),
        ),
    );
  }

  if (shape.freeText.length > 0) {
    families.push(
      fc
        .record({
          field: fc.constantFrom(...shape.freeText),
          before: fc.string({ maxLength: 10 }),
          bad: fc.oneof(controlCharacter, loneSurrogate),
          after: fc.string({ maxLength: 10 }),
        })
        .map(({ field, before, bad, after }) =>
          json('control character or lone surrogate in text', {
            ...valid,
            [field]: `ok ${before}${bad}${after} ok`,
          }),
        ),
    );
  }

  families.push(
    fc
      .oneof(
        fc.constantFrom(
          '{',
          '{"a":',
          "{'text':'single quotes'}",
          '{"a":1,}',
          '[1,2',
          'undefined',
          'NaN',
          '{"a":01}',
          '{"a":"\\x41"}',
          '{"a":"unterminated}',
          '\u0000',
          '\ufeff{',
          `${validText}garbage`,
          `${validText}${validText}`,
          validText.slice(0, Math.max(1, validText.length - 1)),
        ),
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
      )
      .map((text) => ({ family: 'malformed JSON', text, contentType: 'application/json' })),
  );

  const nonJsonTypes = [
    'text/plain',
    'text/json',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
    'application/jsonp',
    'application/octet-stream',
    'json',
  ];
  families.push(
    fc
      .oneof(
        fc.record({
          contentType: fc.constantFrom(...nonJsonTypes),
          text: fc.constantFrom(validText, 'a=1&b=2', '<a>1</a>', ''),
        }),
        fc.record({
          contentType: fc.constantFrom(null, ''),
          text: fc.constantFrom(validText, 'a=1&b=2'),
        }),
        // JSON, but spelled oddly: whether refused as a media type or as a body, the answer is a 4xx.
        fc.record({
          contentType: fc.constantFrom(
            'application/json;',
            'application/json ; charset=utf-8',
            'application/json; charset',
            'application/json;;',
          ),
          text: fc.constantFrom('a=1&b=2', '{', ''),
        }),
      )
      .map(({ contentType, text }) => ({ family: 'wrong content type', text, contentType })),
  );

  return fc.oneof(...families);
}

function findKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((v) => findKey(v, key));
  if (!isPlainObject(value)) return false;
  return Object.keys(value).some((k) => k === key || findKey(value[k], key));
}

/** A 4xx RFC 9457 problem document that says nothing about the server's insides. */
function expectRefusal(answer: RawAnswer, sent: Hostile): void {
  const context = `${sent.family}: ${sent.text.slice(0, 200)} (${String(sent.contentType)}) → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, context).toBeGreaterThanOrEqual(400);
  expect(answer.status, context).toBeLessThan(500);
  expect(answer.headers.get('content-type'), context).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(body, context).toMatchObject({
    type: expect.any(String) as unknown,
    title: expect.any(String) as unknown,
    status: answer.status,
    detail: expect.any(String) as unknown,
    code: expect.any(String) as unknown,
  });
  expect(findKey(body, 'stack'), context).toBe(false);
  expect(answer.text, context).not.toMatch(/\bat .+\.(?:ts|js|mjs|cjs):\d+:\d+/);
  expect(answer.text, context).not.toMatch(/node_modules|\/work\/|Error: /);
}

describe('hostile bodies on every POST route', () => {
  let actor: User;
  let ids: RequestIds;
  let requests: ReturnType<typeof minimalRequests>;
  let sent = 0;

  beforeAll(async () => {
    // Every role, so every body reaches its validation rather than stopping at a permission check.
    actor = await api.user([...Role.options], { departments: ['security'] });
    const accountId = newAccountId();
    const control = await applyControl(api.services, accountId, 'login_lock');
    const created = await api.call('POST', '/v1/cases', {
      token: actor.token,
      body: { ...caseInput(accountId), controlIds: [control.id] },
    });
    expect(created.status).toBe(201);
    ids = {
      caseId: created.body.id as string,
      proposalId: 'prop-1',
      escalationId: 'esc-1',
      userId: actor.id,
      tokenId: 'tok_unknown',
      grantId: 'grt_unknown',
      accountId,
      controlId: control.id,
      // No delivery has this id: the fuzzer must not requeue the deliveries of files running beside it.
      id: String(Number.MAX_SAFE_INTEGER),
      campaignId: 'CAM-20261207-UNKNWN',
    };
    requests = minimalRequests(ids);
  });

  async function send(route: DocumentedRoute, body: Hostile): Promise<RawAnswer> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${actor.token}`,
      'content-length': String(Buffer.byteLength(body.text)),
    };
    if (body.contentType !== null) headers['content-type'] = body.contentType;
    const response = await api.app.request(fillPath(route.path, ids), {
      method: 'POST',
      headers,
      body: body.text,
    });
    sent += 1;
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  it('every POST route has a valid body to start from', () => {
    expect(postRoutes.map(routeKey).filter((key) => !(key in requests))).toEqual([]);
    expect(postRoutes.length).toBeGreaterThanOrEqual(17);
  });

  for (const route of postRoutes) {
    it(`${routeKey(route)} answers ${RUNS_PER_ROUTE} hostile bodies with 4xx problem documents`, async () => {
      const valid = requests[routeKey(route)]?.body ?? {};
      await fc.assert(
        fc.asyncProperty(hostileBodies(route, valid), async (body) => {
          expectRefusal(await send(route, body), body);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('isAdmin');
    });
  }

  it(`sent ${postRoutes.length} routes × ${RUNS_PER_ROUTE} = ${postRoutes.length * RUNS_PER_ROUTE} hostile requests, none answered 5xx`, () => {
    expect(sent).toBe(postRoutes.length * RUNS_PER_ROUTE);
  });

  it('nothing the fuzzing sent opened a case, a control or a user', async () => {
    const listed = await api.call('GET', `/v1/cases?accountId=${ids.accountId}`, { token: actor.token });
    expect((listed.body.items as { id: string }[]).map((c) => c.id)).toEqual([ids.caseId]);
    const controls = await api.call('GET', `/v1/accounts/${ids.accountId}/controls`, {
      token: actor.token,
    });
    expect((controls.body.items as { id: string }[]).map((c) => c.id)).toEqual([ids.controlId]);
    const current = await api.call('GET', `/v1/cases/${ids.caseId}`, { token: actor.token });
    expect(current.body).toMatchObject({ status: 'open', assignee: null, notes: [], escalations: [] });
  });
});

describe('hostile query strings', () => {
  const QUERY_RUNS = 40;
  let reader: User;
  beforeAll(async () => {
    reader = await api.user(['auditor']);
  });

  async function get(path: string): Promise<RawAnswer> {
    const response = await api.app.request(path, { headers: { authorization: `Bearer ${reader.token}` } });
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  function expectNoServerError(answer: RawAnswer, sent: string): void {
    const context = `${sent} → ${answer.status} ${answer.text.slice(0, 300)}`;
    expect(answer.status, context).toBeLessThan(500);
    if (answer.status >= 400) expectRefusal(answer, { family: 'query', text: sent, contentType: null });
  }

  const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // encodeURIComponent refuses half a surrogate pair; a hostile client simply sends its three bytes.
  const percentEncode = (value: string) =>
    [...value]
      .map((ch) => {
        try {
          return encodeURIComponent(ch);
        } catch {
          const unit = ch.charCodeAt(0);
          return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
            .map((b) => `%${b.toString(16).toUpperCase()}`)
            .join('');
        }
      })
      .join('');
  const instant = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      offset: fc.constantFrom('Z', '+14:00', '-12:00', '+05:30'),
    })
    .map(
      ({ year, month, day, hour, offset }) =>
        `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00${offset}`,
    );

  it(`GET /v1/cases survives ${QUERY_RUNS} forged cursors and hostile filters without a 5xx`, async () => {
    const cursor = fc.oneof(
      hostileString,
      fc.string({ maxLength: 60 }),
      fc
        .tuple(fc.oneof(instant, fc.string({ maxLength: 30 })), fc.oneof(hostileString, fc.string()))
        .map(base64url),
      fc.jsonValue({ maxDepth: 2 }).map(base64url),
    );
    await fc.assert(
      fc.asyncProperty(
        cursor,
        hostileString,
        fc.constantFrom(
          'status',
          'type',
          'assignee',
          'accountId',
          'businessLine',
          'riskTier',
          'slaBreached',
          'limit',
        ),
        async (forged, value, filter) => {
          const query = `cursor=${percentEncode(forged)}&${filter}=${percentEncode(value)}`;
          expectNoServerError(await get(`/v1/cases?${query}`), query);
          const cursorOnly = `cursor=${percentEncode(forged)}`;
          expectNoServerError(await get(`/v1/cases?${cursorOnly}`), cursorOnly);
        },
      ),
      { numRuns: QUERY_RUNS },
    );
  });

  it(`GET /v1/reports/operations survives ${QUERY_RUNS} windows from year 0 to 9999 without a 5xx`, async () => {
    await fc.assert(
      fc.asyncProperty(instant, instant, async (from, to) => {
        const query = `from=${percentEncode(from)}&to=${percentEncode(to)}`;
        expectNoServerError(await get(`/v1/reports/operations?${query}`), query);
      }),
      { numRuns: QUERY_RUNS },
    );
  });
});

describe('hostile but valid values', () => {
  it('a case whose subject and description look like SQL and odd unicode reads back byte-identical', async () => {
    const agent = await api.user(['agent']);
    const subject = `${sqlLooking[0]} 🔥 \u202eevil\u202c zero\u200bwidth שלום 👩‍👩‍👧‍👦 \\ " ' %s`;
    const description = `${sqlLooking.join('\n')}\n${unicodeNasties.slice(0, 7).join('\t')}`;
    const accountId = newAccountId();
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(accountId, { type: 'complaint', subject, description, externalRef: sqlLooking[1] }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ subject, description, externalRef: sqlLooking[1] });

    const read = await api.call('GET', `/v1/cases/${created.body.id as string}`, { token: agent.token });
    expect(read.body.subject).toBe(subject);
    expect(read.body.description).toBe(description);
    expect(Buffer.from(read.body.subject as string).equals(Buffer.from(subject))).toBe(true);

    const listed = await api.call('GET', `/v1/cases?accountId=${accountId}`, { token: agent.token });
    const [item] = listed.body.items as { subject: string; description: string }[];
    expect(item?.subject).toBe(subject);
    expect(item?.description).toBe(description);
  });

  it('notes with any printable unicode, cut anywhere, round-trip unharmed', async () => {
    const agent = await api.user(['agent']);
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    const caseId = created.body.id as string;
    const printable = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 120 })
      .map((s) => s.trim())
      // eslint-disable-next-line no-control-regex
      .filter((s) => s.length > 0 && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s));
    const written: string[] = [];
    await fc.assert(
      fc.asyncProperty(printable, async (text) => {
        const answer = await api.call('POST', `/v1/cases/${caseId}/notes`, {
          token: agent.token,
          body: { text },
        });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        written.push(text);
      }),
      { numRuns: 10 },
    );
    const read = await api.call('GET', `/v1/cases/${caseId}`, { token: agent.token });
    expect((read.body.notes as { text: string }[]).map((n) => n.text)).toEqual(written);
  });
});
