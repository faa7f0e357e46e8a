import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Keyring, KeyFileSchema, newKeyFile } from './keys.js';
import type { Env } from '../../config/env.js';
import { ConfigError } from '../../config/errors.js';

type EncryptionEnv = Pick<
  Env,
  | 'NODE_ENV'
  | 'DUALKEY_DATA_DIR'
  | 'DUALKEY_ENCRYPTION'
  | 'DUALKEY_ENCRYPTION_KEY_FILE'
  | 'DUALKEY_ENCRYPTION_KEYS'
  | 'DUALKEY_ENCRYPTION_KEY_ID'
>;

export interface PayloadKeys {
  /** Undefined when encryption is switched off. */
  keyring: Keyring | undefined;
  /** One line for start-up: which key encrypts, from where, or that nothing does. */
  summary: string;
  /** Said at every start when production runs without encryption. */
  warning?: string;
}

export const developmentKeyFileName = 'encryption-keys.json';

function readKeyFile(path: string, name: string) {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${name}: cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const result = KeyFileSchema.safeParse(document);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || 'file'}: ${i.message}`);
    throw new ConfigError(`${name}: ${path} is not a valid key file:\n${lines.join('\n')}`);
  }
  return result.data;
}

function parseInlineKeys(list: string) {
  const keys: Record<string, string> = {};
  for (const item of list.split(',').map((s) => s.trim())) {
    const at = item.indexOf(':');
    if (at <= 0) throw new ConfigError('DUALKEY_ENCRYPTION_KEYS: write each key as id:base64');
    keys[item.slice(0, at)] = item.slice(at + 1);
  }
  const first = Object.keys(keys)[0] ?? '';
  const result = KeyFileSchema.safeParse({ encryptWith: first, keys });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`DUALKEY_ENCRYPTION_KEYS is not valid:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** The development key, made once and kept in the data dir; a second process starting at once reads the first's. */
function developmentKeys(dataDir: string): { path: string; generated: boolean } {
  const path = resolve(dataDir, developmentKeyFileName);
  try {
    // An API or worker started on its own, before anything else made the data dir.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `${JSON.stringify(newKeyFile(), null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    return { path, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { path, generated: false };
    throw new ConfigError(`cannot write the development key to ${path}: ${(error as Error).message}`);
  }
}

/**
 * The payload codec's keys: the key file and inline keys together, the encryption key named by
 * DUALKEY_ENCRYPTION_KEY_ID (else the file's choice, else the first inline key). Outside production with
 * none configured, a development key in the data dir. Production with none refuses to start unless
 * encryption is switched off.
 */
export function loadPayloadKeys(env: EncryptionEnv): PayloadKeys {
  if (env.DUALKEY_ENCRYPTION === 'off') {
    return {
      keyring: undefined,
      summary: 'off (DUALKEY_ENCRYPTION=off): Temporal stores payloads in clear text',
      ...(env.NODE_ENV === 'production'
        ? {
            warning:
              'DUALKEY_ENCRYPTION=off in production: case descriptions, notes and answers are stored in clear text in Temporal.',
          }
        : {}),
    };
  }
  let filePath = env.DUALKEY_ENCRYPTION_KEY_FILE;
  let generated = false;
  if (!filePath && !env.DUALKEY_ENCRYPTION_KEYS) {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError(
        'no payload encryption key: set DUALKEY_ENCRYPTION_KEY_FILE or DUALKEY_ENCRYPTION_KEYS (docs/operations.md), ' +
          'or DUALKEY_ENCRYPTION=off to store payloads in clear text',
      );
    }
    ({ path: filePath, generated } = developmentKeys(resolve(env.DUALKEY_DATA_DIR)));
  }
  const file = filePath ? readKeyFile(filePath, 'DUALKEY_ENCRYPTION_KEY_FILE') : undefined;
  const inline = env.DUALKEY_ENCRYPTION_KEYS ? parseInlineKeys(env.DUALKEY_ENCRYPTION_KEYS) : undefined;
  const keys = new Map(
    [...Object.entries(file?.keys ?? {}), ...Object.entries(inline?.keys ?? {})].map(
      ([id, key]) => [id, key] as const,
    ),
  );
  const encryptWith = env.DUALKEY_ENCRYPTION_KEY_ID ?? file?.encryptWith ?? inline?.encryptWith ?? '';
  if (!keys.has(encryptWith)) {
    throw new ConfigError(
      `DUALKEY_ENCRYPTION_KEY_ID: no key ${encryptWith} among ${[...keys.keys()].join(', ')}`,
    );
  }
  const from = [
    ...(filePath ? [`${filePath}${generated ? ' (generated now)' : ''}`] : []),
    ...(inline ? ['DUALKEY_ENCRYPTION_KEYS'] : []),
  ].join(' and ');
  return {
    keyring: new Keyring(keys, encryptWith),
    summary: `AES-256-GCM, encrypting with key ${encryptWith} (${keys.size} key${keys.size === 1 ? '' : 's'} from ${from})`,
  };
}
