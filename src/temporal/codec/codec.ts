import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyProvider } from './keys.js';

const ProtoPayload = proto.temporal.api.common.v1.Payload;

/** The metadata an encrypted payload carries in clear: what the codec endpoint scopes and audits by. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const metadataKeys = {
  encoding: 'encoding',
  keyId: 'encryption-key-id',
  businessLine: 'dualkey-business-line',
  workflowId: 'dualkey-workflow-id',
} as const;

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Runs whose business line the codec remembers; a run it forgot is looked up (or read off its input) again. */
const REMEMBERED_RUNS = 50_000;

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** Who an encrypted payload belongs to, read from its clear metadata. */
export interface PayloadOwner {
  keyId: string;
  businessLine: string | undefined;
  workflowId: string | undefined;
}

/** Looks up the business line of a run's case, for a run whose input this process has not seen. */
export type BusinessLineLookup = (workflowId: string) => Promise<string | undefined>;

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? text.decode(value) : undefined;
}

export function isEncrypted(payload: Payload): boolean {
  return metadataText(payload, metadataKeys.encoding) === ENCRYPTED_ENCODING;
}

export function ownerOf(payload: Payload): PayloadOwner | undefined {
  const keyId = metadataText(payload, metadataKeys.keyId);
  if (!isEncrypted(payload) || !keyId) return undefined;
  return {
    keyId,
    businessLine: metadataText(payload, metadataKeys.businessLine),
    workflowId: metadataText(payload, metadataKeys.workflowId),
  };
}

/**
 * The clear metadata is bound into the tag, so a payload moved to another business line or run (to pass
 * the endpoint's scope check) no longer decrypts.
 */
function associatedData(owner: PayloadOwner): Buffer {
  return Buffer.from(
    JSON.stringify([owner.keyId, owner.businessLine ?? null, owner.workflowId ?? null]),
    'utf8',
  );
}

/**
 * A dualkey run starts with the case it is about (`{ case: { businessLine, … }, … }`: a case's own run, a
 * late revert's compensation run, a follow-up case started by it); every later payload of the run belongs
 * to that case's business line.
 */
function businessLineInInput(payloads: Payload[]): string | undefined {
  for (const payload of payloads) {
    if (metadataText(payload, metadataKeys.encoding) !== 'json/plain' || !payload.data) continue;
    try {
      const value: unknown = JSON.parse(text.decode(payload.data));
      if (typeof value !== 'object' || value === null || !('case' in value)) continue;
      const c: unknown = value.case;
      if (typeof c === 'object' && c !== null && 'businessLine' in c && typeof c.businessLine === 'string') {
        return c.businessLine;
      }
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * AES-256-GCM over each whole payload (its metadata included, so the encoding survives), a random nonce per
 * payload, the key's id in the clear metadata so keys rotate: new payloads use the current key, old ones
 * decrypt with whichever key they name. Payloads written before the codec pass through unchanged.
 *
 * Each payload also names, in clear, the run it belongs to and its case's business line, which the codec
 * endpoint scopes decoding by. The line comes from the run's id (Temporal passes it as the serialization
 * context): remembered from the run's input or from an encrypted payload of the run decoded here, else
 * looked up in the projection.
 */
export class EncryptionCodec implements PayloadCodec {
  readonly #keys: KeyProvider;
  readonly #lookup: BusinessLineLookup | undefined;
  readonly #lines = new Map<string, string>();

  constructor(keys: KeyProvider, lookup?: BusinessLineLookup) {
    this.#keys = keys;
    this.#lookup = lookup;
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const workflowId = context?.workflowId;
    const businessLine = workflowId ? await this.#businessLineOf(workflowId, payloads) : undefined;
    const { id, key } = this.#keys.encryptionKey();
    const owner: PayloadOwner = { keyId: id, businessLine, workflowId };
    const aad = associatedData(owner);
    return payloads.map((payload) => {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(aad);
      const sealed = cipher.update(ProtoPayload.encode(payload).finish());
      const data = Buffer.concat([nonce, sealed, cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [metadataKeys.encoding]: utf8.encode(ENCRYPTED_ENCODING),
          [metadataKeys.keyId]: utf8.encode(id),
          ...(businessLine ? { [metadataKeys.businessLine]: utf8.encode(businessLine) } : {}),
          ...(workflowId ? { [metadataKeys.workflowId]: utf8.encode(workflowId) } : {}),
        },
        data,
      };
    });
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        const owner = ownerOf(payload);
        if (!owner) return payload;
        const clear = this.open(payload, owner);
        if (!clear) {
          throw new Error(
            `cannot decrypt a payload of ${owner.workflowId ?? 'an unnamed run'}: key ${owner.keyId} is not configured or the payload was altered`,
          );
        }
        return clear;
      }),
    );
  }

  /** The clear payload, or undefined when its key is not held or it does not authenticate. */
  open(payload: Payload, owner: PayloadOwner): Payload | undefined {
    const key = this.#keys.decryptionKey(owner.keyId);
    const data = payload.data;
    if (!key || !data || data.length < NONCE_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
      decipher.setAAD(associatedData(owner));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const clear = Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      if (owner.workflowId && owner.businessLine) this.#remember(owner.workflowId, owner.businessLine);
      return ProtoPayload.decode(clear);
    } catch {
      return undefined;
    }
  }

  async #businessLineOf(workflowId: string, payloads: Payload[]): Promise<string | undefined> {
    const known = this.#lines.get(workflowId) ?? businessLineInInput(payloads);
    const line = known ?? (await this.#lookup?.(workflowId));
    if (line) this.#remember(workflowId, line);
    return line;
  }

  #remember(workflowId: string, line: string): void {
    if (this.#lines.has(workflowId)) return;
    if (this.#lines.size >= REMEMBERED_RUNS) {
      const oldest = this.#lines.keys().next().value;
      if (oldest !== undefined) this.#lines.delete(oldest);
    }
    this.#lines.set(workflowId, line);
  }
}
