import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumAdvice, findOrInstallChromium } from '../../test/support/chromium.js';

const dir = await mkdtemp(join(tmpdir(), 'dualkey-chromium-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function executable(name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, 0o755);
  return path;
}

const log = () => undefined;
const refuseInstall = () => Promise.reject(new Error('must not install'));

describe('finding the browser for the browser tests', () => {
  it('takes CHROMIUM_PATH first', async () => {
    const path = await executable('my-chrome');
    await expect(
      findOrInstallChromium({
        chromiumPath: path,
        debianPath: join(dir, 'absent'),
        log,
        install: refuseInstall,
      }),
    ).resolves.toBe(path);
  });

  it('says so when CHROMIUM_PATH is not an executable', async () => {
    await expect(
      findOrInstallChromium({ chromiumPath: join(dir, 'nothing-here'), log, install: refuseInstall }),
    ).rejects.toThrow(`CHROMIUM_PATH=${join(dir, 'nothing-here')} is not an executable file`);
  });

  it("uses Debian's chromium when it is there", async () => {
    const path = await executable('debian-chromium');
    await expect(
      findOrInstallChromium({ debianPath: path, isRoot: true, log, install: refuseInstall }),
    ).resolves.toBe(path);
  });

  it('names the one command to run when it cannot install as root', async () => {
    await expect(
      findOrInstallChromium({ debianPath: join(dir, 'absent'), isRoot: false, log, install: refuseInstall }),
    ).rejects.toThrow(chromiumAdvice);
    expect(chromiumAdvice).toContain('sudo apt-get install -y chromium');
  });

  it('installs it as root, then uses it', async () => {
    const path = join(dir, 'installed-chromium');
    const lines: string[] = [];
    const found = await findOrInstallChromium({
      debianPath: path,
      isRoot: true,
      log: (line) => lines.push(line),
      install: async () => {
        await executable('installed-chromium');
        return true;
      },
    });
    expect(found).toBe(path);
    expect(lines.join('\n')).toContain('apt-get install -y chromium');
  });

  it('fails with the advice when the install does not give a browser', async () => {
    await expect(
      findOrInstallChromium({
        debianPath: join(dir, 'still-absent'),
        isRoot: true,
        log,
        install: () => Promise.resolve(false),
      }),
    ).rejects.toThrow(/installing chromium with apt-get failed; no chromium/);
  });
});
