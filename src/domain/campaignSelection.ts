import { createHash } from 'node:crypto';
import { canarySize, sampleSeed, sampleSize } from './campaigns.js';
import { drawSample } from './draw.js';
import type { Policy } from './policy.js';

/**
 * The fingerprint of a campaign's included set: sha256 over the account ids, sorted and joined by
 * newlines. Approvals and the sample hold for this set only; a different set has a different digest.
 * Computed by the API and activities, never in workflow code (which loads no `node:crypto`).
 */
export function includedDigest(accountIds: readonly string[]): string {
  const sorted = [...new Set(accountIds)].sort();
  return createHash('sha256').update(sorted.join('\n')).digest('hex');
}

export interface SelectionPlan {
  digest: string;
  included: number;
  /** `drawSample(seed, included, size)`: the audit log holds the seed, so anyone can draw it again. */
  seed: string;
  sample: string[];
  /** Drawn with `<seed>:canary`, so the first batch is a random one, not the alphabet's first. */
  canary: string[];
}

/** What follows from an included set: its digest, the sample checkers verify, and the canary. */
export function planSelection(
  campaignId: string,
  included: readonly string[],
  policy: Policy,
): SelectionPlan {
  const digest = includedDigest(included);
  const seed = sampleSeed(campaignId, digest);
  return {
    digest,
    included: included.length,
    seed,
    sample: drawSample(seed, included, sampleSize(included.length, policy)),
    canary: drawSample(`${seed}:canary`, included, canarySize(included.length, policy)),
  };
}
