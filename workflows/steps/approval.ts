import { condition } from '@temporalio/workflow';
import type { Proposal } from '../../src/domain/case.js';
import type { ControlRef } from '../../src/domain/controls.js';
import { withOwner } from '../../src/domain/controls.js';
import { DomainError } from '../../src/domain/errors.js';
import { toFailure } from '../../src/domain/failures.js';
import type { NotificationKind } from '../../src/domain/notifications.js';
import {
  approve,
  expireProposal,
  findProposal,
  propose,
  reject,
  voidProposal,
} from '../../src/domain/lifecycle/approval.js';
import { handleCustom } from '../handlers.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';

export function controlRefs(proposal: Proposal): ControlRef[] {
  return proposal.controlIds.map((id) => ({ id, version: proposal.controlVersions[id] ?? 0 }));
}

/** Maker-checker: a proposal to lift, approvals by the tier's quorum, rejection and expiry. */
export function registerApproval(rt: CaseRuntime): void {
  handleCustom(rt, 'propose', async (actor, payload) => {
    // The versions the maker saw are what checkers approve; any later change voids the approval.
    // Controls read before they had an owner (in recorded histories) count as manual_review.
    const controls = (await rt.activities.readControls(payload.controlIds)).map(withOwner);
    const next = rt.act(propose, { ...payload, controls }, actor);
    const proposal = next.proposals.at(-1);
    if (proposal) {
      rt.spawnTimer(() => proposalExpiry(rt, proposal.id));
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
  const decided = await condition(() => !pending(), msUntil(proposal.expiresAt), {
    summary: 'proposalExpiry',
  });
  if (decided || !pending()) return;
  rt.apply(expireProposal, { proposalId });
  await notifyMaker(rt, proposal, 'proposal.expired');
}
