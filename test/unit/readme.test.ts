import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../src/config/env.js';
import packageJson from '../../package.json' with { type: 'json' };

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents exactly the environment variables the config schema reads', () => {
    const section = readme.split('## Environment')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\| `([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(EnvSchema.shape));
  });

  it('gives the two-command quick start after npm ci', () => {
    const quickStart = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    expect(quickStart).toMatch(/npm ci\s*\nnpm start\b[^\n]*\nnpm test\b/);
  });

  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    for (const script of named) expect(Object.keys(packageJson.scripts)).toContain(script);
  });
});
