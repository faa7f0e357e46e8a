import { createHash } from 'node:crypto';
import { canarySize, sampleSeed, sampleSize } from './campaigns.js';
import { drawSample } from './draw.js';
import type { Policy } from './policy.js';
import type { CampaignAmendment } from './schemas/campaigns.js';
import type { ExclusionReason } from './vocabulary.js';

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

/**
 * What follows from an included set: its digest, the sample checkers verify, and the canary; after the
 * maker's `amendments`-th amendment, drawn with that amendment's seed.
 */
export function planSelection(
  campaignId: string,
  included: readonly string[],
  policy: Policy,
  amendments = 0,
): SelectionPlan {
  const digest = includedDigest(included);
  const seed = sampleSeed(campaignId, digest, amendments);
  return {
    digest,
    included: included.length,
    seed,
    sample: drawSample(seed, included, sampleSize(included.length, policy)),
    canary: drawSample(`${seed}:canary`, included, canarySize(included.length, policy)),
  };
}

/**
 * The dry run with the maker's amendments on top: an account any amendment took out by name is excluded
 * as `excluded_by_maker`, unless a single-case rule already excludes it (that reason says more).
 */
export function withMakerExclusions<A extends { accountId: string; exclusion: ExclusionReason | null }>(
  accounts: readonly A[],
  amendments: readonly Pick<CampaignAmendment, 'exclude'>[],
): A[] {
  const out = new Set(amendments.flatMap((a) => a.exclude.map((e) => e.accountId)));
  return accounts.map((a) =>
    a.exclusion === null && out.has(a.accountId) ? { ...a, exclusion: 'excluded_by_maker' } : a,
  );
}
