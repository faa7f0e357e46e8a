import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { EmbeddedPostgresHandle } from '../../src/db/embedded.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { freePort } from '../../src/runtime/ports.js';
import type { DevServer } from '../../src/temporal/devServer.js';
import { startDevServer } from '../../src/temporal/devServer.js';
import type { RunningProcess } from '../support/processes.js';
import { runEntry } from '../support/processes.js';
import { eventually } from '../support/world.js';

/*
 * `npm run api` and `npm run worker` started before their PostgreSQL and Temporal exist: they wait, say so
 * once, and serve when both come up; PostgreSQL stopping under them later is survived too. This file has
 * its own PostgreSQL and dev server, since it stops and starts them.
 */
let dir: string;
let postgres: EmbeddedPostgresHandle | undefined;
let devServer: DevServer | undefined;
const processes: RunningProcess[] = [];

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await devServer?.stop();
  await postgres?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const alive = (p: RunningProcess) => p.child.exitCode === null && p.child.signalCode === null;

describe('a process started while its dependencies are down', () => {
  it('waits with one clear line, serves once they are back, and outlives PostgreSQL stopping', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dualkey-down-'));
    await chmod(dir, 0o755);
    const [pgPort, temporalPort, apiPort, metricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const adminToken = `bootstrap-${randomBytes(24).toString('hex')}`;
    const common = {
      DATABASE_URL: `postgres://dualkey:dualkey-embedded@127.0.0.1:${pgPort}/dualkey`,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: `down-${randomUUID()}`,
      LOG_LEVEL: 'info',
    };
    const api = runEntry('src/api/main.ts', {
      ...common,
      PORT: String(apiPort),
      DUALKEY_BOOTSTRAP_ADMIN_TOKEN: adminToken,
    });
    const worker = runEntry('src/worker/main.ts', { ...common, WORKER_METRICS_PORT: String(metricsPort) });
    processes.push(api, worker);
    const says = (p: RunningProcess, text: string, what: string) =>
      eventually(
        () => Promise.resolve(p.output()),
        (out) => out.includes(text) || !alive(p),
        { what, timeoutMs: 90_000 },
      );

    for (const p of [api, worker]) await says(p, 'waiting for PostgreSQL', 'the wait for PostgreSQL');
    expect(api.output().match(/waiting for PostgreSQL/g)).toHaveLength(1);
    postgres = await startEmbeddedPostgres({ dataDir: dir, port: pgPort, persistent: true });

    for (const p of [api, worker]) await says(p, 'waiting for Temporal', 'the wait for Temporal');
    devServer = await startDevServer({
      cliPath: process.env.TEMPORAL_CLI_PATH,
      cacheDir: inject('cacheDir'),
      namespace: 'default',
      port: temporalPort,
      log: () => undefined,
    });
    const ready = () =>
      fetch(`http://127.0.0.1:${apiPort}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
    await eventually(ready, (status) => status === 200 || !alive(api), {
      what: 'readiness',
      timeoutMs: 120_000,
    });
    expect(await ready(), `api:\n${api.output()}\nworker:\n${worker.output()}`).toBe(200);
    expect(worker.output()).toContain('Temporal at');

    // PostgreSQL goes away under running processes: requests answer 503, nothing crashes.
    await postgres.stop();
    postgres = undefined;
    const me = await fetch(`http://127.0.0.1:${apiPort}/v1/me`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(me.status).toBe(503);
    postgres = await startEmbeddedPostgres({ dataDir: dir, port: pgPort, persistent: true });
    await eventually(ready, (status) => status === 200 || !alive(api), {
      what: 'readiness again',
      timeoutMs: 60_000,
    });
    expect(await ready(), `api:\n${api.output()}\nworker:\n${worker.output()}`).toBe(200);
    expect(alive(api) && alive(worker)).toBe(true);
  }, 240_000);
});
