import type { Agent } from './assignment.js';
import { isAway } from './assignment.js';
import type { Proposal } from './case.js';
import { drawOne } from './draw.js';
import { DomainError } from './errors.js';
import type { Actor } from './permissions.js';
import { hasPermission, inScope } from './permissions.js';
import type { Policy } from './policy.js';
import type { BusinessLine, CheckerRouting, RiskTier } from './vocabulary.js';

/*
 * Checker routing: where a tier routes `random_first`, a new proposal is offered to one eligible checker
 * drawn at random, and only they may decide it until the offer expires or they pass it on. The draw is
 * `drawOne` over the eligible set with an audited seed, so anyone can repeat it.
 */

export function checkerRoutingOf(policy: Policy, tier: RiskTier): CheckerRouting {
  return policy.checkerRouting.tiers[tier];
}

/**
 * Who may be drawn: enabled, approving in the case's business line, not away, and neither the maker nor
 * the case's creator (who could never approve it anyway). In id order, so the set reads the same however
 * it was fetched.
 */
export function eligibleCheckers(
  agents: readonly Agent[],
  options: { businessLine: BusinessLine; exclude: readonly string[]; now: string },
): string[] {
  return agents
    .filter(
      (a) =>
        a.enabled &&
        hasPermission(a, 'removal.approve') &&
        inScope(a, options.businessLine) &&
        !isAway(a, options.now) &&
        !options.exclude.includes(a.id),
    )
    .map((a) => a.id)
    .sort();
}

/** What the workflow reads before a proposal is made where its tier routes random_first. */
export interface Routing {
  candidates: readonly string[];
  seed: string;
}

/** The offer a new proposal carries: the drawn checker, or null when nobody is eligible (open to all). */
export function offerFor(
  routing: Routing,
  policy: Policy,
  until: string,
): NonNullable<Proposal['offer']> | null {
  const checker = drawOne(routing.seed, routing.candidates);
  if (checker === undefined) return null;
  return {
    checker,
    until,
    status: 'offered',
    seed: routing.seed,
    candidates: [...routing.candidates].sort(),
    policyVersion: policy.checkerRouting.version,
  };
}

/** The offer that binds now: made, not yet taken up, passed on or expired. */
export function bindingOffer(proposal: Pick<Proposal, 'offer'>, now: string): Proposal['offer'] {
  const { offer } = proposal;
  if (!offer || offer.status !== 'offered') return null;
  return Date.parse(now) < Date.parse(offer.until) ? offer : null;
}

/** While a proposal is offered to someone, nobody else decides it. */
export function requireOfferTaker(proposal: Proposal, actor: Actor, now: string): void {
  const offer = bindingOffer(proposal, now);
  if (offer && offer.checker !== actor.id) {
    throw new DomainError(
      'forbidden',
      `proposal ${proposal.id} is offered to ${offer.checker} until ${offer.until}; only they may decide it until then, unless they pass it on`,
    );
  }
}

/** The offer after its checker decided: fulfilled, so the rest of the quorum is open to all. */
export function offerAfterDecision(proposal: Proposal, actor: Actor, now: string): Proposal['offer'] {
  const offer = bindingOffer(proposal, now);
  return offer && offer.checker === actor.id ? { ...offer, status: 'decided' } : proposal.offer;
}
