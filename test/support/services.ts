import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { CaseService } from '../../src/api/services/cases.js';
import { PostgresAccountControls } from '../../src/db/accountControls/postgres.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import type { OutboxRouting } from '../../src/db/outbox.js';
import { connectDatabase } from '../../src/db/client.js';
import type { AccountControls } from '../../src/domain/controls.js';
import type { Policy, PolicyOverride } from '../../src/domain/policy.js';
import { everyDurationAs, mergeOverrides } from '../../src/domain/policy.js';
import { resolvePolicy } from '../../src/domain/schemas/policy.js';
import { payloadCodec } from '../../src/runtime/wiring.js';
import type { EncryptionCodec } from '../../src/temporal/codec/codec.js';
import { dataConverterOf } from '../../src/temporal/codec/dataConverter.js';
import type { KeyFile } from '../../src/temporal/codec/keys.js';
import { KeyFileSchema, Keyring } from '../../src/temporal/codec/keys.js';
import { createCaseWorker, runUntilStopped } from '../../src/worker/worker.js';
import { assertWaitsFitTheHelpers } from './waiting.js';

/**
 * Every duration a minute at most, so each timer-driven path runs inside a test, and 30 s inside the wait
 * helpers' timeout (`assertWaitsFitTheHelpers`); the ones a test waits out in full are seconds. Case
 * deadlines run from every case's opening, so they are out of every test's reach but their own.
 */
export const testPolicyOverride = mergeOverrides(everyDurationAs('60s'), {
  monitoring: { window: { low: '4s', medium: '4s', high: '4s', critical: '4s' } },
  coolingOff: { withdrawalLock: '3s' },
  activities: { attemptTimeout: '5s' },
  caseDeadlines: {
    firstResponse: { low: '1h', medium: '1h', high: '1h', critical: '1h' },
    resolution: { low: '1h', medium: '1h', high: '1h', critical: '1h' },
    overrides: [],
  },
} satisfies PolicyOverride);

export function testPolicy(...overrides: PolicyOverride[]): Policy {
  const result = resolvePolicy(mergeOverrides(testPolicyOverride, ...overrides));
  if (!result.success) throw new Error(`bad test policy: ${result.error.message}`);
  assertWaitsFitTheHelpers(result.data);
  return result.data;
}

export interface ServicesOptions {
  policy?: PolicyOverride;
  /** Wraps the real PostgreSQL registry, e.g. to inject transient failures. */
  controls?: (registry: AccountControls) => AccountControls;
  /** Start without a worker (tests that bring their own). */
  withoutWorker?: boolean;
  /** The routing the worker's notify activity queues with; without it, every notification is logged. */
  notifications?: OutboxRouting;
  /** Join this task queue instead of a fresh one (a second client and worker serving the same cases). */
  taskQueue?: string;
  /** Payload encryption keys instead of the run's; `false` runs without the codec (the benchmark's baseline). */
  keys?: KeyFile | false;
  /** Sees every statement the API and the worker send (the benchmark counts them). */
  onStatement?: (text: string) => void;
  /** A Temporal frontend of the test file's own (one serving the Web UI) instead of the run's. */
  temporalAddress?: string;
  /** Another database than the run's shared one (see freshDatabase). */
  databaseUrl?: string;
}

export interface Services {
  database: DatabaseHandle;
  connection: Connection;
  client: Client;
  nativeConnection: NativeConnection;
  registry: PostgresAccountControls;
  controls: AccountControls;
  cases: CaseService;
  policy: Policy;
  taskQueue: string;
  /** The payload codec the client and the workers use; undefined without encryption. */
  codec: EncryptionCodec | undefined;
  dataConverter: DataConverter;
  worker: Worker | undefined;
  startWorker(controls?: AccountControls): Promise<{ worker: Worker; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/** Quiet SDK logs in tests; a process that already made a Runtime (a dev server in a script) keeps its own. */
function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    return;
  }
}

/** Real services for one test file: PostgreSQL and Temporal from the global setup, a worker of its own. */
export function startServices(options: ServicesOptions = {}): Promise<Services> {
  return connectServices(
    {
      databaseUrl: options.databaseUrl ?? inject('databaseUrl'),
      temporalAddress: options.temporalAddress ?? inject('temporalAddress'),
      bundlePath: inject('workflowBundlePath'),
      keys: inject('encryptionKeys'),
    },
    options,
  );
}

/** The same, given where the servers are; for scripts that run outside vitest. */
export async function connectServices(
  where: { databaseUrl: string; temporalAddress: string; bundlePath: string; keys?: KeyFile },
  options: ServicesOptions = {},
): Promise<Services> {
  installQuietRuntime();
  const poolSize = 5;
  const database = connectDatabase(
    where.databaseUrl,
    poolSize,
    options.onStatement ? { onStatement: options.onStatement } : {},
  );
  const keyFile = options.keys === false ? undefined : (options.keys ?? where.keys);
  const codec = payloadCodec(
    { keyring: keyFile ? Keyring.fromFile(KeyFileSchema.parse(keyFile)) : undefined, summary: '' },
    database.db,
  );
  const dataConverter = dataConverterOf(codec);
  const connection = await Connection.connect({ address: where.temporalAddress });
  const client = new Client({ connection, namespace: 'default', dataConverter });
  const nativeConnection = await NativeConnection.connect({ address: where.temporalAddress });
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const registry = new PostgresAccountControls(database.db);
  const controls = options.controls?.(registry) ?? registry;
  const policy = testPolicy(options.policy ?? {});
  const cases = new CaseService({
    db: database.db,
    client,
    controls,
    policy,
    taskQueue,
    updateTimeoutMs: 20_000,
    databasePoolSize: poolSize,
  });
  const workers: { stop(): Promise<void> }[] = [];

  const startWorker = async (workerControls: AccountControls = controls) => {
    const worker = await createCaseWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({
        db: database.db,
        controls: workerControls,
        notifications: options.notifications,
      }),
      workflowBundle: { codePath: where.bundlePath },
      dataConverter,
    });
    const running = runUntilStopped(worker, { db: database.db });
    const handle = { worker, stop: running.stop };
    workers.push(handle);
    return handle;
  };

  const first = options.withoutWorker ? undefined : await startWorker();
  return {
    database,
    connection,
    client,
    nativeConnection,
    registry,
    controls,
    cases,
    policy,
    taskQueue,
    codec,
    dataConverter,
    worker: first?.worker,
    startWorker,
    async stop() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await nativeConnection.close();
      await connection.close();
      await database.close();
    },
  };
}
