import { Client, Connection } from '@temporalio/client';
import type { Env } from '../config/env.js';
import type { Database, DatabaseHandle } from '../db/client.js';
import { connectDatabase } from '../db/client.js';
import { temporalConnectionOptions } from '../runtime/wiring.js';
import { CliError, ExitCode } from './errors.js';
import { errorMessage } from './format.js';
import type { Writer } from './output.js';

/** What a command may reach. Connections open on first use, so a command needing only one never waits on the other. */
export interface CliContext {
  readonly writer: Writer;
  database(): Database;
  temporal(): Promise<Client>;
  close(): Promise<void>;
}

/*
 * Unset DATABASE_URL means "embedded" to `npm start`, which owns that PostgreSQL; the CLI never starts one,
 * because a fresh empty database would answer every question with "no such case".
 */
export const missingDatabaseUrl =
  'DATABASE_URL is not set. The CLI reads the PostgreSQL dualkey uses: set DATABASE_URL to it, e.g. the ' +
  'embedded database `npm start` prints (by default postgres://dualkey:dualkey-embedded@127.0.0.1:5433/dualkey).';

export const defaultTemporalAddress = '127.0.0.1:7233';

export function createContext(env: Env, writer: Writer): CliContext {
  let database: DatabaseHandle | undefined;
  let connection: Promise<Connection> | undefined;
  return {
    writer,
    database() {
      if (!env.DATABASE_URL) throw new CliError(missingDatabaseUrl, ExitCode.usage);
      database ??= connectDatabase(env.DATABASE_URL, 2);
      return database.db;
    },
    async temporal() {
      const address = env.TEMPORAL_ADDRESS ?? defaultTemporalAddress;
      connection ??= Connection.connect({
        ...temporalConnectionOptions(env, address),
        connectTimeout: '5s',
      }).catch((error: unknown) => {
        throw new CliError(
          `cannot reach Temporal at ${address} (${errorMessage(error)}); set TEMPORAL_ADDRESS to its frontend`,
        );
      });
      return new Client({ connection: await connection, namespace: env.TEMPORAL_NAMESPACE });
    },
    async close() {
      await Promise.allSettled([database?.close(), connection?.then((c) => c.close())]);
    },
  };
}
