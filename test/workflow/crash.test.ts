import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoomedWorker } from '../support/doomedWorker.js';
import { startDoomedWorker } from '../support/doomedWorker.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseAwaitingApproval,
  liftEvents,
  makeCast,
  newAccountId,
  untilStatus,
} from '../support/world.js';

let services: Services;
let cast: Cast;
let doomed: DoomedWorker | undefined;

beforeAll(async () => {
  services = await startServices({ withoutWorker: true });
  cast = await makeCast(services);
});
afterAll(async () => {
  await doomed?.kill();
  await services?.stop();
});

describe('a worker that dies mid-case', () => {
  it('is replaced by a new worker that finishes the case with exactly one lift', async () => {
    doomed = await startDoomedWorker(services, { hangAfterLift: true });
    const { lifted } = doomed;
    const lock = await applyControl(services, newAccountId(), 'login_lock');
    const { caseId, proposalId } = await caseAwaitingApproval(services, cast.agent, [lock]);
    await services.cases.act(cast.checker, caseId, 'approve', { proposalId });

    // The lift has happened in the registry, but the worker dies before it can report it.
    expect(await lifted).toContain(`case-${caseId}:lift:${proposalId}`);
    await doomed.kill();
    expect((await services.registry.get([lock.id]))[0]?.status).toBe('lifted');

    await services.startWorker();
    const monitoring = await untilStatus(services, caseId, 'monitoring', 60_000);
    expect(monitoring.lifts).toHaveLength(1);
    expect(monitoring.lifts[0]?.snapshot).toEqual([lock]);
    expect(await liftEvents(services, lock.id)).toBe(1);

    const closed = await untilStatus(services, caseId, 'closed', 30_000);
    expect(closed.outcome).toBe('lifted');
    expect(await liftEvents(services, lock.id)).toBe(1);
  });
});
