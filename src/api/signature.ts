import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.js';

/** Signed webhooks older (or further in the future) than this are refused as replays. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

export function signBody(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/**
 * `X-Dualkey-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp is
 * inside the MAC, so an old signature cannot be re-dated.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  now = Date.now(),
): void {
  if (!header) throw new DomainError('unauthenticated', 'X-Dualkey-Signature is required for risk signals');
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  const given = parts.v1 ?? '';
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/.test(given)) {
    throw new DomainError('unauthenticated', 'X-Dualkey-Signature must look like t=<seconds>,v1=<hex>');
  }
  if (Math.abs(now - timestamp * 1_000) > SIGNATURE_TOLERANCE_MS) {
    throw new DomainError(
      'unauthenticated',
      'the signature timestamp is more than five minutes off; replays are refused',
    );
  }
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) {
    throw new DomainError('unauthenticated', 'the signature does not match the body');
  }
}
