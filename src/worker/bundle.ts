import { bundleWorkflowCode } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const workflowsPath = join(root, 'workflows', 'index.ts');
/**
 * What the workflow bundle is built from: its own code, the domain rules, how it is built, and the
 * installed packages.
 */
const inputs = ['workflows', 'src/domain', 'src/worker/bundle.ts', 'package-lock.json'];

/**
 * Domain modules every run shares instead of evaluating its own copy: the SDK loads them once per worker
 * thread, before any run exists, and freezes what they export. Only pure modules qualify: no Temporal
 * import (the SDK's workflow modules keep per-run state), nothing they change after loading, no clock or
 * randomness at load. Their own imports are shared with them. Every rule module in `src/domain/lifecycle/`
 * is one, so a new step's rules are shared without being listed. `test/workflow/bundle.test.ts` holds
 * this list to those rules.
 */
export const sharedDomainModules = [
  ...readdirSync(join(root, 'src', 'domain', 'lifecycle'))
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => `lifecycle/${file.slice(0, -'.ts'.length)}`),
  'case',
  'controls',
  'actions',
].map((module) => join(root, 'src', 'domain', `${module}.ts`));

const bundleOptions = {
  workflowsPath,
  preloadModules: sharedDomainModules,
  logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
};

async function filesUnder(path: string): Promise<string[]> {
  const full = join(root, path);
  if ((await stat(full)).isFile()) return [full];
  const entries = await readdir(full, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export async function workflowSourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const file of await filesUnder(input)) {
      hash
        .update(relative(root, file))
        .update('\0')
        .update(await readFile(file))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The workflow bundle's file, built once per content of its sources and kept under `node_modules/.cache`,
 * so a worker (re)starting after a crash polls in about a second instead of bundling for 15–40 s.
 */
export async function workflowBundleFile(
  cacheDir = join(root, 'node_modules', '.cache', 'dualkey'),
): Promise<string> {
  const codePath = join(cacheDir, `workflows-${await workflowSourceHash()}.js`);
  if (existsSync(codePath)) return codePath;
  const { code } = await bundleWorkflowCode(bundleOptions);
  await mkdir(cacheDir, { recursive: true });
  // Written aside and renamed: processes starting together never read half a bundle.
  const partial = `${codePath}.${process.pid}.partial`;
  await writeFile(partial, code);
  await rename(partial, codePath);
  return codePath;
}

/** The cached bundle; where the cache cannot be written (a read-only image), one built in memory. */
export async function cachedWorkflowBundle(): Promise<{ codePath: string } | { code: string }> {
  try {
    return { codePath: await workflowBundleFile() };
  } catch {
    return { code: (await bundleWorkflowCode(bundleOptions)).code };
  }
}
