import { parseEnv } from './config/env.js';
import { failStartup } from './runtime/shutdown.js';
import { embeddedDatabaseUrl } from './runtime/wiring.js';
import { migrationsFolder, runMigrations } from './db/migrate.js';

/** `npm run db:migrate`: applies the checked-in migrations to DATABASE_URL (or the embedded PostgreSQL). */
async function main(): Promise<void> {
  const env = parseEnv();
  const url = env.DATABASE_URL ?? embeddedDatabaseUrl(env);
  await runMigrations(url);
  console.log(
    `migrations in ${migrationsFolder} are applied to ${new URL(url).host}${new URL(url).pathname}`,
  );
}

main().catch((error: unknown) => failStartup(error, (line) => console.error(line)));
