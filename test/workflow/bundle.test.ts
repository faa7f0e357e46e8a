import { readFile, stat } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';

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
});
