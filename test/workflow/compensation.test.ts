import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountControls } from '../../src/domain/controls.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseAwaitingApproval,
  eventually,
  makeCast,
  newAccountId,
  passReverification,
  untilStatus,
} from '../support/world.js';

/** Fails the first `failures` re-applies like a flapping network would, then lets them through. */
function flakyReapply(
  registry: AccountControls,
  failures: number,
  calls: { count: number },
): AccountControls {
  return {
    list: (accountId) => registry.list(accountId),
    get: (ids) => registry.get(ids),
    changedSince: (refs) => registry.changedSince(refs),
    apply: (input) => registry.apply(input),
    lift: (input) => registry.lift(input),
    reapply: (input) => {
      calls.count += 1;
      if (calls.count <= failures)
        return Promise.reject(new Error('connection reset by the account service'));
      return registry.reapply(input);
    },
  };
}

const reapplyCalls = { count: 0 };
let services: Services;
let cast: Cast;

beforeAll(async () => {
  services = await startServices({
    // Long enough that a revert always finds the lift still being watched.
    policy: { monitoring: { window: { low: '60s', medium: '60s', high: '60s', critical: '60s' } } },
    controls: (registry) => flakyReapply(registry, 2, reapplyCalls),
  });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

async function liftedCase(kinds: Parameters<typeof applyControl>[2][]) {
  const accountId = newAccountId();
  const controls = [];
  for (const kind of kinds) controls.push(await applyControl(services, accountId, kind));
  const { caseId, proposalId, created } = await caseAwaitingApproval(services, cast.agent, controls, {
    type: kinds.some((k) => ['totp', 'phone', 'email', 'device', 'withdrawal_address'].includes(k))
      ? 'unbind'
      : 'unfreeze',
  });
  const first = await services.cases.act(cast.senior, caseId, 'approve', { proposalId });
  if (first.status !== 'executing') await services.cases.act(cast.checker, caseId, 'approve', { proposalId });
  if (created.type === 'unbind') await passReverification(services, cast.agent2, caseId);
  await untilStatus(services, caseId, 'monitoring');
  return { caseId, controls, accountId };
}

describe('compensating re-freeze', () => {
  it('a high risk signal during monitoring re-applies exactly what was lifted', async () => {
    const { caseId, controls, accountId } = await liftedCase(['login_lock']);
    const [lock] = controls;
    expect((await services.registry.get([lock!.id]))[0]?.status).toBe('lifted');

    const before = reapplyCalls.count;
    const signalled = await services.cases.signalRisk(cast.riskEngine, {
      accountId,
      signal: 'login.new_country',
      severity: 'high',
      occurredAt: new Date().toISOString(),
    });
    expect(signalled).toEqual([caseId]);
    const reverted = await untilStatus(services, caseId, 'reverted', 30_000);
    expect(reverted.lifts[0]).toMatchObject({
      status: 'reverted',
      revert: { requestedBy: cast.riskEngine.id },
    });
    expect(reverted.riskSignals[0]).toMatchObject({ signal: 'login.new_country', actedOn: true });

    const [after] = await services.registry.get([lock!.id]);
    expect(after).toMatchObject({ status: 'active', reason: lock!.reason, kind: lock!.kind });
    // The adapter failed twice before the third try went through: compensation kept retrying.
    expect(reapplyCalls.count - before).toBe(3);
  });

  it('a low risk signal is recorded but does not revert', async () => {
    const { caseId, accountId } = await liftedCase(['login_lock']);
    await services.cases.signalRisk(cast.riskEngine, {
      accountId,
      signal: 'login.odd_hour',
      severity: 'low',
      occurredAt: new Date().toISOString(),
    });
    const c = await eventually(
      () => services.cases.read(caseId),
      (x) => x.riskSignals.length === 1,
    );
    expect(c.status).toBe('monitoring');
    expect(c.riskSignals[0]?.actedOn).toBe(false);
  });

  it('a manual revert answers once the controls are back, and locks withdrawals after an unbind', async () => {
    const { caseId, controls, accountId } = await liftedCase(['totp']);
    const [totp] = controls;
    const reverted = await services.cases.act(cast.reverter, caseId, 'revert', {
      reason: 'The user reported a SIM swap.',
    });
    expect(reverted.status).toBe('reverted');
    const lockId = reverted.lifts[0]?.revert?.withdrawalLockId;
    expect(lockId).toBeTruthy();

    const current = await services.registry.list(accountId);
    expect(current.find((c) => c.id === totp!.id)?.status).toBe('active');
    expect(current.find((c) => c.id === lockId)).toMatchObject({ kind: 'withdrawal_lock', status: 'active' });

    const closed = await services.cases.act(cast.agent, caseId, 'resolve', {
      outcome: 'reverted',
      summary: 'Lift undone after the SIM swap report.',
    });
    expect(closed).toMatchObject({ status: 'closed', outcome: 'reverted' });
  });

  it('a revert needs removal.revert', async () => {
    const { caseId } = await liftedCase(['login_lock']);
    await expect(
      services.cases.act(cast.agent, caseId, 'revert', { reason: 'I think so' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await services.cases.read(caseId)).status).toBe('monitoring');
  });
});

describe('cooling-off after an unbind', () => {
  it('locks withdrawals for the cooling-off period, then lifts that lock', async () => {
    const { caseId, accountId } = await liftedCase(['device']);
    const withLock = await eventually(
      () => services.cases.read(caseId),
      (c) => c.lifts[0]?.coolingOff?.status === 'active',
    );
    const lockId = withLock.lifts[0]!.coolingOff!.controlId;
    expect((await services.registry.get([lockId]))[0]).toMatchObject({
      kind: 'withdrawal_lock',
      status: 'active',
      accountId,
    });

    const ended = await eventually(
      () => services.cases.read(caseId),
      (c) => c.lifts[0]?.coolingOff?.status === 'lifted',
      { timeoutMs: 20_000 },
    );
    expect(ended.status).toBe('monitoring');
    expect((await services.registry.get([lockId]))[0]?.status).toBe('lifted');
  });
});
