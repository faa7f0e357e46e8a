import { and, eq, inArray, sql } from 'drizzle-orm';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackTarget } from '../../src/cli/context.js';
import { createContext } from '../../src/cli/context.js';
import { bufferWriter } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/program.js';
import { ACCESS_STREAM, verifyStream } from '../../src/db/audit.js';
import { RECOVERY_VALID_MS } from '../../src/db/recovery.js';
import { auditEvents, users } from '../../src/db/schema/index.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { freshDatabase } from '../support/freshDatabase.js';
import { expectProblem } from '../support/openapi.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/*
 * A locked-out install: every admin disabled (as an older dualkey, or SQL by hand, could leave it). The
 * recovery is for whoever holds the database, so it runs against a database of this file's own.
 */
let database: Awaited<ReturnType<typeof freshDatabase>>;
let api: ApiHarness;
let target: StackTarget;

beforeAll(async () => {
  database = await freshDatabase();
  api = await startApi({ withoutWorker: true, databaseUrl: database.url });
  target = { databaseUrl: database.url, temporal: undefined, encryptionKeyFile: undefined, missing: '' };
  const formerAdmin = await api.user(['admin'], { name: 'Former Admin' });
  await api.services.database.db
    .update(users)
    .set({ disabledAt: sql`now()` })
    .where(eq(users.id, formerAdmin.id));
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

async function cli(...argv: string[]) {
  const w = bufferWriter();
  const code = await runCli(argv, { writer: w, context: () => createContext(target, w) });
  return { code, out: w.stdout, err: w.stderr };
}

async function recover(): Promise<{ userId: string; token: string; expiresAt: string }> {
  const { code, out, err } = await cli('admin', 'recover', '--json');
  expect(code, err.join('\n')).toBe(0);
  return JSON.parse(out.join('\n')) as { userId: string; token: string; expiresAt: string };
}

const me = (token: string) => api.call('GET', '/v1/me', { token });

async function accessRows(userIds: string[]) {
  const rows = await api.services.database.db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.stream, ACCESS_STREAM),
        inArray(sql<string>`${auditEvents.details} ->> 'userId'`, userIds),
      ),
    )
    .orderBy(auditEvents.seq);
  return rows.map((row) => ({ actor: row.actor, action: row.action, details: row.details }));
}

describe('dualkey admin recover', () => {
  it('issues a token that makes one admin, acting alone, and then stops working', async () => {
    const recovery = await recover();
    expect(recovery.userId).toMatch(/^usr_recovery_/);
    expect(Date.parse(recovery.expiresAt) - Date.now()).toBeLessThanOrEqual(RECOVERY_VALID_MS);
    expect(Date.parse(recovery.expiresAt) - Date.now()).toBeGreaterThan(RECOVERY_VALID_MS - 60_000);
    expect((await me(recovery.token)).body).toMatchObject({ id: recovery.userId, roles: ['admin'] });

    // Making someone who is no admin leaves the token for the job it is for.
    const agent = await api.call('POST', '/v1/admin/users', {
      token: recovery.token,
      body: { name: 'Agent Ann', roles: ['agent'], businessLines: ['spot'] },
    });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);
    expect((await me(recovery.token)).status).toBe(200);

    const created = await api.call('POST', '/v1/admin/users', {
      token: recovery.token,
      body: { name: 'New Admin', roles: ['admin'], businessLines: ['*'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.user).toMatchObject({ roles: ['admin'], status: 'active' });
    expect(created.body.pendingGrant).toBeNull();
    const admin = created.body.user as { id: string };
    expect((await me(recovery.token)).status).toBe(401);
    expectProblem(
      await api.call('POST', '/v1/admin/users', {
        token: recovery.token,
        body: { name: 'Second Admin', roles: ['admin'], businessLines: ['*'] },
      }),
      401,
      'unauthenticated',
    );

    expect(await accessRows([recovery.userId])).toEqual([
      {
        actor: expect.stringMatching(/^cli:.+@.+/) as unknown,
        action: 'recovery.issued',
        details: {
          userId: recovery.userId,
          tokenId: expect.any(String) as unknown,
          expiresAt: recovery.expiresAt,
        },
      },
      {
        actor: recovery.userId,
        action: 'recovery.used',
        details: { userId: recovery.userId, adminId: admin.id },
      },
    ]);
    const creations = await accessRows([admin.id]);
    expect(creations[0]).toMatchObject({ actor: recovery.userId, action: 'user.created' });
    expect((await verifyStream(api.services.database.db, ACCESS_STREAM)).verdict.ok).toBe(true);
  });

  it('can give the admin role back to an enabled user instead, at once', async () => {
    const recovery = await recover();
    const formerAgent = await api.user(['agent'], { name: 'Promoted Pat' });
    const granted = await api.call('POST', '/v1/admin/grants', {
      token: recovery.token,
      body: { userId: formerAgent.id, roles: ['admin'] },
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(202);
    expect(granted.body).toMatchObject({ status: 'approved', requestedBy: recovery.userId });
    expect((await me(formerAgent.token)).body).toMatchObject({ roles: ['agent', 'admin'] });
    expect((await me(recovery.token)).status).toBe(401);
  });

  it('a second recovery ends the first, and the text form prints the token and what it is for', async () => {
    const first = await recover();
    const { code, out } = await cli('admin', 'recover');
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^One-time admin token of usr_recovery_\S+, valid until \d{4}-.+Z:$/);
    const token = out[1]?.trim() ?? '';
    expect(token).toMatch(/^dk_/);
    expect(out.join(' ')).toMatch(/stops working once it has made an\s+admin, after 15 minutes/);
    expect((await me(first.token)).status).toBe(401);
    expect((await me(token)).status).toBe(200);
    expect(await accessRows([first.userId])).toContainEqual(
      expect.objectContaining({ action: 'recovery.retired', details: { userId: first.userId } }),
    );
  });

  it('runs from the real entry point against the database named with --database-url', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(
          'npx',
          ['tsx', 'src/cli/main.ts', '--database-url', database.url, 'admin', 'recover', '--json'],
          {
            cwd: repoRoot,
            env: { ...process.env, DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none' },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const issued = JSON.parse(result.stdout) as { token: string; userId: string };
    expect((await me(issued.token)).body).toMatchObject({ id: issued.userId, roles: ['admin'] });
  });
});
