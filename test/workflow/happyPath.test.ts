import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../../src/db/audit.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseInput,
  eventually,
  makeCast,
  newAccountId,
  untilStatus,
} from '../support/world.js';

let services: Services;
let cast: Cast;

beforeAll(async () => {
  services = await startServices();
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

describe('an unfreeze case, low tier', () => {
  it('is claimed, proposed, approved by one checker, lifted, watched and closed as lifted', async () => {
    const accountId = newAccountId();
    const lock = await applyControl(services, accountId, 'login_lock');
    const created = await services.cases.create(cast.agent, caseInput(accountId, { controlIds: [lock.id] }));
    expect(created.riskTier).toBe('low');

    const claimed = await services.cases.act(cast.agent, created.id, 'claim', {});
    expect(claimed).toMatchObject({ status: 'in_review', assignee: cast.agent.id });

    const proposed = await services.cases.act(cast.agent, created.id, 'propose', {
      controlIds: [lock.id],
      reasonCode: 'verified_owner',
      justification: 'Identity verified on a video call.',
    });
    expect(proposed.status).toBe('awaiting_approval');
    const proposal = proposed.proposals[0]!;
    expect(proposal.requiredApprovals).toBe(1);

    const approved = await services.cases.act(
      cast.agent === cast.checker ? cast.checker2 : cast.checker,
      created.id,
      'approve',
      {
        proposalId: proposal.id,
      },
    );
    expect(approved.status).toBe('executing');

    const monitoring = await untilStatus(services, created.id, 'monitoring');
    expect(monitoring.lifts[0]?.snapshot).toEqual([lock]);
    const [after] = await services.registry.get([lock.id]);
    expect(after).toMatchObject({ status: 'lifted', version: lock.version + 1 });

    const closed = await untilStatus(services, created.id, 'closed');
    expect(closed.outcome).toBe('lifted');

    // The workflow reports itself closed a moment before its last records are written.
    const { verdict, events } = await eventually(
      () => verifyStream(services.database.db, created.id),
      (r) => r.events.at(-1)?.action === 'case.closed',
    );
    expect(verdict.ok).toBe(true);
    expect(events.map((e) => e.action)).toEqual([
      'case.opened',
      'case.claimed',
      'proposal.created',
      'proposal.approval_recorded',
      'controls.lifted',
      'case.closed',
    ]);
  });
});
