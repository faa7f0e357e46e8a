import type { DataConverter } from '@temporalio/common';
import type { BusinessLineLookup } from './codec.js';
import { EncryptionCodec } from './codec.js';
import type { KeyProvider } from './keys.js';

/** The codec every client and worker of dualkey uses, or none when encryption is off. */
export function payloadCodecFor(
  keys: KeyProvider | undefined,
  lookup?: BusinessLineLookup,
): EncryptionCodec | undefined {
  return keys ? new EncryptionCodec(keys, lookup) : undefined;
}

export function dataConverterOf(codec: EncryptionCodec | undefined): DataConverter {
  return codec ? { payloadCodecs: [codec] } : {};
}
