import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { SsoMapping as Mapping } from '../domain/sso.js';
import { SsoMapping } from '../domain/sso.js';
import { ConfigError } from './errors.js';

/** Loads the DUALKEY_SSO_MAPPING file (JSON or YAML); any problem stops start-up naming the entry. */
export function loadSsoMapping(path: string): Mapping {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`DUALKEY_SSO_MAPPING: cannot read ${path}: ${(error as Error).message}`);
  }
  const result = SsoMapping.safeParse(document);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new ConfigError(`DUALKEY_SSO_MAPPING: ${path} is not a valid mapping:\n${lines.join('\n')}`);
  }
  return result.data;
}
