import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpAccountControls } from '../../src/db/accountControls/http.js';
import { PostgresAccountControls } from '../../src/db/accountControls/postgres.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { connectDatabase } from '../../src/db/client.js';
import type { ControlRef, ControlSnapshot } from '../../src/domain/controls.js';
import { DomainError } from '../../src/domain/errors.js';
import type { ControlKind } from '../../src/domain/vocabulary.js';
import { freePort } from '../../src/runtime/ports.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseAwaitingApproval,
  liftEvents,
  makeCast,
  newAccountId,
  untilStatus,
} from '../support/world.js';

/**
 * A stand-in account service speaking the contract of docs/account-service.md, backed by the real
 * PostgreSQL registry, so the HTTP adapter is exercised over real HTTP end to end.
 */
async function accountService(
  registry: PostgresAccountControls,
): Promise<{ url: string; server: Server; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const key = req.headers['idempotency-key'];
      calls.push(`${req.method} ${url.pathname}${key ? ' (keyed)' : ''}`);
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const handle = async () => {
        const account = /^\/accounts\/([^/]+)\/controls$/.exec(url.pathname)?.[1];
        if (req.method === 'GET' && account)
          return reply(200, { items: await registry.list(decodeURIComponent(account)) });
        if (req.method === 'GET' && url.pathname === '/controls') {
          return reply(200, { items: await registry.get((url.searchParams.get('ids') ?? '').split(',')) });
        }
        if (req.method === 'POST' && account) {
          return reply(
            201,
            await registry.apply({
              idempotencyKey: String(key),
              accountId: decodeURIComponent(account),
              kind: body.kind as ControlKind,
              businessLine: body.businessLine as 'spot',
              reason: String(body.reason),
              actor: String(body.actor),
            }),
          );
        }
        if (req.method === 'POST' && url.pathname === '/controls/lift') {
          const items = await registry.lift({
            idempotencyKey: String(key),
            controls: body.controls as ControlRef[],
            actor: String(body.actor),
            caseId: String(body.caseId),
          });
          return reply(200, { items });
        }
        if (req.method === 'POST' && url.pathname === '/controls/reapply') {
          const items = await registry.reapply({
            idempotencyKey: String(key),
            snapshots: body.snapshots as ControlSnapshot[],
            actor: String(body.actor),
            caseId: String(body.caseId),
          });
          return reply(200, { items });
        }
        return reply(404, { error: 'no such route' });
      };
      handle().catch((error: unknown) =>
        reply(error instanceof DomainError ? 409 : 500, { error: String(error) }),
      );
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, server, calls };
}

let services: Services;
let cast: Cast;
let service: Awaited<ReturnType<typeof accountService>>;

let serviceDatabase: DatabaseHandle;

beforeAll(async () => {
  serviceDatabase = connectDatabase(inject('databaseUrl'), 2);
  service = await accountService(new PostgresAccountControls(serviceDatabase.db));
  const http = new HttpAccountControls(service.url);
  services = await startServices({ controls: () => http });
  cast = await makeCast(services);
});
afterAll(async () => {
  await services?.stop();
  service?.server.close();
  await serviceDatabase?.close();
});

describe('the HTTP account-controls adapter', () => {
  it('carries a whole unfreeze through an existing account service, every change with an Idempotency-Key', async () => {
    const lock = await applyControl(services, newAccountId(), 'withdrawal_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock]);
    await services.cases.act(cast.checker, caseId, 'approve', { proposalId });
    await services.cases.act(cast.senior, caseId, 'approve', { proposalId });
    await untilStatus(services, caseId, 'monitoring');
    expect(await liftEvents(services, lock.id)).toBe(1);
    expect(service.calls).toContain('POST /controls/lift (keyed)');
    expect(service.calls.filter((c) => c.startsWith('POST')).every((c) => c.endsWith('(keyed)'))).toBe(true);
  });

  it('reports a refused lift as controls_changed', async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const http = new HttpAccountControls(service.url);
    await expect(
      http.lift({
        idempotencyKey: randomUUID(),
        controls: [{ id: lock.id, version: 99 }],
        actor: 't',
        caseId: 'c',
      }),
    ).rejects.toMatchObject({ code: 'controls_changed' });
    expect(await http.changedSince([{ id: lock.id, version: lock.version }])).toEqual([]);
  });

  it('treats any other failure as the service being unavailable, which callers retry', async () => {
    const http = new HttpAccountControls(service.url);
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    await expect(
      http.reapply({
        idempotencyKey: randomUUID(),
        snapshots: [{ ...lock, id: 'ctl_missing' }],
        actor: 't',
        caseId: 'c',
      }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    const unreachable = new HttpAccountControls(`http://127.0.0.1:${await freePort()}/`);
    await expect(unreachable.list(lock.accountId)).rejects.toMatchObject({ code: 'unavailable' });
  });
});
