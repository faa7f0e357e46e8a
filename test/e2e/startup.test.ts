import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { freePort } from '../../src/runtime/ports.js';
import { findStack } from '../../src/runtime/stackFile.js';
import { runEntry } from '../support/processes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

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

/**
 * `npm start` as an operator meets it: the banner, the CLI finding the stack with no flags, and Ctrl-C,
 * which a terminal sends to the whole foreground process group at once.
 */
describe('npm start', () => {
  it('times the banner from process start, is found by the CLI, and stops in order on Ctrl-C', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dualkey-start-'));
    const [port, temporalPort, uiPort, postgresPort, metricsPort] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...(process.env.DUALKEY_CACHE_DIR ? { DUALKEY_CACHE_DIR: process.env.DUALKEY_CACHE_DIR } : {}),
      ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
      DUALKEY_DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      EMBEDDED_POSTGRES_PORT: String(postgresPort),
      WORKER_METRICS_PORT: String(metricsPort),
    };
    const spawnedAt = Date.now();
    const start = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
      cwd: root,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    try {
      const upAfter = await vi.waitFor(
        () => {
          if (start.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
          const banner = /dualkey is up in ([\d.]+)s/.exec(output);
          if (!banner || !output.includes('Ctrl-C stops everything.')) throw new Error('not up yet');
          return { shown: Number(banner[1]), measured: (Date.now() - spawnedAt) / 1_000 };
        },
        { timeout: 150_000, interval: 200 },
      );
      // Node, tsx and the module graph load before any code runs; the banner counts them too. It shows
      // tenths, rounded.
      expect(upAfter.shown).toBeLessThanOrEqual(upAfter.measured + 0.05);
      expect(upAfter.shown).toBeGreaterThan(upAfter.measured - 2);

      const stack = findStack(dataDir);
      expect(stack).toMatchObject({ state: 'running', stack: { apiUrl: `http://127.0.0.1:${port}` } });
      const cli = runEntry('src/cli/main.ts', { PATH: env.PATH!, DUALKEY_DATA_DIR: dataDir }, [
        'cases',
        'list',
      ]);
      expect(await cli.exited, cli.output()).toBe(0);
      expect(cli.output()).toBe('no cases match\n');

      process.kill(-start.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      const afterCtrlC = output.split('Ctrl-C stops everything.')[1] ?? '';
      expect(afterCtrlC.trim().split('\n').at(-1)).toBe(
        'dualkey has stopped: API, worker, Temporal and PostgreSQL are down.',
      );
      // The dev server may report, as it stops, a call it cut short ("unable to add metrics baggage to gRPC
      // trailer"): its own line about its own shutdown, logged at ERROR, and nothing dualkey did.
      const ours = afterCtrlC
        .split('\n')
        .filter((line) => !line.includes('unable to add metrics baggage to gRPC trailer'))
        .join('\n');
      expect(ours).not.toMatch(/error|dial|Stopping server/i);
      expect(findStack(dataDir)).toEqual({ state: 'absent' });
      if (stack.state === 'running') expect(() => process.kill(stack.stack.pid, 0)).toThrow();
    } finally {
      if (start.exitCode === null) process.kill(-start.pid!, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
