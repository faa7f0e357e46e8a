import { createServer } from 'node:net';
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
});
