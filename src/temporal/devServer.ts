import { TestWorkflowEnvironment } from '@temporalio/testing';
import { caseSearchAttributes } from '../../workflows/searchAttributes.js';
import { StartupError } from '../config/errors.js';
import type { CliSource, ResolvedCli } from './cli.js';
import { findTemporalCli, goInstallTemporalCli, installAdvice, sdkDownloadDir } from './cli.js';
import { setClosedRunRetention } from './retention.js';

export interface DevServerOptions {
  cliPath?: string | undefined;
  cacheDir: string;
  namespace: string;
  /** Unset picks a free port (tests); `npm start` uses 7233. */
  port?: number | undefined;
  /** Unset runs without the Web UI. */
  uiPort?: number | undefined;
  /** The codec endpoint the Web UI decodes payloads through (dualkey's API `/codec`). */
  uiCodecEndpoint?: string | undefined;
  /** SQLite file for a server whose cases survive a restart; unset keeps everything in memory. */
  dbFilename?: string | undefined;
  log: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  source: CliSource;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

/** A download that cannot reach the internet normally fails at once; this bounds one that hangs. */
const SDK_DOWNLOAD_LIMIT_MS = 60_000;

function serverOptions(options: DevServerOptions) {
  return {
    ip: '127.0.0.1',
    namespace: options.namespace,
    searchAttributes: [...caseSearchAttributes],
    log: { format: 'pretty', level: 'warn' },
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.uiPort !== undefined ? { ui: true, uiPort: options.uiPort } : { ui: false }),
    ...(options.dbFilename !== undefined ? { dbFilename: options.dbFilename } : {}),
    // WAL lets the UI and the server read while the server writes, and survives a crash without corruption.
    extraArgs: [
      ...(options.dbFilename
        ? ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal']
        : []),
      ...(options.uiPort !== undefined && options.uiCodecEndpoint
        ? ['--ui-codec-endpoint', options.uiCodecEndpoint]
        : []),
    ],
  };
}

async function startWith(options: DevServerOptions, cli: ResolvedCli): Promise<DevServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ...serverOptions(options), executable: { type: 'existing-path', path: cli.path } },
  });
  return describe(env, options, cli.source);
}

function describe(env: TestWorkflowEnvironment, options: DevServerOptions, source: CliSource): DevServer {
  return {
    address: env.address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : null,
    source,
    env,
    stop: () => env.teardown(),
  };
}

async function trySdkDownload(options: DevServerOptions): Promise<DevServer | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const env = await Promise.race([
      TestWorkflowEnvironment.createLocal({
        server: {
          ...serverOptions(options),
          executable: { type: 'cached-download', downloadDir: sdkDownloadDir(options.cacheDir) },
        },
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), SDK_DOWNLOAD_LIMIT_MS);
      }),
    ]);
    return describe(env, options, 'sdk-download');
  } catch (error) {
    options.log(
      `the SDK could not download the Temporal CLI (${(error as Error).message.split('\n')[0]}); trying go install`,
    );
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts `temporal server start-dev`, finding the binary in this order: TEMPORAL_CLI_PATH, PATH, the
 * cache, the SDK's own download (fails at once offline), then `go install` into the cache; and sets the
 * namespace's retention of closed runs (CLOSED_RUN_RETENTION_DAYS) rather than leave the server's default.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const found = await findTemporalCli({ cliPath: options.cliPath, cacheDir: options.cacheDir });
  const cli =
    found ?? (await trySdkDownload(options)) ?? (await goInstallTemporalCli(options.cacheDir, options.log));
  const server = 'env' in cli ? cli : await startOrExplain(options, cli);
  try {
    await setClosedRunRetention(server.env.connection, options.namespace);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function startOrExplain(options: DevServerOptions, cli: ResolvedCli): Promise<DevServer> {
  try {
    return await startWith(options, cli);
  } catch (error) {
    throw new StartupError(
      `the Temporal dev server (${cli.path}, found via ${cli.source}) did not start: ${(error as Error).message}\n${installAdvice}`,
    );
  }
}
