import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/db/audit.js';
import { actionNames, caseActions } from '../../src/domain/caseActions.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseAwaitingApproval,
  caseInput,
  eventually,
  liftEvents,
  makeCast,
  newAccountId,
  refusalCode,
  untilStatus,
} from '../support/world.js';

let services: Services;
let cast: Cast;

beforeAll(async () => {
  services = await startServices({ policy: { approval: { expiry: '3s' } } });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

describe('a proposal that is not approved', () => {
  it('expires back to review when nobody decides in time', async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock]);
    const back = await untilStatus(services, caseId, 'in_review', 15_000);
    expect(back.proposals[0]).toMatchObject({ id: proposalId, status: 'expired' });
    expect(await refusalCode(services.cases.act(cast.checker, caseId, 'approve', { proposalId }))).toBe(
      'already_decided',
    );
    expect(await liftEvents(services, lock.id)).toBe(0);
  });

  it('is rejected with its reason kept on record, and the case returns to review', async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock]);
    const rejected = await services.cases.act(cast.checker, caseId, 'reject', {
      proposalId,
      comment: 'The selfie does not match the KYC photo.',
    });
    expect(rejected.status).toBe('in_review');
    expect(rejected.proposals[0]).toMatchObject({
      status: 'rejected',
      rejection: { by: cast.checker.id, comment: 'The selfie does not match the KYC photo.' },
    });

    const again = await services.cases.act(cast.agent, caseId, 'propose', {
      controlIds: [lock.id],
      reasonCode: 'verified_owner',
      justification: 'Second video call with a clear match.',
    });
    expect(again.proposals.map((p) => p.status)).toEqual(['rejected', 'pending']);
  });

  it('is withdrawn by its maker alone, and nothing is lifted', async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock]);
    expect(await refusalCode(services.cases.act(cast.agent2, caseId, 'withdraw', { proposalId }))).toBe(
      'forbidden',
    );
    const withdrawn = await services.cases.act(cast.agent, caseId, 'withdraw', {
      proposalId,
      comment: 'Named the wrong lock.',
    });
    expect(withdrawn.status).toBe('in_review');
    expect(withdrawn.proposals[0]?.status).toBe('withdrawn');
    expect(await refusalCode(services.cases.act(cast.checker, caseId, 'approve', { proposalId }))).toBe(
      'already_decided',
    );
    const events = await eventually(
      () => readStream(services.database.db, caseId),
      (rows) => rows.some((row) => row.action === 'proposal.withdrawn' && row.outcome === 'accepted'),
    );
    // The refusal and the withdrawal speak the same word, so the case's trail reads as one story.
    expect(events.filter((row) => row.action === 'proposal.withdrawn')).toMatchObject([
      { actor: cast.agent2.id, outcome: 'denied', details: { code: 'forbidden' } },
      {
        actor: cast.agent.id,
        outcome: 'accepted',
        details: { proposalId, comment: 'Named the wrong lock.' },
      },
    ]);
    expect(await liftEvents(services, lock.id)).toBe(0);
  });

  it('is void when a control changed after it was made, and the case returns to review', async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock]);
    // Someone else changes the control under the proposal (here: another system lifts it).
    await services.registry.lift({
      idempotencyKey: randomUUID(),
      controls: [{ id: lock.id, version: lock.version }],
      actor: 'account-service',
      caseId: 'elsewhere',
    });
    expect(await refusalCode(services.cases.act(cast.checker, caseId, 'approve', { proposalId }))).toBe(
      'controls_changed',
    );
    const after = await services.cases.read(caseId);
    expect(after.status).toBe('in_review');
    expect(after.proposals[0]?.status).toBe('voided');
    expect(await liftEvents(services, lock.id)).toBe(1);
  });

  it('is void when any one of the controls it names was changed, and nothing is lifted', async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const other = await applyControl(services, lock.accountId, 'trading_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock, other]);
    await services.registry.reapply({
      idempotencyKey: randomUUID(),
      snapshots: [{ ...other, reason: 'edited by the account service' }],
      actor: 'account-service',
      caseId: 'elsewhere',
    });
    expect(await refusalCode(services.cases.act(cast.checker, caseId, 'approve', { proposalId }))).toBe(
      'controls_changed',
    );
    const after = await eventually(
      () => services.cases.read(caseId),
      (c) => c.status === 'in_review',
    );
    expect(after.lifts).toEqual([]);
    expect(await liftEvents(services, lock.id)).toBe(0);
  });
});

describe('the case workflow', () => {
  it('handles every declared action: a malformed actor or payload is refused by its validator, never unknown', async () => {
    const created = await services.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
    const handle = services.client.workflow.getHandle(created.workflowId);
    const malformed = [
      { actor: { id: cast.agent.id, roles: ['owner'] }, payload: {} },
      { actor: cast.agent, payload: 'unexpected' },
    ];
    for (const name of actionNames) {
      for (const acting of malformed) {
        const sent = handle.executeUpdate(caseActions[name].update.name, { args: [acting] });
        await expect(sent, name).rejects.toMatchObject({ cause: { type: 'validation_failed' } });
      }
    }
    expect((await services.cases.read(created.id)).revision).toBe(created.revision);
  });
});
