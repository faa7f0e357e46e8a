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
  services = await startServices({ policy: { reverification: { wait: '3s' } } });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

async function approvedUnbind() {
  const device = await applyControl(services, newAccountId(), 'device');
  const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [device], {
    type: 'unbind',
  });
  await services.cases.act(cast.checker, caseId, 'approve', { proposalId });
  const waiting = await eventually(
    () => services.cases.read(caseId),
    (c) => c.reverifications.some((r) => r.status === 'pending'),
  );
  return { caseId, device, waiting };
}

describe('re-verification before an unbind', () => {
  it('holds an approved unbind until the user re-verifies, then lifts it', async () => {
    const { caseId, device, waiting } = await approvedUnbind();
    expect(waiting.status).toBe('executing');
    expect(waiting.step).toMatch(/^waiting for the user to re-verify until /);
    expect(await liftEvents(services, device.id)).toBe(0);

    await services.cases.act(cast.agent2, caseId, 'recordReverification', {
      outcome: 'passed',
      method: 'video_call',
    });
    const monitoring = await untilStatus(services, caseId, 'monitoring');
    expect(monitoring.reverifications[0]).toMatchObject({ status: 'passed', recordedBy: cast.agent2.id });
    expect(await liftEvents(services, device.id)).toBe(1);
  });

  it('the maker cannot vouch for the user’s re-verification', async () => {
    const { caseId } = await approvedUnbind();
    expect(
      await refusalCode(
        services.cases.act(cast.agent, caseId, 'recordReverification', {
          outcome: 'passed',
          method: 'selfie',
        }),
      ),
    ).toBe('separation_of_duties');
  });

  it('a failed re-verification voids the proposal and lifts nothing', async () => {
    const { caseId, device } = await approvedUnbind();
    const failed = await services.cases.act(cast.agent2, caseId, 'recordReverification', {
      outcome: 'failed',
      method: 'selfie',
    });
    expect(failed.status).toBe('in_review');
    expect(failed.proposals[0]?.status).toBe('voided');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await liftEvents(services, device.id)).toBe(0);
  });

  it('no re-verification within the wait returns the case to review', async () => {
    const { caseId, device } = await approvedUnbind();
    const back = await untilStatus(services, caseId, 'in_review', 15_000);
    expect(back.reverifications[0]?.status).toBe('expired');
    expect(await liftEvents(services, device.id)).toBe(0);
  });
});
