import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { runMigrations } from '../../src/db/migrate.js';

/**
 * A migrated database of its own in the run's PostgreSQL, for a test about the whole user table (the last
 * admin, the bootstrap admin): in the shared database every other file's admins would count too.
 */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
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
  await runMigrations(url.href);
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
