import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { StartupError } from '../config/errors.js';

/** v1.5.1 is the newest CLI tag whose go.mod has no `replace` directive, so `go install` can build it. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export type CliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'sdk-download' | 'go-install';

export interface ResolvedCli {
  path: string;
  source: CliSource;
}

export function goInstallDir(cacheDir: string): string {
  return join(cacheDir, `temporal-${TEMPORAL_CLI_VERSION.replace(/^v/, '')}`);
}

export function sdkDownloadDir(cacheDir: string): string {
  return join(cacheDir, 'sdk-download');
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function onPath(
  name: string,
  pathVariable = process.env.PATH ?? '',
): Promise<string | undefined> {
  for (const dir of pathVariable.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function inCache(cacheDir: string): Promise<string | undefined> {
  const built = join(goInstallDir(cacheDir), 'temporal');
  if (await isExecutable(built)) return built;
  const downloaded = await readdir(sdkDownloadDir(cacheDir)).catch(() => [] as string[]);
  for (const name of downloaded.sort().reverse()) {
    const candidate = join(sdkDownloadDir(cacheDir), name);
    if (name.startsWith('temporal') && (await isExecutable(candidate))) return candidate;
  }
  return undefined;
}

/**
 * Steps 1–3 of the resolution order (see `startDevServer`): an explicit path, `temporal` on PATH, then the cache
 * outside the repo. Undefined means the caller should try the SDK's download and then `go install`.
 */
export async function findTemporalCli(options: {
  cliPath?: string | undefined;
  cacheDir: string;
  pathVariable?: string | undefined;
}): Promise<ResolvedCli | undefined> {
  if (options.cliPath) {
    if (!(await isExecutable(options.cliPath))) {
      throw new StartupError(`TEMPORAL_CLI_PATH=${options.cliPath} is not an executable file`);
    }
    return { path: options.cliPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = await onPath('temporal', options.pathVariable);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const cached = await inCache(options.cacheDir);
  return cached ? { path: cached, source: 'cache' } : undefined;
}

export const installAdvice =
  'Install the Temporal CLI (`brew install temporal`, or put `temporal` on PATH, or set TEMPORAL_CLI_PATH), ' +
  `or install a Go toolchain so dualkey can build it (go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}), ` +
  'or set TEMPORAL_ADDRESS to use a Temporal server that is already running.';

/**
 * Builds a Go program with `go install` into `bin`. The first build takes minutes; Go caches modules and
 * builds, so a second is quick. Rejects with `advice` when there is no toolchain or the build fails.
 */
export async function goInstall(options: {
  module: string;
  version: string;
  bin: string;
  binary: string;
  what: string;
  advice: string;
  log: (line: string) => void;
}): Promise<string> {
  await mkdir(options.bin, { recursive: true });
  options.log(
    `building the ${options.what} ${options.version} with Go into ${options.bin} (first time only; takes a few minutes)`,
  );
  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('go', ['install', `${options.module}@${options.version}`], {
      env: {
        ...process.env,
        GOBIN: options.bin,
        GOFLAGS: [process.env.GOFLAGS, '-buildvcs=false'].filter(Boolean).join(' '),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 8) tail.shift();
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT')
        reject(
          new StartupError(`no ${options.what} found and no Go toolchain to build one. ${options.advice}`),
        );
      else reject(error);
    });
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  const path = join(options.bin, options.binary);
  if (code !== 0 || !(await isExecutable(path))) {
    throw new StartupError(
      `building the ${options.what} with Go failed (is the Go module proxy reachable?):\n  ${tail.join('\n  ')}\n${options.advice}`,
    );
  }
  return path;
}

/** Step 5: builds the CLI with the Go toolchain into the cache. */
export async function goInstallTemporalCli(
  cacheDir: string,
  log: (line: string) => void,
): Promise<ResolvedCli> {
  const path = await goInstall({
    module: TEMPORAL_CLI_MODULE,
    version: TEMPORAL_CLI_VERSION,
    bin: goInstallDir(cacheDir),
    binary: 'temporal',
    what: 'Temporal CLI',
    advice: installAdvice,
    log,
  });
  return { path, source: 'go-install' };
}
