import { sql } from 'drizzle-orm';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { replayHistoryCommand } from '../../src/cli/commands/history.js';
import type { StackTarget } from '../../src/cli/context.js';
import { createContext } from '../../src/cli/context.js';
import { ExitCode } from '../../src/cli/errors.js';
import type { BufferWriter } from '../../src/cli/output.js';
import { bufferWriter } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/program.js';
import { readStream } from '../../src/db/audit.js';
import { findCase } from '../../src/db/projections.js';
import { OperationsReport } from '../../src/db/reports.js';
import { verifyChain } from '../../src/domain/auditChain.js';
import type { StackFile } from '../../src/runtime/stackFile.js';
import { stackFilePath, writeStackFile } from '../../src/runtime/stackFile.js';
import type { StoredEvent } from '../../src/domain/auditChain.js';
import type { Case } from '../../src/domain/case.js';
import { formatTimestamp } from '../../src/cli/format.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseInput,
  eventually,
  makeCast,
  newAccountId,
  untilStatus,
} from '../support/world.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The test run's payload keys, in a file as an operator keeps them; written before any command runs. */
const keyFile = join(tmpdir(), `dualkey-cli-keys-${randomUUID()}.json`);
const keyFileText = `${JSON.stringify(inject('encryptionKeys'))}\n`;
const target: StackTarget = {
  databaseUrl: inject('databaseUrl'),
  temporal: { address: inject('temporalAddress'), namespace: 'default' },
  encryptionKeyFile: keyFile,
  missing: '',
};
/** The test run's services, named the way an operator names a remote stack. */
const remoteFlags = () => [
  '--database-url',
  inject('databaseUrl'),
  '--temporal-address',
  inject('temporalAddress'),
  '--encryption-key-file',
  keyFile,
];
/** What `npm start` would write for the test run's services, as run by process `pid`. */
const testStack = (pid: number): StackFile => ({
  apiUrl: 'http://127.0.0.1:3000',
  databaseUrl: inject('databaseUrl'),
  temporalAddress: inject('temporalAddress'),
  namespace: 'default',
  temporalUiUrl: null,
  pid,
  startedAt: new Date().toISOString(),
});
/** Variables that steer `npm start`; the CLI must not read them, so they point nowhere here. */
const misleadingEnv = {
  DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none',
  TEMPORAL_ADDRESS: '127.0.0.1:9',
  DUALKEY_DATA_DIR: '',
};

let services: Services;
let cast: Cast;
let windowStart: Date;
let lifted: Case;
let tampered: Case;
let scratch: string;

/** Runs the CLI in this process against the test run's PostgreSQL and Temporal, capturing what it prints. */
async function cli(
  ...argv: string[]
): Promise<{ code: number; out: string[]; err: string[]; w: BufferWriter }> {
  const w = bufferWriter();
  const code = await runCli(argv, { writer: w, context: () => createContext(target, w) });
  return { code, out: w.stdout, err: w.stderr, w };
}

/** The real entry point, as an operator runs it. */
function spawnCli(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...argv], {
      cwd: repoRoot,
      env: { ...process.env, ...misleadingEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function liftedAndClosed(): Promise<Case> {
  const accountId = newAccountId();
  const lock = await applyControl(services, accountId, 'login_lock');
  const created = await services.cases.create(cast.agent, caseInput(accountId, { controlIds: [lock.id] }));
  await services.cases.act(cast.agent, created.id, 'claim', {});
  const proposed = await services.cases.act(cast.agent, created.id, 'propose', {
    controlIds: [lock.id],
    reasonCode: 'verified_owner',
    justification: 'Identity verified on a video call.',
  });
  await services.cases.act(cast.checker, created.id, 'approve', { proposalId: proposed.proposals[0]!.id });
  const closed = await untilStatus(services, created.id, 'closed');
  // The CLI reads the projection, which an activity writes a moment after the workflow moves on.
  await eventually(
    () => findCase(services.database.db, created.id),
    (stored) => stored?.status === 'closed',
    { what: `the projection of ${created.id} to say closed` },
  );
  return closed;
}

async function claimed(): Promise<Case> {
  const accountId = newAccountId();
  const lock = await applyControl(services, accountId, 'login_lock');
  const created = await services.cases.create(cast.agent2, caseInput(accountId, { controlIds: [lock.id] }));
  const c = await services.cases.act(cast.agent2, created.id, 'claim', {});
  // The claim's audit row is written by the workflow's activity, a moment after the update returns.
  await eventually(
    () => readStream(services.database.db, c.id),
    (events) => events.length >= 2,
    { what: `the audit rows of ${c.id}` },
  );
  return c;
}

beforeAll(async () => {
  windowStart = new Date();
  services = await startServices();
  cast = await makeCast(services);
  scratch = await mkdtemp(join(tmpdir(), 'dualkey-cli-'));
  await writeFile(keyFile, keyFileText);
  [lifted, tampered] = await Promise.all([liftedAndClosed(), claimed()]);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await rm(keyFile, { force: true });
  await services?.stop();
});

describe('dualkey cases', () => {
  it('lists cases as a table, filtered by account', async () => {
    const { code, out } = await cli('cases', 'list', '--account', lifted.accountId);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^ID\s+TYPE\s+STATUS/);
    expect(out).toHaveLength(2);
    expect(out[1]).toMatch(new RegExp(`^${lifted.id}\\s+unfreeze\\s+closed \\(lifted\\)\\s+spot\\s`));
  });

  it('lists cases as JSON, combining filters', async () => {
    const { code, out } = await cli(
      'cases',
      'list',
      '--account',
      lifted.accountId,
      '--status',
      'closed',
      '--type',
      'unfreeze',
      '--line',
      'spot',
      '--tier',
      lifted.riskTier,
      '--json',
    );
    expect(code).toBe(0);
    const items = JSON.parse(out.join('\n')) as Case[];
    expect(items.map((c) => c.id)).toEqual([lifted.id]);
  });

  it('finds nothing when a filter excludes the case', async () => {
    const { code, out } = await cli('cases', 'list', '--account', lifted.accountId, '--breached');
    expect(code).toBe(0);
    expect(out).toEqual(['no cases match']);
  });

  it('says when the list was cut at --limit', async () => {
    const { code, out } = await cli('cases', 'list', '--limit', '1');
    expect(code).toBe(0);
    expect(out).toHaveLength(3);
    expect(out[2]).toBe('(first 1 shown; raise --limit or narrow the filters for more)');
  });

  it('shows one case, readable or as JSON', async () => {
    const text = await cli('cases', 'show', lifted.id);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`case:           ${lifted.id} (unfreeze)`);
    expect(text.out).toContain('status:         closed, outcome lifted');
    expect(text.out.join('\n')).toMatch(/lifts:\n {2}lift-1 settled, lifted /);
    expect(text.out).toContain(
      `    made by ${cast.agent.id} at ${formatTimestamp(lifted.proposals[0]!.createdAt)}`,
    );
    expect(text.out.filter((line) => line.startsWith('    approved by '))).toEqual([
      expect.stringMatching(new RegExp(`^    approved by ${cast.checker.id} at `)),
    ]);

    const json = await cli('cases', 'show', lifted.id, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out.join('\n'))).toEqual(await findCase(services.database.db, lifted.id));
  });

  it('says so, with exit code 1, when the case does not exist', async () => {
    const { code, out, err } = await cli('cases', 'show', 'UNF-20000101-NOSUCH');
    expect(code).toBe(ExitCode.failed);
    expect(out).toEqual([]);
    expect(err).toEqual(['error: no case UNF-20000101-NOSUCH']);
  });
});

describe('dualkey audit', () => {
  it('verifies an intact chain', async () => {
    const { code, out } = await cli('audit', 'verify', lifted.id);
    expect(code).toBe(0);
    const count = (await readStream(services.database.db, lifted.id)).length;
    expect(count).toBeGreaterThanOrEqual(6);
    expect(out).toEqual([`OK case ${lifted.id}: ${count} audit events, hash chain intact`]);
  });

  it('does not call an unknown case verified', async () => {
    const { code, err } = await cli('audit', 'verify', 'UNF-20000101-NOSUCH');
    expect(code).toBe(ExitCode.failed);
    expect(err).toEqual(['error: no audit events for case UNF-20000101-NOSUCH']);
  });

  it('exports the chain as JSON lines that verify again', async () => {
    const { code, out } = await cli('audit', 'export', lifted.id);
    expect(code).toBe(0);
    const rows = out.map((line) => JSON.parse(line) as Omit<StoredEvent, 'stream'>);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.map((r) => r.action)).toContain('controls.lifted');
    expect(Object.keys(rows[0]!)).toEqual([
      'seq',
      'at',
      'actor',
      'action',
      'outcome',
      'details',
      'prevHash',
      'hash',
    ]);
    expect(verifyChain(rows.map((r) => ({ ...r, stream: lifted.id })))).toEqual({
      ok: true,
      events: rows.length,
    });
  });

  it('exports to a file with --out, keeping stdout clean', async () => {
    const file = join(scratch, 'audit.jsonl');
    const { code, out, err } = await cli('audit', 'export', lifted.id, '--out', file);
    expect(code).toBe(0);
    expect(out).toEqual([]);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(err).toEqual([`wrote ${lines.length} audit events of case ${lifted.id} to ${file}`]);
    expect((JSON.parse(lines[0]!) as StoredEvent).action).toBe('case.opened');
  });

  it('reports the first bad seq of a tampered chain with exit code 1', async () => {
    const db = services.database.db;
    /*
     * As a superuser with write access could. One transaction: the append-only trigger is never off for
     * the test files running beside this one, and a failure rolls the disable back with the update.
     */
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_no_update_or_delete`);
      await tx.execute(
        sql`update audit_events set details = details || '{"forged": true}'::jsonb where stream = ${tampered.id} and seq = 2`,
      );
      await tx.execute(sql`alter table audit_events enable trigger audit_events_no_update_or_delete`);
    });
    await expect(
      db.execute(sql`delete from audit_events where stream = ${tampered.id} and seq = 1`),
    ).rejects.toThrow();

    const { code, out } = await cli('audit', 'verify', tampered.id);
    expect(code).toBe(ExitCode.failed);
    expect(out).toEqual([`BROKEN case ${tampered.id}: seq 2: hash does not match the row`]);

    const spawned = await spawnCli([...remoteFlags(), 'audit', 'verify', tampered.id]);
    expect(spawned.stdout).toBe(`BROKEN case ${tampered.id}: seq 2: hash does not match the row\n`);
    expect(spawned.code).toBe(1);
  });
});

describe('dualkey history replay', () => {
  it("replays a finished case's history against the current workflow code", async () => {
    const { code, out, err } = await cli('history', 'replay', lifted.id);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      new RegExp(`^OK case ${lifted.id}: \\d+ history events replay with the current workflow code$`),
    );
  });

  it('names the case and fails with exit code 1 when the workflow code has diverged', async () => {
    const writer = bufferWriter();
    const context = createContext(target, writer);
    try {
      const code = await replayHistoryCommand(
        {
          client: await context.temporal(),
          writer,
          dataConverter: context.dataConverter(),
          replayOptions: {
            workflowsPath: fileURLToPath(new URL('fixtures/divergentWorkflows.ts', import.meta.url)),
          },
        },
        lifted.id,
      );
      expect(code).toBe(ExitCode.failed);
      expect(writer.stdout).toHaveLength(1);
      expect(writer.stdout[0]).toMatch(
        new RegExp(
          `^FAILED case ${lifted.id}: replay of case-${lifted.id} failed: DeterminismViolationError: `,
        ),
      );
    } finally {
      await context.close();
    }
  });

  it('replays a history exported to a file, without asking Temporal', async () => {
    const file = fileURLToPath(new URL('../replay/histories/v1/unfreeze-low-lifted.json', import.meta.url));
    const caseId = 'UNF-20261124-2832P5';
    const { code, out } = await cli('history', 'replay', caseId, '--file', file);
    expect(code).toBe(0);
    expect(out).toEqual([`OK case ${caseId}: 102 history events replay with the current workflow code`]);
  });

  it('says when Temporal has no history for the case', async () => {
    const { code, err } = await cli('history', 'replay', 'UNF-20000101-NOSUCH');
    expect(code).toBe(ExitCode.failed);
    expect(err).toEqual([
      'error: no workflow history for case UNF-20000101-NOSUCH (workflow case-UNF-20000101-NOSUCH)',
    ]);
  });
});

describe('dualkey report operations', () => {
  it('prints the report as JSON matching the API schema', async () => {
    const to = new Date(Date.now() + 1_000).toISOString();
    const { code, out } = await cli(
      'report',
      'operations',
      '--from',
      windowStart.toISOString(),
      '--to',
      to,
      '--line',
      'spot',
      '--json',
    );
    expect(code).toBe(0);
    const report = OperationsReport.parse(JSON.parse(out.join('\n')));
    expect(report).toMatchObject({ from: windowStart.toISOString(), to, businessLine: 'spot' });
    // Other files open spot cases in the same window: at least ours are counted.
    const opened = report.opened.find((r) => r.type === 'unfreeze')?.count ?? 0;
    expect(opened).toBeGreaterThanOrEqual(2);
    const closed = report.closed.find((r) => r.type === 'unfreeze' && r.outcome === 'lifted')?.count ?? 0;
    expect(closed).toBeGreaterThanOrEqual(1);
    expect(report.lifts).toBeGreaterThanOrEqual(1);
  });

  it('prints the report as text', async () => {
    const { code, out } = await cli(
      'report',
      'operations',
      '--from',
      windowStart.toISOString(),
      '--to',
      new Date(Date.now() + 1_000).toISOString(),
    );
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Operations report .+, all business lines$/);
    expect(out).toContain('Opened');
    expect(out.some((l) => /^Lifts \d+, reverts \d+, revert rate \(wrong unfreezes\) /.test(l))).toBe(true);
  });
});

describe('the dualkey entry point', () => {
  it('verifies an intact chain with exit code 0', async () => {
    const { code, stdout } = await spawnCli([...remoteFlags(), 'audit', 'verify', lifted.id]);
    expect(stdout).toMatch(new RegExp(`^OK case ${lifted.id}: \\d+ audit events, hash chain intact\\n$`));
    expect(code).toBe(0);
  });

  it('replays a history and exits 0, its output one line', async () => {
    const { code, stdout, stderr } = await spawnCli([...remoteFlags(), 'history', 'replay', lifted.id]);
    expect(stdout).toMatch(
      new RegExp(`^OK case ${lifted.id}: \\d+ history events replay with the current workflow code\\n$`),
    );
    expect(stderr).not.toContain('[INFO]');
    expect(code).toBe(0);
  });

  it('finds a running local stack from the file npm start keeps in its data dir', async () => {
    const dataDir = await mkdtemp(join(scratch, 'data-'));
    await writeStackFile(dataDir, testStack(process.pid));
    // Where `npm start` keeps its development key: the CLI reads the stack's payloads with it.
    await writeFile(join(dataDir, 'encryption-keys.json'), keyFileText);
    const verified = await spawnCli(['--data-dir', dataDir, 'audit', 'verify', lifted.id]);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toMatch(new RegExp(`^OK case ${lifted.id}: `));
    const replayed = await spawnCli(['history', 'replay', lifted.id, '--data-dir', dataDir]);
    expect(replayed.stdout).toMatch(new RegExp(`^OK case ${lifted.id}: `));
    expect(replayed.code).toBe(0);
  });

  it('exits 2 with one clear message when no stack runs and none is named', async () => {
    const empty = await mkdtemp(join(scratch, 'empty-'));
    const { code, stdout, stderr } = await spawnCli(['--data-dir', empty, 'cases', 'list']);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `error: no running dualkey found: \`npm start\` writes ${stackFilePath(empty)} and there is none. Start it, or pass --database-url and --temporal-address for another stack.\n`,
    );
    expect(code).toBe(2);
  });

  it('says so when the stack that wrote the file has stopped', async () => {
    const dataDir = await mkdtemp(join(scratch, 'stale-'));
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    await writeStackFile(dataDir, testStack(gone.pid!));
    const { code, stderr } = await spawnCli(['--data-dir', dataDir, 'cases', 'show', lifted.id]);
    expect(stderr).toContain(`(pid ${gone.pid}) is no longer running. Start it again with \`npm start\``);
    expect(code).toBe(2);
  });
});
