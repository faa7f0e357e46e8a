import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseActions } from '../../src/domain/caseActions.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseAwaitingApproval,
  caseInput,
  liftEvents,
  makeCast,
  makeUser,
  newAccountId,
  refusalCode,
  untilStatus,
} from '../support/world.js';

let services: Services;
let cast: Cast;

beforeAll(async () => {
  services = await startServices();
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

describe('approval quorum by risk tier', () => {
  it('a medium-tier lift needs one checker', async () => {
    const lock = await applyControl(services, newAccountId(), 'trading_lock');
    const { caseId, proposalId, created } = await caseAwaitingApproval(services, cast.agent, [lock]);
    expect(created.riskTier).toBe('medium');
    const approved = await services.cases.act(cast.checker, caseId, 'approve', { proposalId });
    expect(approved.status).toBe('executing');
    await untilStatus(services, caseId, 'monitoring');
    expect(await liftEvents(services, lock.id)).toBe(1);
  });

  it('a high-tier lift needs two distinct checkers, one of them senior', async () => {
    const freeze = await applyControl(services, newAccountId(), 'account_freeze');
    const { caseId, proposalId, created } = await caseAwaitingApproval(services, cast.agent, [freeze]);
    expect(created.riskTier).toBe('high');

    const first = await services.cases.act(cast.checker, caseId, 'approve', { proposalId });
    expect(first.status).toBe('awaiting_approval');
    expect(await refusalCode(services.cases.act(cast.checker2, caseId, 'approve', { proposalId }))).toBe(
      'forbidden',
    );

    const second = await services.cases.act(cast.senior, caseId, 'approve', { proposalId });
    expect(second.status).toBe('executing');
    expect(second.proposals[0]?.approvals.map((a) => [a.by, a.countsAs])).toEqual([
      [cast.checker.id, null],
      [cast.senior.id, 'senior'],
    ]);
    await untilStatus(services, caseId, 'monitoring');
    expect(await liftEvents(services, freeze.id)).toBe(1);
  });

  it('a critical-tier lift needs two checkers, one of them compliance', async () => {
    const lock = await applyControl(services, newAccountId(), 'withdrawal_lock', {
      reason: 'sanctions screening hit',
    });
    const { caseId, proposalId, created } = await caseAwaitingApproval(services, cast.agent, [lock]);
    expect(created.riskTier).toBe('critical');

    await services.cases.act(cast.senior, caseId, 'approve', { proposalId });
    expect(await refusalCode(services.cases.act(cast.checker, caseId, 'approve', { proposalId }))).toBe(
      'forbidden',
    );
    const done = await services.cases.act(cast.compliance, caseId, 'approve', { proposalId });
    expect(done.status).toBe('executing');
    await untilStatus(services, caseId, 'monitoring');
  });
});

describe('separation of duties', () => {
  it('a maker cannot approve their own proposal', async () => {
    const maker = await makeUser(services, ['agent', 'checker']);
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, maker, [lock]);
    expect(await refusalCode(services.cases.act(maker, caseId, 'approve', { proposalId }))).toBe(
      'separation_of_duties',
    );
  });

  it('the creator of a case cannot approve its proposals', async () => {
    const creator = await makeUser(services, ['agent', 'checker']);
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const created = await services.cases.create(
      creator,
      caseInput(lock.accountId, { controlIds: [lock.id] }),
    );
    await services.cases.act(cast.agent, created.id, 'claim', {});
    const proposed = await services.cases.act(cast.agent, created.id, 'propose', {
      controlIds: [lock.id],
      reasonCode: 'verified_owner',
      justification: 'Checked by phone.',
    });
    const proposalId = proposed.proposals[0]!.id;
    expect(await refusalCode(services.cases.act(creator, created.id, 'approve', { proposalId }))).toBe(
      'separation_of_duties',
    );
  });

  it('the same checker cannot approve twice', async () => {
    const freeze = await applyControl(services, newAccountId(), 'account_freeze');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [freeze]);
    await services.cases.act(cast.senior, caseId, 'approve', { proposalId });
    expect(await refusalCode(services.cases.act(cast.senior, caseId, 'approve', { proposalId }))).toBe(
      'separation_of_duties',
    );
  });

  it('a checker outside the business line cannot approve', async () => {
    const spotOnly = await makeUser(services, ['checker'], { businessLines: ['spot'] });
    const lock = await applyControl(services, newAccountId(), 'login_lock', { businessLine: 'derivatives' });
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock], {
      businessLine: 'derivatives',
    });
    expect(await refusalCode(services.cases.act(spotOnly, caseId, 'approve', { proposalId }))).toBe(
      'out_of_scope',
    );
  });

  it('the workflow refuses what the API check would have missed', async () => {
    const maker = await makeUser(services, ['agent', 'checker']);
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId, created } = await caseAwaitingApproval(services, maker, [lock]);
    // Straight to Temporal, skipping the API's own check: the update validator still says no.
    const handle = services.client.workflow.getHandle(created.workflowId);
    await expect(
      handle.executeUpdate(caseActions.approve.update, { args: [{ actor: maker, payload: { proposalId } }] }),
    ).rejects.toMatchObject({ cause: { type: 'separation_of_duties' } });
    expect((await services.cases.read(caseId)).proposals[0]?.approvals).toEqual([]);
  });
});

describe('intake', () => {
  it('a second open case naming the same control is refused', async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    await services.cases.create(cast.agent, caseInput(lock.accountId, { controlIds: [lock.id] }));
    expect(
      await refusalCode(
        services.cases.create(cast.agent2, caseInput(lock.accountId, { controlIds: [lock.id] })),
      ),
    ).toBe('control_conflict');
  });

  it('a control is free for a new case once the case that named it is closed', async () => {
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const first = await services.cases.create(
      cast.agent,
      caseInput(lock.accountId, { controlIds: [lock.id] }),
    );
    await services.cases.act(cast.agent, first.id, 'claim', {});
    await services.cases.act(cast.agent, first.id, 'resolve', {
      outcome: 'withdrawn',
      summary: 'User withdrew.',
    });
    await untilStatus(services, first.id, 'closed');
    const { findCase } = await import('../../src/db/projections.js');
    await expect
      .poll(async () => (await findCase(services.database.db, first.id))?.status, { timeout: 10_000 })
      .toBe('closed');
    const second = await services.cases.create(
      cast.agent,
      caseInput(lock.accountId, { controlIds: [lock.id] }),
    );
    expect(second.status).toBe('open');
  });
});
