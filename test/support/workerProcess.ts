import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { PostgresAccountControls } from '../../src/db/accountControls/postgres.js';
import { connectDatabase } from '../../src/db/client.js';
import type { AccountControls } from '../../src/domain/controls.js';
import { createCaseWorker, runUntilStopped } from '../../src/worker/worker.js';
import { payloadCodec } from '../../src/runtime/wiring.js';
import { dataConverterOf } from '../../src/temporal/codec/dataConverter.js';
import { KeyFileSchema, Keyring } from '../../src/temporal/codec/keys.js';

/*
 * A worker in a process of its own, for tests that kill it. With HANG_AFTER_LIFT=1 its registry lifts
 * for real and then never answers, as if the process died between the side effect and reporting it.
 */
const { TEMPORAL_ADDRESS, DATABASE_URL, TASK_QUEUE, WORKFLOW_BUNDLE, HANG_AFTER_LIFT, ENCRYPTION_KEYS } =
  process.env;
if (!TEMPORAL_ADDRESS || !DATABASE_URL || !TASK_QUEUE || !WORKFLOW_BUNDLE || !ENCRYPTION_KEYS) {
  throw new Error(
    'TEMPORAL_ADDRESS, DATABASE_URL, TASK_QUEUE, WORKFLOW_BUNDLE and ENCRYPTION_KEYS (a key file as JSON) are required',
  );
}

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const database = connectDatabase(DATABASE_URL, 2);
const registry = new PostgresAccountControls(database.db);
const controls: AccountControls =
  HANG_AFTER_LIFT === '1'
    ? {
        list: (accountId) => registry.list(accountId),
        get: (ids) => registry.get(ids),
        changedSince: (refs) => registry.changedSince(refs),
        apply: (input) => registry.apply(input),
        reapply: (input) => registry.reapply(input),
        lift: async (input) => {
          await registry.lift(input);
          process.stdout.write(`lifted ${input.idempotencyKey}\n`);
          return new Promise(() => undefined);
        },
      }
    : registry;

const worker = await createCaseWorker({
  connection: await NativeConnection.connect({ address: TEMPORAL_ADDRESS }),
  namespace: 'default',
  taskQueue: TASK_QUEUE,
  activities: createActivities({ db: database.db, controls }),
  workflowBundle: { codePath: WORKFLOW_BUNDLE },
  identity: `doomed-worker-${process.pid}`,
  dataConverter: dataConverterOf(
    payloadCodec(
      { keyring: Keyring.fromFile(KeyFileSchema.parse(JSON.parse(ENCRYPTION_KEYS))), summary: '' },
      database.db,
    ),
  ),
});
process.stdout.write('ready\n');
await runUntilStopped(worker, { db: database.db }).done;
