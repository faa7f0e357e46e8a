import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { inject } from 'vitest';
import { migrationsFolder, runMigrations } from '../../src/db/migrate.js';

/**
 * Applies the checked-in migrations up to and including `tag` (e.g. `0011_assignment`), from a copy of the
 * folder whose journal ends there, so a test can write rows as an older release did and then migrate on.
 */
async function migrateThrough(url: string, tag: string): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'dualkey-migrations-'));
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await cp(migrationsFolder, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const last = journal.entries.findIndex((e) => e.tag === tag);
    if (last < 0) throw new Error(`no migration ${tag}`);
    journal.entries = journal.entries.slice(0, last + 1);
    await writeFile(journalPath, JSON.stringify(journal));
    await migrate(drizzle(client), { migrationsFolder: folder });
  } finally {
    await client.end({ timeout: 5 });
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * A migrated database of its own in the run's PostgreSQL, for a test about the whole user table (the last
 * admin, the bootstrap admin), where the shared database's other files' admins would count too, or about a
 * migration (`migratedThrough` stops before the ones after it; `runMigrations` applies them later).
 */
export async function freshDatabase(
  options: { migratedThrough?: string } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  const shared = new URL(inject('databaseUrl'));
  const name = `dualkey_${randomBytes(6).toString('hex')}`;
  const admin = postgres(shared.href, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(shared.href);
  url.pathname = `/${name}`;
  if (options.migratedThrough) await migrateThrough(url.href, options.migratedThrough);
  else await runMigrations(url.href);
  return {
    url: url.href,
    async drop() {
      const client = postgres(shared.href, { max: 1, onnotice: () => undefined });
      try {
        await client.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end({ timeout: 5 });
      }
    },
  };
}
