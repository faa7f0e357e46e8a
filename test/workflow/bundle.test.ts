import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { sharedDomainModules } from '../../src/worker/bundle.js';

const root = resolve(import.meta.dirname, '../..');

/** The files a module loads at run time, itself included: value imports only (type imports are erased). */
function loadedWith(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, specifier] of source.matchAll(/^(?:import|export) (?!type\b)[^;]*?from '([^']+)'/gms)) {
    if (!specifier!.startsWith('.')) {
      seen.add(specifier!);
      continue;
    }
    loadedWith(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')), seen);
  }
  return seen;
}

/*
 * Every cached workflow run gets its own copy of every module the bundle holds (the SDK's reusable V8
 * context gives each run a module cache of its own), so what the bundle holds is what each open case
 * costs in worker memory. zod, and domain modules that build zod schemas, cost the most and do nothing a
 * workflow needs: the API has parsed every input before it reaches one.
 */
describe('the workflow bundle', () => {
  it('holds no zod and no module that builds zod schemas', async () => {
    const path = inject('workflowBundlePath');
    const code = await readFile(path, 'utf8');
    // webpack names each module it bundles in a `/***/ "<path>"` line.
    const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1]!);
    const size = (await stat(path)).size;
    console.info(`workflow bundle: ${modules.length} modules, ${(size / 2 ** 20).toFixed(2)} MiB`);

    expect(modules).toContain('./workflows/index.ts');
    expect(modules.filter((m) => m.includes('node_modules/zod/'))).toEqual([]);
    expect(modules.filter((m) => m.includes('src/domain/schemas/'))).toEqual([]);
  });

  it('preloads the shared domain modules once for every run', async () => {
    const code = await readFile(inject('workflowBundlePath'), 'utf8');
    const preload = code.slice(
      code.indexOf('exports.preloadModules'),
      code.indexOf('exports.importWorkflows'),
    );
    for (const file of sharedDomainModules) expect(preload).toContain(`./${relative(root, file)}`);
  });

  it('shares only pure domain modules, none of which loads Temporal or any other package', () => {
    const loaded = new Set(sharedDomainModules.flatMap((file) => [...loadedWith(file)]));
    const outside = [...loaded].filter(
      (file) => !file.startsWith(resolve(root, 'src/domain')) || file.includes('/schemas/'),
    );
    expect(outside).toEqual([]);
    // The rules a workflow runs are among them, so a run evaluates little of its own.
    expect([...loaded].map((file) => relative(root, file))).toContain('src/domain/lifecycle/rule.ts');
  });
});
