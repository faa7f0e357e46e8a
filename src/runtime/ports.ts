import { createServer } from 'node:net';
import { StartupError } from '../config/errors.js';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Fails start-up with one sentence naming the port, what wanted it, and how to choose another. */
export async function assertPortFree(
  port: number,
  what: string,
  hint: string,
  host = '127.0.0.1',
): Promise<void> {
  if (!(await isPortFree(port, host))) {
    throw new StartupError(`port ${port} (${what}) is already in use on ${host}; ${hint}`);
  }
}

/** A port the OS says is free right now; for tests and throw-away servers. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
