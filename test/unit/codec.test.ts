import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPayloadKeys } from '../../src/temporal/codec/payloadKeys.js';
import { caseIdOfWorkflow, compensationWorkflowIdOf, workflowIdFor } from '../../src/domain/case.js';
import { nextId } from '../../src/domain/lifecycle/rule.js';
import { parseEnv } from '../../src/config/env.js';
import { EncryptionCodec, metadataKeys, ownerOf } from '../../src/temporal/codec/codec.js';
import { KeyFileSchema, Keyring, newKeyFile } from '../../src/temporal/codec/keys.js';

const keyA = newKeyFile('key-a');
const keyB = newKeyFile('key-b');
const ringOf = (...files: (typeof keyA)[]) =>
  Keyring.fromFile(
    KeyFileSchema.parse({
      encryptWith: files[0]!.encryptWith,
      keys: Object.assign({}, ...files.map((f) => f.keys)) as Record<string, string>,
    }),
  );

const clear = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const context = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('the payload codec', () => {
  const description = 'The user cannot withdraw since yesterday.';
  const input = clear({ case: { businessLine: 'p2p', description }, policy: {} });

  it('encrypts each payload whole, naming its key, run and business line in clear', async () => {
    const codec = new EncryptionCodec(ringOf(keyA));
    const [sealed] = await codec.encode([input], context('case-C-1'));
    expect(text(sealed!.data)).not.toContain('withdraw');
    expect(ownerOf(sealed!)).toEqual({ keyId: 'key-a', businessLine: 'p2p', workflowId: 'case-C-1' });
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({
      case: { businessLine: 'p2p', description },
      policy: {},
    });
  });

  it('uses a fresh nonce for every payload, so equal inputs never look equal', async () => {
    const codec = new EncryptionCodec(ringOf(keyA));
    const [one, two] = await codec.encode([input, input], context('case-C-1'));
    expect(Buffer.from(one!.data!).equals(Buffer.from(two!.data!))).toBe(false);
  });

  it('gives later payloads of a run the business line its input named, and asks the lookup otherwise', async () => {
    const asked: string[] = [];
    const codec = new EncryptionCodec(ringOf(keyA), (workflowId) => {
      asked.push(workflowId);
      return Promise.resolve('card');
    });
    await codec.encode([input], context('case-C-1'));
    const [note] = await codec.encode([clear({ text: 'a note' })], context('case-C-1'));
    expect(ownerOf(note!)?.businessLine).toBe('p2p');
    const [other] = await codec.encode([clear({ text: 'a note' })], context('case-C-2'));
    expect(ownerOf(other!)?.businessLine).toBe('card');
    expect(asked).toEqual(['case-C-2']);
  });

  it('passes payloads written before the codec through unchanged', async () => {
    const codec = new EncryptionCodec(ringOf(keyA));
    const [same] = await codec.decode([input]);
    expect(same).toBe(input);
  });

  it('reads payloads of an older key after a newer one encrypts', async () => {
    const [underA] = await new EncryptionCodec(ringOf(keyA)).encode([input], context('case-C-1'));
    const rotated = new EncryptionCodec(ringOf(keyB, keyA));
    const [underB] = await rotated.encode([input], context('case-C-1'));
    expect(ownerOf(underB!)?.keyId).toBe('key-b');
    const decoded = await rotated.decode([underA!, underB!]);
    expect(decoded.map((p) => text(p.data))).toEqual([text(input.data), text(input.data)]);
  });

  it('refuses a payload whose key is not held, and one moved to another business line', async () => {
    const [sealed] = await new EncryptionCodec(ringOf(keyA)).encode([input], context('case-C-1'));
    await expect(new EncryptionCodec(ringOf(keyB)).decode([sealed!])).rejects.toThrow(/key key-a/);
    const moved = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [metadataKeys.businessLine]: Buffer.from('spot') },
    };
    await expect(new EncryptionCodec(ringOf(keyA)).decode([moved])).rejects.toThrow(/altered/);
  });
});

describe('payload keys from configuration', () => {
  it('production without a key refuses to start, saying what to set', () => {
    const env = parseEnv({ NODE_ENV: 'production' });
    expect(() => loadPayloadKeys(env)).toThrow(/DUALKEY_ENCRYPTION_KEY_FILE or DUALKEY_ENCRYPTION_KEYS/);
  });

  it('production with encryption switched off starts, and says so', () => {
    const keys = loadPayloadKeys(parseEnv({ NODE_ENV: 'production', DUALKEY_ENCRYPTION: 'off' }));
    expect(keys.keyring).toBeUndefined();
    expect(keys.warning).toMatch(/clear text/);
  });

  it('development makes a key once in the data dir and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dualkey-keys-'));
    const first = loadPayloadKeys(parseEnv({ DUALKEY_DATA_DIR: dir }));
    expect(first.summary).toMatch(/generated now/);
    const again = loadPayloadKeys(parseEnv({ DUALKEY_DATA_DIR: dir }));
    expect(again.keyring?.encryptionKey()).toEqual(first.keyring?.encryptionKey());
    const file = KeyFileSchema.parse(JSON.parse(readFileSync(join(dir, 'encryption-keys.json'), 'utf8')));
    expect(Object.keys(file.keys)).toEqual([file.encryptWith]);
  });

  it('development makes the data dir when nothing made it yet', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dualkey-keys-')), 'not-yet', '.dualkey');
    const keys = loadPayloadKeys(parseEnv({ DUALKEY_DATA_DIR: dir }));
    expect(keys.summary).toMatch(/generated now/);
    expect(readFileSync(join(dir, 'encryption-keys.json'), 'utf8')).toContain(
      keys.keyring?.encryptionKey().id,
    );
  });

  it('inline keys join the key file, and the key id chooses which encrypts', () => {
    const inline = Object.entries({ ...keyA.keys, ...keyB.keys })
      .map(([id, key]) => `${id}:${key}`)
      .join(',');
    const keys = loadPayloadKeys(
      parseEnv({
        NODE_ENV: 'production',
        DUALKEY_ENCRYPTION_KEYS: inline,
        DUALKEY_ENCRYPTION_KEY_ID: 'key-b',
      }),
    );
    expect(keys.keyring?.encryptionKey().id).toBe('key-b');
    expect(keys.keyring?.decryptionKey('key-a')).toBeDefined();
    expect(() =>
      loadPayloadKeys(
        parseEnv({
          NODE_ENV: 'production',
          DUALKEY_ENCRYPTION_KEYS: inline,
          DUALKEY_ENCRYPTION_KEY_ID: 'key-c',
        }),
      ),
    ).toThrow(/no key key-c/);
  });

  it('a key of the wrong length is refused', () => {
    expect(() =>
      loadPayloadKeys(parseEnv({ NODE_ENV: 'production', DUALKEY_ENCRYPTION_KEYS: 'short:c2hvcnQ=' })),
    ).toThrow(/32 bytes/);
  });
});

describe('the case a run is about', () => {
  it('is the case of its own run and of its lifts’ compensation runs, whatever dashes the case id holds', () => {
    const lift = nextId('lift', [{ id: 'lift-1' }]);
    for (const id of ['UNF-20261124-K7M2QX', 'REV-UNF-20261124-K7M2QX-lift-1']) {
      expect(caseIdOfWorkflow(workflowIdFor(id))).toBe(id);
      expect(caseIdOfWorkflow(compensationWorkflowIdOf({ id }, lift))).toBe(id);
    }
  });

  it('is no case for another run', () => {
    expect(caseIdOfWorkflow('bare-4c1d')).toBeUndefined();
    expect(caseIdOfWorkflow('revert-UNF-20261124-K7M2QX')).toBeUndefined();
  });
});
