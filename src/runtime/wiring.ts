import { Client, Connection } from '@temporalio/client';
import type { Env } from '../config/env.js';
import { HttpAccountControls } from '../db/accountControls/http.js';
import { PostgresAccountControls } from '../db/accountControls/postgres.js';
import type { Database } from '../db/client.js';
import type { AccountControls } from '../domain/controls.js';

/** The URL `npm start` gives its embedded PostgreSQL, so `npm run api` / `worker` find it by default. */
export function embeddedDatabaseUrl(env: Pick<Env, 'EMBEDDED_POSTGRES_PORT'>): string {
  return `postgres://dualkey:dualkey-embedded@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/dualkey`;
}

export function temporalAddress(env: Pick<Env, 'TEMPORAL_ADDRESS' | 'TEMPORAL_PORT'>): string {
  return env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`;
}

export function createAccountControls(env: Env, db: Database): AccountControls {
  if (env.ACCOUNT_CONTROLS === 'http' && env.ACCOUNT_SERVICE_URL) {
    return new HttpAccountControls(env.ACCOUNT_SERVICE_URL, env.ACCOUNT_SERVICE_TOKEN);
  }
  return new PostgresAccountControls(db);
}

export async function connectTemporal(
  address: string,
  namespace: string,
): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  return { connection, client: new Client({ connection, namespace }) };
}

export function uiUrl(env: Env): string | null {
  if (env.TEMPORAL_UI_URL) return env.TEMPORAL_UI_URL;
  return env.TEMPORAL_ADDRESS ? null : `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`;
}
