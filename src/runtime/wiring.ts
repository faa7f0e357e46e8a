import { Client, Connection } from '@temporalio/client';
import type { ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { readFileSync } from 'node:fs';
import type { PayloadKeys } from '../temporal/codec/payloadKeys.js';
import { loadPayloadKeys } from '../temporal/codec/payloadKeys.js';
import type { Env } from '../config/env.js';
import { HttpAccountControls } from '../db/accountControls/http.js';
import { PostgresAccountControls } from '../db/accountControls/postgres.js';
import type { Database } from '../db/client.js';
import { connectDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { businessLineOf } from '../db/projections.js';
import type { BootstrapTokenState } from '../db/recovery.js';
import { bootstrapTokenState } from '../db/recovery.js';
import { BOOTSTRAP_ADMIN_ID, ensureBootstrapAdmin } from '../db/users.js';
import type { Logger } from 'pino';
import { loadNotificationRouting } from '../config/policy.js';
import type { AccountContacts, AccountControls } from '../domain/controls.js';
import type { Channels } from '../notify/channels.js';
import { createChannels } from '../notify/channels.js';
import { caseIdOfWorkflow } from '../domain/case.js';
import type { EncryptionCodec } from '../temporal/codec/codec.js';
import { dataConverterOf, payloadCodecFor } from '../temporal/codec/dataConverter.js';
import { untilReachable } from './reachable.js';

/** The URL `npm start` gives its embedded PostgreSQL, so `npm run api` / `worker` find it by default. */
export function embeddedDatabaseUrl(env: Pick<Env, 'EMBEDDED_POSTGRES_PORT'>): string {
  return `postgres://dualkey:dualkey-embedded@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/dualkey`;
}

export function temporalAddress(env: Pick<Env, 'TEMPORAL_ADDRESS' | 'TEMPORAL_PORT'>): string {
  return env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`;
}

export function createAccountControls(env: Env, db: Database): AccountControls & AccountContacts {
  if (env.ACCOUNT_CONTROLS === 'http' && env.ACCOUNT_SERVICE_URL) {
    return new HttpAccountControls(env.ACCOUNT_SERVICE_URL, env.ACCOUNT_SERVICE_TOKEN);
  }
  return new PostgresAccountControls(db, env.ACCOUNT_CONTACT_CATCH_ALL);
}

/** The URL people reach the API at, for links in messages: PUBLIC_URL, else where it listens. */
export function publicUrl(env: Pick<Env, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  return env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`;
}

/** The worker's notification channels, from the environment and the policy file's routing table. */
export function createNotificationChannels(
  env: Env,
  options: { db: Database; contacts: AccountContacts; log: Logger; smtpUrl?: string | undefined },
): Channels {
  return createChannels({
    settings: { ...env, NOTIFY_SMTP_URL: options.smtpUrl ?? env.NOTIFY_SMTP_URL },
    routing: loadNotificationRouting(env.DUALKEY_POLICY),
    db: options.db,
    contacts: options.contacts,
    publicUrl: publicUrl(env),
    log: options.log,
  });
}

type TemporalSecurity = Pick<
  Env,
  'TEMPORAL_TLS' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY'
>;
type TemporalConnectionOptions = Pick<ConnectionOptions, 'address' | 'tls'> & { apiKey?: string };

/**
 * Address, TLS and credentials for a Temporal frontend, shared by the client and the worker's native
 * connection. A dev server `npm start` runs itself is plain loopback and takes none of them.
 */
export function temporalConnectionOptions(env: TemporalSecurity, address: string): TemporalConnectionOptions {
  const clientCertPair =
    env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY
      ? { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) }
      : undefined;
  const tls = clientCertPair ? { clientCertPair } : Boolean(env.TEMPORAL_TLS || env.TEMPORAL_API_KEY);
  return { address, tls, ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}) };
}

export async function connectTemporal(
  options: TemporalConnectionOptions,
  namespace: string,
  dataConverter: DataConverter = {},
): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ ...options, connectTimeout: '10s' });
  return { connection, client: new Client({ connection, namespace, dataConverter }) };
}

/**
 * The payload codec of a process that holds the projection: a case's run whose input this process has not
 * seen (an update after a restart) takes its business line from the case's row.
 */
export function payloadCodec(keys: PayloadKeys, db: Database): EncryptionCodec | undefined {
  return payloadCodecFor(keys.keyring, async (workflowId) => {
    const caseId = caseIdOfWorkflow(workflowId);
    return caseId ? businessLineOf(db, caseId) : undefined;
  });
}

/**
 * What `npm run api` and `npm run worker` need before they serve: a migrated PostgreSQL and a Temporal
 * client, each waited for (saying so) until it answers, so either process may start before its
 * dependencies.
 */
export async function connectDependencies(env: Env, say: (line: string) => void) {
  const keys = loadPayloadKeys(env);
  say(`payload encryption: ${keys.summary}`);
  if (keys.warning) say(keys.warning);
  const databaseUrl = env.DATABASE_URL ?? embeddedDatabaseUrl(env);
  await untilReachable(`PostgreSQL at ${new URL(databaseUrl).host}`, () => runMigrations(databaseUrl), say);
  const database = connectDatabase(databaseUrl, env.DATABASE_POOL_SIZE);
  const codec = payloadCodec(keys, database.db);
  const address = temporalAddress(env);
  const connectionOptions = temporalConnectionOptions(env, address);
  const temporal = await untilReachable(
    `Temporal at ${address}`,
    () => connectTemporal(connectionOptions, env.TEMPORAL_NAMESPACE, dataConverterOf(codec)),
    say,
  );
  return { database, temporal, address, connectionOptions, codec };
}

export function uiUrl(env: Env): string | null {
  if (env.TEMPORAL_UI_URL) return env.TEMPORAL_UI_URL;
  return env.TEMPORAL_ADDRESS ? null : `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`;
}

/** The browser origins allowed to call the codec endpoint with credentials: the Web UI's, unless configured. */
export function codecOrigins(env: Env): string[] {
  if (env.DUALKEY_CODEC_ORIGINS) {
    return env.DUALKEY_CODEC_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  }
  const ui = uiUrl(env);
  if (!ui) return [];
  const origin = new URL(ui);
  // The dev server's UI is reached as 127.0.0.1 or localhost alike; each is an origin of its own.
  return origin.hostname === '127.0.0.1'
    ? [origin.origin, `${origin.protocol}//localhost:${origin.port}`]
    : [origin.origin];
}

/** Where the Web UI of a dev server `npm start` runs reaches the codec: the API, as a browser on this machine sees it. */
export function codecEndpoint(env: Pick<Env, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return `${(env.PUBLIC_URL ?? `http://${host}:${env.PORT}`).replace(/\/$/, '')}/codec`;
}

/**
 * The installer's key acts alone (it grants without a second admin), so a fresh install can make its
 * first admins; in production it should be gone once two admins exist, and start-up says so. Resolves to
 * the one line start-up prints about the key: that it is an admin token, or who made it none and when.
 */
export async function bootstrapAdmin(
  env: Pick<Env, 'DUALKEY_BOOTSTRAP_ADMIN_TOKEN' | 'NODE_ENV'>,
  db: Database,
  warn: (message: string) => void,
): Promise<string | undefined> {
  if (!env.DUALKEY_BOOTSTRAP_ADMIN_TOKEN) return undefined;
  await ensureBootstrapAdmin(db, env.DUALKEY_BOOTSTRAP_ADMIN_TOKEN);
  const token = await bootstrapTokenState(db, env.DUALKEY_BOOTSTRAP_ADMIN_TOKEN);
  if (token.state !== 'admin') return bootstrapTokenLine(token);
  if (env.NODE_ENV === 'production') {
    warn(
      'DUALKEY_BOOTSTRAP_ADMIN_TOKEN is set in production: it grants privileges without a second admin. ' +
        'Remove it once two admins exist (docs/operations.md).',
    );
  }
  return 'DUALKEY_BOOTSTRAP_ADMIN_TOKEN is an admin token.';
}

function bootstrapTokenLine(token: Exclude<BootstrapTokenState, { state: 'admin' }>): string {
  const what = {
    disabled: `its user ${BOOTSTRAP_ADMIN_ID} was disabled`,
    not_admin: `the admin role of its user ${BOOTSTRAP_ADMIN_ID} was removed`,
    revoked: 'the token was revoked',
  }[token.state];
  const by = token.by
    ? `by ${token.by.name ? `${token.by.name} (${token.by.id})` : token.by.id}`
    : 'outside dualkey (no audit row)';
  const at = token.at ? ` at ${token.at}` : '';
  return (
    `DUALKEY_BOOTSTRAP_ADMIN_TOKEN is not an admin token: ${what} ${by}${at}; ` +
    'an admin can give access again, or `npm run cli -- admin recover` issues a one-time admin token.'
  );
}
