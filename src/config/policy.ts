import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Policy } from '../domain/policy.js';
import { defaultPolicy } from '../domain/policy.js';
import { resolvePolicy } from '../domain/schemas/policy.js';
import { ConfigError } from './errors.js';

/** Loads the DUALKEY_POLICY file (JSON or YAML) over the defaults; any problem stops start-up. */
export function loadPolicy(path: string | undefined): Policy {
  if (!path) return defaultPolicy;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`DUALKEY_POLICY: cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`DUALKEY_POLICY: ${path} is not valid JSON or YAML: ${(error as Error).message}`);
  }
  const result = resolvePolicy(document ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`DUALKEY_POLICY: ${path} is not a valid policy:\n${lines.join('\n')}`);
  }
  return result.data;
}
