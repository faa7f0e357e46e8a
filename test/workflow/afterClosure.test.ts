import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCase } from '../../src/db/projections.js';
import type { Control } from '../../src/domain/controls.js';
import { requestRevert } from '../../src/domain/lifecycle/execution.js';
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
  // Monitoring is short (4 s, from the test policy), so cases close inside the test; the revert window is
  // long enough that every revert here is late but not too late.
  services = await startServices({ policy: { revert: { window: '1h' } } });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

/** An unfreeze of fresh restrictions on a new account, lifted and closed after its monitoring window. */
async function closedLift(
  kinds: Control['kind'][],
  reason: { reasonCode: string; evidence?: { kind: 'device_check'; ref: string }[] } = {
    reasonCode: 'verified_owner',
  },
) {
  const accountId = newAccountId();
  const controls: Control[] = [];
  for (const kind of kinds) controls.push(await applyControl(services, accountId, kind));
  const created = await services.cases.create(
    cast.agent,
    caseInput(accountId, { controlIds: controls.map((c) => c.id) }),
  );
  await services.cases.act(cast.agent, created.id, 'claim', {});
  const proposed = await services.cases.act(cast.agent, created.id, 'propose', {
    controlIds: controls.map((c) => c.id),
    justification: 'The owner proved control of the account.',
    ...reason,
  });
  const proposalId = proposed.proposals.at(-1)?.id ?? '';
  const first = await services.cases.act(cast.senior, created.id, 'approve', { proposalId });
  if (first.status !== 'executing')
    await services.cases.act(cast.checker, created.id, 'approve', { proposalId });
  await untilStatus(services, created.id, 'closed');
  // The workflow answers closed a moment before its projection says so; what follows reads the projection.
  const closed = await eventually(
    () => findCase(services.database.db, created.id),
    (c) => c?.status === 'closed',
    { what: `case ${created.id} closed in the projection` },
  );
  if (!closed) throw new Error('no case');
  expect(closed.outcome).toBe('lifted');
  return { caseId: created.id, accountId, controls, closed };
}

const statuses = async (controls: Control[]) =>
  (await services.registry.get(controls.map((c) => c.id))).map((c) => [c.id, c.status]);

describe('a revert after the case has closed', () => {
  it('re-applies the snapshot, records the control someone put back by hand, and opens a linked review', async () => {
    const { caseId, controls, closed } = await closedLift(['login_lock', 'trading_lock']);
    const [byHand, other] = controls as [Control, Control];
    const lift = closed.lifts[0];
    expect(lift?.status).toBe('settled');
    await services.registry.reapply({
      idempotencyKey: randomUUID(),
      snapshots: lift?.snapshot.filter((s) => s.id === byHand.id) ?? [],
      actor: 'u-by-hand',
      caseId,
    });

    const answer = await services.cases.revert(cast.reverter, caseId, {
      reason: 'chargeback on the account',
    });
    if (!('case' in answer)) throw new Error(`still under way: ${JSON.stringify(answer)}`);
    const reverted = answer.case.lifts[0];
    expect(reverted).toMatchObject({
      status: 'reverted',
      revert: {
        requestedBy: cast.reverter.id,
        late: true,
        alreadyReapplied: [byHand.id],
        followUpCaseId: `REV-${caseId}-lift-1`,
      },
    });
    expect(await statuses(controls)).toEqual([
      [byHand.id, 'active'],
      [other.id, 'active'],
    ]);
    expect((await findCase(services.database.db, caseId))?.lifts[0]?.status).toBe('reverted');

    const followUp = await eventually(
      () => findCase(services.database.db, `REV-${caseId}-lift-1`),
      (c) => c !== undefined,
      { what: 'the follow-up review case' },
    );
    expect(followUp?.linkedTo).toEqual({ caseId, liftId: 'lift-1', why: 'late_revert' });

    // A second request joins the first run instead of starting another.
    const again = await services.cases.revert(cast.compliance, caseId, { reason: 'asked twice' });
    expect('case' in again && again.case.lifts[0]?.revert?.requestedBy).toBe(cast.reverter.id);
  });

  it('is refused once the revert window has closed', async () => {
    const { closed: c } = await closedLift(['login_lock']);
    const strict = { ...services.policy, revert: { window: 1 } };
    expect(() =>
      requestRevert.check(
        c,
        { reason: 'too late' },
        { actor: cast.reverter, now: new Date().toISOString(), policy: strict },
      ),
    ).toThrow(/revert window/);
  });
});

describe('a high risk signal after the case has closed', () => {
  it('opens a review case linked to the lift, and leaves the lift alone when its reason does not say revert', async () => {
    const { caseId, accountId, controls } = await closedLift(['login_lock']);
    const signalled = await services.cases.signalRisk(cast.riskEngine, {
      accountId,
      signal: 'chargeback.reported',
      severity: 'high',
      occurredAt: new Date().toISOString(),
    });
    expect(signalled).toEqual([`REV-${caseId}-lift-1`]);
    const review = await findCase(services.database.db, `REV-${caseId}-lift-1`);
    expect(review?.linkedTo).toEqual({ caseId, liftId: 'lift-1', why: 'risk_signal' });
    expect(review?.accountHistory.map((h) => [h.caseId, h.status])).toEqual([[caseId, 'settled']]);
    expect(await statuses(controls)).toEqual([[controls[0]?.id, 'lifted']]);

    const low = await services.cases.signalRisk(cast.riskEngine, {
      accountId,
      signal: 'login.odd_hour',
      severity: 'low',
      occurredAt: new Date().toISOString(),
    });
    expect(low).toEqual([`REV-${caseId}-lift-1`]);
  });

  it('reverts at once when the lift’s reason code says so', async () => {
    const { caseId, accountId, controls } = await closedLift(['login_lock'], {
      reasonCode: 'false_positive',
      evidence: [{ kind: 'device_check', ref: 'DC-1' }],
    });
    const signalled = await services.cases.signalRisk(cast.riskEngine, {
      accountId,
      signal: 'chargeback.reported',
      severity: 'critical',
      occurredAt: new Date().toISOString(),
    });
    expect(signalled).toEqual([`REV-${caseId}-lift-1`]);
    await eventually(
      () => statuses(controls),
      (s) => s[0]?.[1] === 'active',
      { what: 'the lift reverted by the signal' },
    );
    const after = await eventually(
      () => findCase(services.database.db, caseId),
      (c) => c?.lifts[0]?.status === 'reverted',
      { what: 'the late revert recorded' },
    );
    expect(after?.lifts[0]?.revert).toMatchObject({
      late: true,
      reason: 'risk signal chargeback.reported (critical)',
    });
  });
});

describe('an account’s history', () => {
  it('shows on a new case, and a repeat unfreeze within the revert window raises the tier', async () => {
    const { caseId, accountId } = await closedLift(['login_lock']);
    const lock = await applyControl(services, accountId, 'login_lock');
    const again = await services.cases.create(cast.agent, caseInput(accountId, { controlIds: [lock.id] }));
    expect(again.accountHistory).toMatchObject([
      { caseId, liftId: 'lift-1', status: 'settled', lateRevert: false },
    ]);
    expect(again.riskTier).toBe('medium');
    expect(again.riskReasons.at(-1)).toMatch(/1 earlier lift on the account within the revert window/);
  });
});
