import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import { applyControl, caseAwaitingApproval, makeCast, newAccountId, untilStatus } from '../support/world.js';

let services: Services;
let cast: Cast;

beforeAll(async () => {
  services = await startServices({
    withoutWorker: true,
    policy: { monitoring: { window: { low: '15m', medium: '15m', high: '15m', critical: '15m' } } },
  });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

describe('while no worker runs', () => {
  it('a risk signal is accepted, and reverts the lift once a worker is back', async () => {
    const first = await services.startWorker();
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock]);
    await services.cases.act(cast.checker, caseId, 'approve', { proposalId });
    await untilStatus(services, caseId, 'monitoring');
    await first.stop();

    const signalled = await services.cases.signalRisk(cast.riskEngine, {
      accountId: lock.accountId,
      signal: 'withdrawal.to_mixer',
      severity: 'critical',
      occurredAt: new Date().toISOString(),
    });
    expect(signalled).toEqual([caseId]);
    expect((await services.registry.get([lock.id]))[0]?.status).toBe('lifted');

    await services.startWorker();
    const reverted = await untilStatus(services, caseId, 'reverted', 60_000);
    expect(reverted.riskSignals[0]).toMatchObject({ signal: 'withdrawal.to_mixer', actedOn: true });
    expect((await services.registry.get([lock.id]))[0]?.status).toBe('active');
  });
});
