import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/runtime/ports.js';
import { runEntry } from '../support/processes.js';

/** Start-up problems an operator can fix are one readable message and exit code 1, never a stack trace. */
describe('start-up failures', () => {
  it('a bad environment value names the variable', async () => {
    const proc = runEntry('src/start.ts', { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(await proc.exited).toBe(1);
    const output = proc.output();
    expect(output).toContain('dualkey cannot start: invalid configuration');
    expect(output).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(output).toMatch(/LOG_LEVEL: /);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('a bad policy file names the file and the field', async () => {
    const proc = runEntry('src/start.ts', { DUALKEY_POLICY: 'package.json' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/DUALKEY_POLICY: package\.json is not a valid policy/);
    expect(proc.output()).not.toMatch(/\n\s+at /);
  });

  it('a port in use names the port and what to change', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    try {
      const proc = runEntry('src/start.ts', { PORT: String(port) });
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toContain(
        `port ${port} (API) is already in use on 127.0.0.1; set PORT to another port`,
      );
      expect(proc.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  // Only root runs PostgreSQL as another user; as anyone else the directory is theirs and reachable.
  it.skipIf(process.getuid?.() !== 0)(
    'as root in a directory other users cannot enter, the embedded PostgreSQL stops start-up with one line saying why',
    async () => {
      const home = await mkdtemp(join(tmpdir(), 'dualkey-private-'));
      try {
        await chmod(home, 0o700);
        const proc = runEntry('src/start.ts', {
          DUALKEY_DATA_DIR: join(home, 'data'),
          EMBEDDED_POSTGRES_PORT: String(await freePort()),
          PORT: String(await freePort()),
          WORKER_METRICS_PORT: String(await freePort()),
          TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
        });
        expect(await proc.exited).toBe(1);
        const output = proc.output();
        expect(output).toContain(
          `dualkey cannot start: running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot reach the data directory because ${home} is closed to other users`,
        );
        expect(output).toContain('set DATABASE_URL');
        expect(output).not.toMatch(/\n\s+at /);
        expect(output).not.toContain('EACCES');
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    },
  );
});
