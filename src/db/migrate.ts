import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary but fixed: every dualkey process that migrates takes this advisory lock first. */
const MIGRATION_LOCK = 7_311_202_611;

/**
 * Applies the checked-in drizzle-kit migrations; already-applied ones are skipped. The API and the worker
 * may start together, so one connection holds an advisory lock while it migrates.
 */
export async function runMigrations(url: string): Promise<void> {
  // One connection, so the advisory lock and the migration share a session.
  const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => undefined });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(client), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => undefined);
  } finally {
    await client.end({ timeout: 5 });
  }
}
