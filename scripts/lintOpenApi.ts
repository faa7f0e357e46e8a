import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../src/api/app.js';

/**
 * Lints the OpenAPI document the API serves with Redocly (rules in redocly.yaml). The document is built
 * from the routes alone, so no Temporal or PostgreSQL has to run.
 */
const dir = mkdtempSync(join(tmpdir(), 'dualkey-openapi-'));
const file = join(dir, 'openapi.json');
try {
  writeFileSync(file, JSON.stringify(openApiDocument('http://127.0.0.1:3000'), null, 2));
  const result = spawnSync('redocly', ['lint', file, '--config', 'redocly.yaml'], {
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
