import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** AES-256 takes 32 bytes of key. */
export const KEY_BYTES = 32;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * Where the codec's keys come from. The keyring below holds them in memory, loaded from configuration; a
 * KMS adapter implements the same two calls (the data key unwrapped once and cached, keyed by its id).
 */
export interface KeyProvider {
  /** The key new payloads are encrypted with. */
  encryptionKey(): EncryptionKey;
  /** Any key payloads may have been encrypted with, by its id; undefined when it is not held. */
  decryptionKey(id: string): Buffer | undefined;
}

const keyId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a key id is 1–64 letters, digits, dots, dashes or underscores');
const keyMaterial = z
  .string()
  .transform((text) => Buffer.from(text.trim(), 'base64'))
  .refine((key) => key.length === KEY_BYTES, `a key is ${KEY_BYTES} bytes, base64-encoded`);

/** The key file: every key payloads may be encrypted with, and which one new payloads use. */
export const KeyFileSchema = z
  .object({
    encryptWith: keyId,
    keys: z.record(keyId, keyMaterial),
  })
  .strict()
  .refine((file) => file.encryptWith in file.keys, {
    path: ['encryptWith'],
    message: 'names a key that is not in keys',
  });

export type KeyFile = z.input<typeof KeyFileSchema>;

export class Keyring implements KeyProvider {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #current: EncryptionKey;

  constructor(keys: ReadonlyMap<string, Buffer>, encryptWith: string) {
    const key = keys.get(encryptWith);
    if (!key) throw new Error(`the encryption key ${encryptWith} is not in the keyring`);
    this.#keys = keys;
    this.#current = { id: encryptWith, key };
  }

  static fromFile(file: z.output<typeof KeyFileSchema>): Keyring {
    return new Keyring(new Map(Object.entries(file.keys)), file.encryptWith);
  }

  encryptionKey(): EncryptionKey {
    return this.#current;
  }

  decryptionKey(id: string): Buffer | undefined {
    return this.#keys.get(id);
  }

  get ids(): string[] {
    return [...this.#keys.keys()];
  }
}

/** A fresh key file holding one random key, for development and tests. */
export function newKeyFile(id = `dev-${new Date().toISOString().slice(0, 10)}`): KeyFile {
  return { encryptWith: id, keys: { [id]: randomBytes(KEY_BYTES).toString('base64') } };
}

/** A key file as the environment a process started with it reads (`DUALKEY_ENCRYPTION_KEYS` inline). */
export function keyFileEnv(file: KeyFile): {
  DUALKEY_ENCRYPTION_KEYS: string;
  DUALKEY_ENCRYPTION_KEY_ID: string;
} {
  return {
    DUALKEY_ENCRYPTION_KEYS: Object.entries(file.keys)
      .map(([id, key]) => `${id}:${key}`)
      .join(','),
    DUALKEY_ENCRYPTION_KEY_ID: file.encryptWith,
  };
}
