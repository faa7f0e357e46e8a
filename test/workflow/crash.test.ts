import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
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

let services: Services;
let cast: Cast;
let doomed: ChildProcess | undefined;

beforeAll(async () => {
  services = await startServices({ withoutWorker: true });
  cast = await makeCast(services);
});
afterAll(async () => {
  doomed?.kill('SIGKILL');
  await services?.stop();
});

function startDoomedWorker(): Promise<{ child: ChildProcess; lifted: Promise<string> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../support/workerProcess.ts', import.meta.url))],
    {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        DATABASE_URL: inject('databaseUrl'),
        TASK_QUEUE: services.taskQueue,
        WORKFLOW_BUNDLE: inject('workflowBundlePath'),
        HANG_AFTER_LIFT: '1',
        ENCRYPTION_KEYS: JSON.stringify(inject('encryptionKeys')),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  let onLifted: (key: string) => void = () => undefined;
  const lifted = new Promise<string>((resolve) => (onLifted = resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('ready\n')) resolve({ child, lifted });
      const match = /lifted (\S+)\n/.exec(output);
      if (match?.[1]) onLifted(match[1]);
    });
  });
}

describe('a worker that dies mid-case', () => {
  it('is replaced by a new worker that finishes the case with exactly one lift', async () => {
    const { child, lifted } = await startDoomedWorker();
    doomed = child;
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock]);
    await services.cases.act(cast.checker, caseId, 'approve', { proposalId });

    // The lift has happened in the registry, but the worker dies before it can report it.
    expect(await lifted).toContain(`case-${caseId}:lift:${proposalId}`);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await services.registry.get([lock.id]))[0]?.status).toBe('lifted');

    await services.startWorker();
    const monitoring = await untilStatus(services, caseId, 'monitoring', 60_000);
    expect(monitoring.lifts).toHaveLength(1);
    expect(monitoring.lifts[0]?.snapshot).toEqual([lock]);
    expect(await liftEvents(services, lock.id)).toBe(1);

    const closed = await untilStatus(services, caseId, 'closed', 30_000);
    expect(closed.outcome).toBe('lifted');
    expect(await liftEvents(services, lock.id)).toBe(1);
  });
});
