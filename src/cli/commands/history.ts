import type { Client } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { IllegalStateError, WorkflowNotFoundError } from '@temporalio/common';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readFile } from 'node:fs/promises';
import { workflowIdFor } from '../../domain/case.js';
import { workflowsPath } from '../../worker/bundle.js';
import { CliError, ExitCode } from '../errors.js';
import { errorMessage } from '../format.js';
import type { Writer } from '../output.js';

export interface HistoryDeps {
  /** Where histories are fetched from; not needed when replaying an exported file. */
  client?: Client;
  writer: Writer;
  /** Decrypts the history's payloads, as the workers do. */
  dataConverter?: DataConverter;
  /** The workflow code to replay against; the current `workflows/` unless a test supplies other code. */
  replayOptions?: ReplayWorkerOptions;
}

/** The gRPC status for an unknown workflow; `@grpc/grpc-js`, which names it, is not our dependency. */
const grpcNotFound = new Set([5 /* NOT_FOUND */]);

/**
 * The SDK logs every worker state change and the whole webpack summary at INFO, which would bury the one
 * line this command prints. A process that installed its own runtime first (a test run) keeps it.
 */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (error) {
    if (!(error instanceof IllegalStateError)) throw error;
  }
}

async function fetchLive(client: Client, caseId: string, workflowId: string) {
  return client.workflow
    .getHandle(workflowId)
    .fetchHistory()
    .catch((error: unknown) => {
      if (
        error instanceof WorkflowNotFoundError ||
        (isGrpcServiceError(error) && grpcNotFound.has(error.code))
      ) {
        throw new CliError(`no workflow history for case ${caseId} (workflow ${workflowId})`);
      }
      throw error;
    });
}

/** A history exported with `temporal workflow show --output json`, e.g. from production. */
async function readExported(file: string): Promise<{ events?: unknown[] }> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { events?: unknown[] };
  } catch (error) {
    throw new CliError(`cannot read a history from ${file}: ${errorMessage(error)}`, ExitCode.usage);
  }
}

/**
 * Replays a case's recorded history against the workflow code in this checkout: the check that a change
 * to `workflows/` would not break the case while it is still running. The history comes from Temporal,
 * or from a file exported with the Temporal CLI.
 */
export async function replayHistoryCommand(
  deps: HistoryDeps,
  caseId: string,
  options: { file?: string | undefined } = {},
): Promise<number> {
  const workflowId = workflowIdFor(caseId);
  let history: { events?: unknown[] | null };
  if (options.file) history = await readExported(options.file);
  else if (deps.client) history = await fetchLive(deps.client, caseId, workflowId);
  else throw new CliError('give --file or a Temporal address to fetch the history from', ExitCode.usage);
  quietRuntime();
  try {
    await Worker.runReplayHistory(
      {
        ...(deps.replayOptions ?? { workflowsPath }),
        ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
      },
      history,
      workflowId,
    );
  } catch (error) {
    const kind = error instanceof Error ? error.name : 'Error';
    deps.writer.out(`FAILED case ${caseId}: replay of ${workflowId} failed: ${kind}: ${errorMessage(error)}`);
    return ExitCode.failed;
  }
  deps.writer.out(
    `OK case ${caseId}: ${history.events?.length ?? 0} history events replay with the current workflow code`,
  );
  return ExitCode.ok;
}
