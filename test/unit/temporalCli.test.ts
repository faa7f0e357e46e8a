import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findTemporalCli,
  goInstallDir,
  goInstallTemporalCli,
  sdkDownloadDir,
} from '../../src/temporal/cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualkey-cli-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function fakeBinary(path: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, 0o755);
  return path;
}

describe('finding the Temporal CLI, in the order README.md gives', () => {
  it('TEMPORAL_CLI_PATH wins over everything else', async () => {
    const explicit = await fakeBinary(join(dir, 'explicit', 'temporal'));
    const onPath = await fakeBinary(join(dir, 'bin', 'temporal'));
    const found = await findTemporalCli({
      cliPath: explicit,
      cacheDir: dir,
      pathVariable: join(onPath, '..'),
    });
    expect(found).toEqual({ path: explicit, source: 'TEMPORAL_CLI_PATH' });
  });

  it('a TEMPORAL_CLI_PATH that is not an executable is an error naming it', async () => {
    await expect(findTemporalCli({ cliPath: join(dir, 'missing'), cacheDir: dir })).rejects.toThrow(
      /TEMPORAL_CLI_PATH=.*missing is not an executable file/,
    );
  });

  it('then `temporal` on PATH', async () => {
    const onPath = await fakeBinary(join(dir, 'bin', 'temporal'));
    await fakeBinary(join(goInstallDir(dir), 'temporal'));
    const found = await findTemporalCli({ cacheDir: dir, pathVariable: `/nonexistent:${join(dir, 'bin')}` });
    expect(found).toEqual({ path: onPath, source: 'PATH' });
  });

  it('then the go-install cache, then a binary the SDK downloaded into the cache', async () => {
    const downloaded = await fakeBinary(join(sdkDownloadDir(dir), 'temporal-sdk-typescript-1.24.0'));
    expect(await findTemporalCli({ cacheDir: dir, pathVariable: '' })).toEqual({
      path: downloaded,
      source: 'cache',
    });
    const built = await fakeBinary(join(goInstallDir(dir), 'temporal'));
    expect(await findTemporalCli({ cacheDir: dir, pathVariable: '' })).toEqual({
      path: built,
      source: 'cache',
    });
  });

  it('finds nothing in an empty cache with nothing on PATH', async () => {
    expect(await findTemporalCli({ cacheDir: dir, pathVariable: '' })).toBeUndefined();
  });
});

describe('building the CLI with Go', () => {
  it('without a Go toolchain, says in one message what to install', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = join(dir, 'empty');
    try {
      await expect(goInstallTemporalCli(dir, () => undefined)).rejects.toThrow(
        /no Temporal CLI found and no Go toolchain to build one\. Install the Temporal CLI \(`brew install temporal`.*TEMPORAL_ADDRESS/s,
      );
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
