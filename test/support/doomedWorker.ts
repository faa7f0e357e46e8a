import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { Services } from './services.js';

export interface DoomedWorker {
  child: ChildProcess;
  /** The idempotency key of the first lift it made, with HANG_AFTER_LIFT. */
  lifted: Promise<string>;
  /** SIGKILLs it and waits until it is gone. */
  kill(): Promise<void>;
}

/** A worker in a process of its own (test/support/workerProcess.ts) on the services' task queue, for tests that kill it. */
export function startDoomedWorker(
  services: Services,
  options: { hangAfterLift: boolean },
): Promise<DoomedWorker> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./workerProcess.ts', import.meta.url))],
    {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        DATABASE_URL: inject('databaseUrl'),
        TASK_QUEUE: services.taskQueue,
        WORKFLOW_BUNDLE: inject('workflowBundlePath'),
        HANG_AFTER_LIFT: options.hangAfterLift ? '1' : '0',
        ENCRYPTION_KEYS: JSON.stringify(inject('encryptionKeys')),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  let onLifted: (key: string) => void = () => undefined;
  const lifted = new Promise<string>((resolve) => (onLifted = resolve));
  const kill = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('ready\n')) resolve({ child, lifted, kill });
      const match = /lifted (\S+)\n/.exec(output);
      if (match?.[1]) onLifted(match[1]);
    });
  });
}
