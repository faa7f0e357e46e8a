import proto from '@temporalio/proto';
// First: the API's modules extend zod for the OpenAPI document before any schema is built.
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readStream } from '../../src/db/audit.js';
import { compensationWorkflowIdOf, workflowIdFor } from '../../src/domain/case.js';
import { PAYLOAD_DECODED } from '../../src/api/services/codec.js';
import { metadataKeys } from '../../src/temporal/codec/codec.js';
import { newKeyFile } from '../../src/temporal/codec/keys.js';
import type { Services } from '../support/services.js';
import { connectServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import { findCase } from '../../src/db/projections.js';
import {
  applyControl,
  caseAwaitingApproval,
  caseInput,
  eventually,
  makeCast,
  newAccountId,
  untilStatus,
} from '../support/world.js';

const WEB_UI = 'http://127.0.0.1:8233';
let api: ApiHarness;
let cast: Cast;

beforeAll(async () => {
  api = await startApi();
  cast = await makeCast(api.services);
});
afterAll(async () => api?.stop());

interface CodecPayload {
  metadata: Record<string, string>;
  data: string;
}

/** Every event of a run as Temporal stores it: the raw bytes of its history, through the gRPC API. */
async function rawHistory(services: Services, workflowId: string) {
  const { history } = await services.connection.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId },
  });
  const events = history?.events ?? [];
  return { events, bytes: Buffer.from(proto.temporal.api.history.v1.History.encode({ events }).finish()) };
}

/** The start input of a run as the Web UI sends it to the codec: proto3 JSON, bytes in base64. */
async function startInput(workflowId: string): Promise<CodecPayload[]> {
  const { events } = await rawHistory(api.services, workflowId);
  const payloads = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  return payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  }));
}

const clearText = (payload: CodecPayload) => Buffer.from(payload.data, 'base64').toString('utf8');

describe('payloads in Temporal', () => {
  it('a new case’s raw history holds no description, note or answer in clear text', async () => {
    const description = `Withdrawal blocked since the trip to Lisbon ${newAccountId()}`;
    const note = `Called the user back at the number on file ${newAccountId()}`;
    const question = `Which card did you pay the hotel with ${newAccountId()}?`;
    const answer = `The one ending in 4242 ${newAccountId()}`;
    const escalationAnswer = `Device matches the usual one ${newAccountId()}`;
    const created = await api.services.cases.create(
      cast.agent,
      caseInput(newAccountId(), { type: 'complaint', description }),
    );
    await api.services.cases.act(cast.agent, created.id, 'claim', {});
    await api.services.cases.act(cast.agent, created.id, 'addNote', { text: note });
    const escalated = await api.services.cases.act(cast.agent, created.id, 'escalate', {
      department: 'security',
      question: 'Is this the user’s device?',
    });
    await api.services.cases.act(cast.security, created.id, 'answerEscalation', {
      escalationId: escalated.escalations[0]!.id,
      answer: escalationAnswer,
    });
    await api.services.cases.act(cast.agent, created.id, 'requestInfo', { question });
    const back = await api.services.cases.act(cast.agent, created.id, 'respondInfo', { answer });
    expect(back.notes.map((n) => n.text)).toContain(note);

    const { bytes } = await eventually(
      () => rawHistory(api.services, created.workflowId),
      (h) => h.bytes.includes(Buffer.from('respondInfo')),
      { what: 'the answer’s update in the history' },
    );
    for (const secret of [description, note, question, answer, escalationAnswer]) {
      expect({ secret, inClear: bytes.includes(Buffer.from(secret)) }).toEqual({ secret, inClear: false });
    }
    expect(bytes.includes(Buffer.from(metadataKeys.keyId))).toBe(true);
    // Search attributes stay in clear, ids and categories only: ops still filter by them.
    expect(bytes.includes(Buffer.from(created.accountId))).toBe(true);
  });
});

describe('POST /codec/decode', () => {
  async function p2pCase() {
    const description = `The p2p buyer never paid ${newAccountId()}`;
    const created = await api.services.cases.create(
      cast.agent,
      caseInput(newAccountId(), { type: 'complaint', businessLine: 'p2p', description }),
    );
    return { created, description, payloads: await startInput(created.workflowId) };
  }

  it('decodes a case’s payloads for a reader of its business line, and puts it on the case’s audit log', async () => {
    const { created, description, payloads } = await p2pCase();
    const reader = await api.user(['auditor'], { businessLines: ['p2p'] });
    const response = await api.call('POST', '/codec/decode', {
      token: reader.token,
      headers: { 'x-namespace': 'default', origin: WEB_UI },
      body: { payloads },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(WEB_UI);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    const decoded = (response.body.payloads as CodecPayload[])[0]!;
    expect(clearText(decoded)).toContain(description);
    const audit = await readStream(api.services.database.db, created.id);
    const row = audit.find((e) => e.action === PAYLOAD_DECODED);
    expect(row).toMatchObject({
      actor: reader.id,
      outcome: 'accepted',
      details: { workflowId: workflowIdFor(created.id), payloads: 1, namespace: 'default' },
    });
    expect(Date.parse(row!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('answers a reader of other business lines with the payloads still encoded, and audits nothing', async () => {
    const { created, description, payloads } = await p2pCase();
    const outsider = await api.user(['auditor'], { businessLines: ['spot'] });
    const response = await api.call('POST', '/codec/decode', {
      token: outsider.token,
      body: { payloads },
    });
    expect(response.status).toBe(200);
    expect(response.body.payloads).toEqual(payloads);
    expect(clearText((response.body.payloads as CodecPayload[])[0]!)).not.toContain(description);
    const audit = await readStream(api.services.database.db, created.id);
    expect(audit.filter((e) => e.action === PAYLOAD_DECODED)).toEqual([]);
  });

  it('decodes nothing for a user without case.read, or for another namespace', async () => {
    const { payloads } = await p2pCase();
    const engine = await api.user(['risk_engine']);
    const refused = await api.call('POST', '/codec/decode', { token: engine.token, body: { payloads } });
    expect(refused.body.payloads).toEqual(payloads);
    const reader = await api.user(['auditor']);
    const elsewhere = await api.call('POST', '/codec/decode', {
      token: reader.token,
      headers: { 'x-namespace': 'other' },
      body: { payloads },
    });
    expect(elsewhere.body.payloads).toEqual(payloads);
  });

  it('takes the console’s session cookie from the Web UI’s origin, without the CSRF token it cannot send', async () => {
    const { created, description, payloads } = await p2pCase();
    const reader = await api.user(['auditor'], { businessLines: ['p2p'] });
    const started = await api.call('POST', '/v1/session', { token: reader.token });
    expect(started.status).toBe(201);
    const session = started.headers
      .getSetCookie()
      .find((line) => line.startsWith('dualkey_session='))
      ?.split(';')[0];
    const asBrowser = (origin?: string) =>
      api.call('POST', '/codec/decode', {
        headers: { cookie: session!, ...(origin ? { origin } : {}) },
        body: { payloads },
      });
    const fromUi = await asBrowser(WEB_UI);
    expect(fromUi.status).toBe(200);
    expect(clearText((fromUi.body.payloads as CodecPayload[])[0]!)).toContain(description);
    const audit = await readStream(api.services.database.db, created.id);
    expect(audit.filter((e) => e.action === PAYLOAD_DECODED).map((e) => e.actor)).toEqual([reader.id]);
    // Another page the browser would send the cookie from must still prove itself with the CSRF token.
    expect((await asBrowser('https://evil.example')).body.code).toBe('csrf_failed');
    expect((await asBrowser()).body.code).toBe('csrf_failed');
  });

  it('refuses a caller who is not signed in', async () => {
    const { payloads } = await p2pCase();
    const response = await api.call('POST', '/codec/decode', { body: { payloads } });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it('answers the Web UI’s preflight for its own origin only, with credentials', async () => {
    const preflight = (origin: string) =>
      api.call('OPTIONS', '/codec/decode', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const ui = await preflight(WEB_UI);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(WEB_UI);
    expect(ui.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ui.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const stranger = await preflight('https://evil.example');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('encodes what the Web UI sends, so only a reader of every line decodes it', async () => {
    const clear = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'Im9rIg==' };
    const someone = await api.user(['agent'], { businessLines: ['p2p'] });
    const encoded = await api.call('POST', '/codec/encode', {
      token: someone.token,
      body: { payloads: [clear] },
    });
    expect(encoded.status).toBe(200);
    const sealed = (encoded.body.payloads as CodecPayload[])[0]!;
    expect(sealed.data).not.toBe(clear.data);
    const scoped = await api.call('POST', '/codec/decode', {
      token: someone.token,
      body: { payloads: [sealed] },
    });
    expect(scoped.body.payloads).toEqual([sealed]);
    const everyLine = await api.user(['auditor']);
    const opened = await api.call('POST', '/codec/decode', {
      token: everyLine.token,
      body: { payloads: [sealed] },
    });
    expect((opened.body.payloads as CodecPayload[])[0]).toMatchObject(clear);
  });
});

describe('a late revert’s run', () => {
  it('is decoded on its case’s audit chain, not the access stream', async () => {
    const accountId = newAccountId();
    const lock = await applyControl(api.services, accountId, 'login_lock', { businessLine: 'p2p' });
    const { caseId, proposalId } = await caseAwaitingApproval(api.services, cast.agent, [lock], {
      businessLine: 'p2p',
    });
    const first = await api.services.cases.act(cast.senior, caseId, 'approve', { proposalId });
    if (first.status !== 'executing')
      await api.services.cases.act(cast.checker, caseId, 'approve', { proposalId });
    await untilStatus(api.services, caseId, 'closed');
    await eventually(
      () => findCase(api.services.database.db, caseId),
      (c) => c?.status === 'closed',
      { what: `case ${caseId} closed in the projection` },
    );
    await api.services.cases.revert(cast.reverter, caseId, { reason: 'Chargeback after the window.' });
    const revertRun = compensationWorkflowIdOf({ id: caseId }, 'lift-1');
    await api.services.client.workflow.getHandle(revertRun).result();

    const reader = await api.user(['auditor'], { businessLines: ['p2p'] });
    const response = await api.call('POST', '/codec/decode', {
      token: reader.token,
      body: { payloads: await startInput(revertRun) },
    });
    expect(response.status).toBe(200);
    expect(clearText((response.body.payloads as CodecPayload[])[0]!)).toContain(caseId);
    const audit = await readStream(api.services.database.db, caseId);
    expect(audit.filter((e) => e.action === PAYLOAD_DECODED && e.actor === reader.id)).toMatchObject([
      { details: { workflowId: revertRun, payloads: 1 } },
    ]);
    const access = await readStream(api.services.database.db, 'access');
    expect(access.filter((e) => JSON.stringify(e.details).includes(revertRun))).toEqual([]);
  });
});

describe('key rotation', () => {
  it('cases started under key A still run and read after key B becomes the encryption key', async () => {
    const keyA = inject('encryptionKeys');
    const keyB = newKeyFile('test-b');
    const accountId = newAccountId();
    const lock = await applyControl(api.services, accountId, 'login_lock');
    const created = await api.services.cases.create(
      cast.agent,
      caseInput(accountId, { controlIds: [lock.id] }),
    );
    await api.services.cases.act(cast.agent, created.id, 'claim', {});

    // The same task queue, now served by a client and a worker that encrypt with B and still hold A.
    api.services.worker?.shutdown();
    const rotated = await connectServices(
      {
        databaseUrl: inject('databaseUrl'),
        temporalAddress: inject('temporalAddress'),
        bundlePath: inject('workflowBundlePath'),
      },
      {
        keys: { encryptWith: keyB.encryptWith, keys: { ...keyA.keys, ...keyB.keys } },
        taskQueue: api.services.taskQueue,
      },
    );
    try {
      const proposed = await rotated.cases.act(cast.agent, created.id, 'propose', {
        controlIds: [lock.id],
        reasonCode: 'verified_owner',
        justification: 'Identity verified on a video call after the key changed.',
      });
      await rotated.cases.act(cast.checker, created.id, 'approve', { proposalId: proposed.proposals[0]!.id });
      const closed = await untilStatus(rotated, created.id, 'closed', 90_000);
      expect(closed.outcome).toBe('lifted');
      expect(closed.description).toBe(created.description);

      const { events } = await rawHistory(rotated, created.workflowId);
      const keyIds = new Set(
        events.flatMap((event) =>
          [
            event.workflowExecutionStartedEventAttributes?.input,
            event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args,
          ].flatMap((payloads) =>
            (payloads?.payloads ?? []).map((p) =>
              Buffer.from(p.metadata?.[metadataKeys.keyId] ?? []).toString(),
            ),
          ),
        ),
      );
      expect([...keyIds].sort()).toEqual([keyA.encryptWith, keyB.encryptWith].sort());
    } finally {
      await rotated.stop();
    }
  });
});
