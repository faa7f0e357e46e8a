import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database, DatabaseHandle } from '../db/client.js';
import { connectDatabase } from '../db/client.js';
import { developmentKeyFileName } from '../temporal/codec/payloadKeys.js';
import { dataConverterOf, payloadCodecFor } from '../temporal/codec/dataConverter.js';
import { KeyFileSchema, Keyring } from '../temporal/codec/keys.js';
import { findStack, stackFilePath } from '../runtime/stackFile.js';
import { temporalConnectionOptions } from '../runtime/wiring.js';
import { CliError, ExitCode } from './errors.js';
import { errorMessage } from './format.js';
import type { Writer } from './output.js';

/** What a command may reach. Connections open on first use, so a command needing only one never waits on the other. */
export interface CliContext {
  readonly writer: Writer;
  database(): Database;
  temporal(): Promise<Client>;
  /** Decrypts payloads with the stack's keys; passes them through when there are none. */
  dataConverter(): DataConverter;
  close(): Promise<void>;
}

/** The global flags that say where the stack is; anything not given comes from the local stack's file. */
export interface StackFlags {
  dataDir: string;
  databaseUrl?: string | undefined;
  temporalAddress?: string | undefined;
  namespace?: string | undefined;
  temporalTls?: boolean | undefined;
  temporalTlsCert?: string | undefined;
  temporalTlsKey?: string | undefined;
  temporalApiKeyFile?: string | undefined;
  encryptionKeyFile?: string | undefined;
}

export interface StackTarget {
  databaseUrl: string | undefined;
  temporal:
    | {
        address: string;
        namespace: string;
        tls?: boolean | undefined;
        tlsCert?: string | undefined;
        tlsKey?: string | undefined;
        apiKey?: string | undefined;
      }
    | undefined;
  /** The payload codec's key file, when there is one to read. */
  encryptionKeyFile: string | undefined;
  /** Why a part is missing, for the one line the operator reads. */
  missing: string;
}

const remoteHint = 'or pass --database-url and --temporal-address for another stack';

/**
 * Flags first, then the file a running `npm start` keeps in its data dir. The CLI never starts anything
 * itself: an empty database would answer every question with "no such case".
 */
export function locateStack(flags: StackFlags): StackTarget {
  const needsFile = !flags.databaseUrl || !flags.temporalAddress;
  const found = needsFile ? findStack(flags.dataDir) : undefined;
  const file = stackFilePath(resolve(flags.dataDir));
  const stack = found?.state === 'running' ? found.stack : undefined;
  const missing = !found
    ? ''
    : found.state === 'absent'
      ? `no running dualkey found: \`npm start\` writes ${file} and there is none. Start it, ${remoteHint}.`
      : found.state === 'stopped'
        ? `the dualkey that wrote ${file} (pid ${found.stack.pid}) is no longer running. Start it again with \`npm start\`, ${remoteHint}.`
        : found.state === 'unreadable'
          ? `cannot read ${file} (${found.problem}). Restart \`npm start\`, ${remoteHint}.`
          : '';
  const address = flags.temporalAddress ?? stack?.temporalAddress;
  return {
    databaseUrl: flags.databaseUrl ?? stack?.databaseUrl,
    temporal: address
      ? {
          address,
          namespace: flags.namespace ?? stack?.namespace ?? 'default',
          tls: flags.temporalTls,
          tlsCert: flags.temporalTlsCert,
          tlsKey: flags.temporalTlsKey,
          apiKey: flags.temporalApiKeyFile
            ? readFileSync(flags.temporalApiKeyFile, 'utf8').trim()
            : undefined,
        }
      : undefined,
    encryptionKeyFile: flags.encryptionKeyFile ?? developmentKeyFile(flags.dataDir),
    missing,
  };
}

function developmentKeyFile(dataDir: string): string | undefined {
  const path = resolve(dataDir, developmentKeyFileName);
  return existsSync(path) ? path : undefined;
}

function readKeyring(path: string): Keyring {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the key file ${path}: ${errorMessage(error)}`, ExitCode.usage);
  }
  const parsed = KeyFileSchema.safeParse(document);
  if (!parsed.success)
    throw new CliError(`${path} is not a key file: ${parsed.error.message}`, ExitCode.usage);
  return Keyring.fromFile(parsed.data);
}

export function createContext(target: StackTarget, writer: Writer): CliContext {
  let database: DatabaseHandle | undefined;
  let connection: Promise<Connection> | undefined;
  let dataConverter: DataConverter | undefined;
  const converter = () =>
    (dataConverter ??= dataConverterOf(
      payloadCodecFor(target.encryptionKeyFile ? readKeyring(target.encryptionKeyFile) : undefined),
    ));
  return {
    writer,
    dataConverter: converter,
    database() {
      if (!target.databaseUrl) throw new CliError(target.missing, ExitCode.usage);
      database ??= connectDatabase(target.databaseUrl, 2);
      return database.db;
    },
    async temporal() {
      const temporal = target.temporal;
      if (!temporal) throw new CliError(target.missing, ExitCode.usage);
      connection ??= Connection.connect({
        ...temporalConnectionOptions(
          {
            TEMPORAL_TLS: temporal.tls,
            TEMPORAL_TLS_CERT: temporal.tlsCert,
            TEMPORAL_TLS_KEY: temporal.tlsKey,
            TEMPORAL_API_KEY: temporal.apiKey,
          },
          temporal.address,
        ),
        connectTimeout: '5s',
      }).catch((error: unknown) => {
        throw new CliError(
          `cannot reach Temporal at ${temporal.address} (${errorMessage(error)}); pass --temporal-address to name its frontend`,
        );
      });
      return new Client({
        connection: await connection,
        namespace: temporal.namespace,
        dataConverter: converter(),
      });
    },
    async close() {
      await Promise.allSettled([database?.close(), connection?.then((c) => c.close())]);
    },
  };
}
