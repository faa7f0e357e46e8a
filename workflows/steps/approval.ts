import { condition, patched, uuid4 } from '@temporalio/workflow';
import type { Proposal } from '../../src/domain/case.js';
import type { ControlRef } from '../../src/domain/controls.js';
import { withOwner } from '../../src/domain/controls.js';
import { DomainError } from '../../src/domain/errors.js';
import { toFailure } from '../../src/domain/failures.js';
import type { NotificationKind } from '../../src/domain/notifications.js';
import type { Actor } from '../../src/domain/permissions.js';
import type { Routing } from '../../src/domain/routing.js';
import { checkerRoutingOf } from '../../src/domain/routing.js';
import {
  approve,
  expireOffer,
  expireProposal,
  findProposal,
  propose,
  reject,
  remindProposal,
  voidProposal,
} from '../../src/domain/lifecycle/approval.js';
import { proposalReminderAt } from '../../src/domain/policy.js';
import { handleCustom } from '../handlers.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';

/**
 * Added after cases were running: a proposal still undecided at the policy's `approval.reminder` reminds
 * its checkers once before it expires. Proposals made before it replay without the reminder's timer.
 */
export const PROPOSAL_REMINDER_PATCH = 'proposal-reminds-its-checkers';

export function controlRefs(proposal: Proposal): ControlRef[] {
  return proposal.controlIds.map((id) => ({ id, version: proposal.controlVersions[id] ?? 0 }));
}

/** Maker-checker: a proposal to lift, approvals by the tier's quorum, rejection and expiry. */
export function registerApproval(rt: CaseRuntime): void {
  handleCustom(rt, 'propose', async (actor, payload) => {
    // The versions the maker saw are what checkers approve; any later change voids the approval.
    // Controls read before they had an owner (in recorded histories) count as manual_review.
    const controls = (await rt.activities.readControls(payload.controlIds)).map(withOwner);
    const routing = await routingFor(rt, actor);
    const next = rt.act(propose, { ...payload, controls, ...(routing ? { routing } : {}) }, actor);
    const proposal = next.proposals.at(-1);
    if (proposal) {
      rt.spawnTimer(() => proposalExpiry(rt, proposal.id));
      if (proposal.offer) rt.spawnTimer(() => offerExpiry(rt, proposal.id));
      await rt.activities.notify({
        key: `${rt.workflowId}:${proposal.id}:pending`,
        recipient: `role:${proposal.requiredRole ?? 'checker'}`,
        kind: 'proposal.pending',
        caseId: next.id,
        payload: {
          proposalId: proposal.id,
          riskTier: next.riskTier,
          requiredApprovals: proposal.requiredApprovals,
        },
      });
    }
    return rt.case;
  });

  handleCustom(rt, 'approve', async (actor, payload) => {
    const proposal = findProposal(rt.case, payload.proposalId);
    const changes = await rt.activities.checkControlsUnchanged(controlRefs(proposal));
    if (changes.length > 0) {
      if (findProposal(rt.case, proposal.id).status === 'pending') {
        rt.apply(voidProposal, { proposalId: proposal.id, changes });
        await notifyMaker(rt, proposal, 'proposal.voided');
      }
      throw toFailure(
        new DomainError(
          'controls_changed',
          `the controls changed since proposal ${proposal.id} was made; it is void and the case is back in review`,
        ),
      );
    }
    return rt.act(approve, payload, actor);
  });

  handleCustom(rt, 'reject', async (actor, payload) => {
    const next = rt.act(reject, payload, actor);
    await notifyMaker(rt, findProposal(next, payload.proposalId), 'proposal.rejected');
    return next;
  });
}

/**
 * Added after cases were running: where the case's tier routes random_first, a new proposal is offered to
 * one eligible checker drawn at random. The eligible set is read by an activity just before the proposal
 * is made; the seed is the run's own random uuid, so a maker cannot tell beforehand whom a proposal will
 * reach, and it is audited with the set, so anyone can repeat the draw. Cases proposing before it make
 * no such read.
 */
export const CHECKER_ROUTING_PATCH = 'checker-routing-random-first';

async function routingFor(rt: CaseRuntime, maker: Actor): Promise<Routing | undefined> {
  if (checkerRoutingOf(rt.policy, rt.case.riskTier) !== 'random_first') return undefined;
  if (!patched(CHECKER_ROUTING_PATCH)) return undefined;
  const candidates = await rt.activities.eligibleCheckers({
    businessLine: rt.case.businessLine,
    exclude: [maker.id, rt.case.createdBy],
  });
  return { candidates, seed: uuid4() };
}

/** The offer binds until its time; then, if still open, the proposal opens to every eligible checker. */
async function offerExpiry(rt: CaseRuntime, proposalId: string): Promise<void> {
  const offer = findProposal(rt.case, proposalId).offer;
  if (!offer) return;
  const open = () => {
    const p = findProposal(rt.case, proposalId);
    return p.status === 'pending' && p.offer?.status === 'offered';
  };
  const settled = await condition(() => !open(), msUntil(offer.until), { summary: 'offerExpiry' });
  if (settled || !open()) return;
  rt.apply(expireOffer, { proposalId });
}

export async function notifyMaker(
  rt: CaseRuntime,
  proposal: Proposal,
  kind: NotificationKind,
): Promise<void> {
  await rt.activities.notify({
    key: `${rt.workflowId}:${proposal.id}:${kind}`,
    recipient: `user:${proposal.maker}`,
    kind,
    caseId: rt.case.id,
    payload: { proposalId: proposal.id },
  });
}

async function proposalExpiry(rt: CaseRuntime, proposalId: string): Promise<void> {
  const proposal = findProposal(rt.case, proposalId);
  const pending = () => findProposal(rt.case, proposalId).status === 'pending';
  const reminderAt = proposalReminderAt(rt.policy, proposal);
  if (reminderAt !== undefined && patched(PROPOSAL_REMINDER_PATCH)) {
    if (await condition(() => !pending(), msUntil(reminderAt), { summary: 'proposalReminder' })) return;
    rt.apply(remindProposal, { proposalId });
    // While an offer binds, only its checker may decide: the reminder is theirs alone.
    const offer = findProposal(rt.case, proposalId).offer;
    await rt.activities.notify({
      key: `${rt.workflowId}:${proposal.id}:reminder`,
      recipient:
        offer?.status === 'offered' ? `user:${offer.checker}` : `role:${proposal.requiredRole ?? 'checker'}`,
      kind: 'proposal.reminder',
      caseId: rt.case.id,
      payload: {
        proposalId: proposal.id,
        riskTier: rt.case.riskTier,
        requiredApprovals: proposal.requiredApprovals,
        proposedAt: proposal.createdAt,
        expiresAt: proposal.expiresAt,
      },
    });
  }
  const decided = await condition(() => !pending(), msUntil(proposal.expiresAt), {
    summary: 'proposalExpiry',
  });
  if (decided || !pending()) return;
  rt.apply(expireProposal, { proposalId });
  await notifyMaker(rt, proposal, 'proposal.expired');
}
