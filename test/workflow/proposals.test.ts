import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseAwaitingApproval,
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
