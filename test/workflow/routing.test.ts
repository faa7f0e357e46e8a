import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/db/audit.js';
import { setAwayUntil } from '../../src/db/assignment.js';
import { findUser } from '../../src/db/users.js';
import type { Case, ProposalOffer } from '../../src/domain/case.js';
import { drawOne } from '../../src/domain/draw.js';
import type { Actor } from '../../src/domain/permissions.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import {
  applyControl,
  caseAwaitingApproval,
  eventually,
  makeUser,
  newAccountId,
  refusalCode,
  untilStatus,
} from '../support/world.js';

/*
 * Every tier routes random_first here. The eligible set is every checker in the shared users table, other
 * files' included, so the drawn checker is read from the offer and acted as; the checkers this file makes
 * are in the set, and one of them is always someone the offer did not go to.
 */
let services: Services;
let maker: Actor;
let checkers: Actor[];

beforeAll(async () => {
  services = await startServices({
    policy: {
      checkerRouting: {
        version: 'test-routing',
        tiers: {
          low: 'random_first',
          medium: 'random_first',
          high: 'random_first',
          critical: 'random_first',
        },
        offerExpiry: '15s',
      },
    },
  });
  maker = await makeUser(services, ['agent', 'checker'], { businessLines: ['spot'] });
  checkers = [
    await makeUser(services, ['checker'], { businessLines: ['spot'] }),
    await makeUser(services, ['checker'], { businessLines: ['spot'] }),
  ];
});
afterAll(async () => services?.stop());

async function offeredProposal(): Promise<{ caseId: string; proposalId: string; offer: ProposalOffer }> {
  const accountId = newAccountId();
  const control = await applyControl(services, accountId, 'login_lock');
  const { caseId, proposalId } = await caseAwaitingApproval(services, maker, [control]);
  const c = await services.cases.read(caseId);
  expect(c.riskTier).toBe('low');
  const offer = c.proposals.find((p) => p.id === proposalId)?.offer;
  if (!offer) throw new Error(`proposal ${proposalId} carries no offer`);
  return { caseId, proposalId, offer };
}

async function actorOf(id: string): Promise<Actor> {
  const found = await findUser(services.database.db, id);
  if (!found) throw new Error(`no user ${id}`);
  return found;
}

/** One of this file's checkers the offer did not go to. */
function bystander(offer: ProposalOffer): Actor {
  const other = checkers.find((c) => c.id !== offer.checker);
  if (!other) throw new Error('every checker is the drawn one');
  return other;
}

/** The accepted rows of an action on the case, once there is one (the run records them a moment later). */
async function auditRows(caseId: string, action: string) {
  return eventually(
    async () =>
      (await readStream(services.database.db, caseId)).filter(
        (e) => e.action === action && e.outcome === 'accepted',
      ),
    (rows) => rows.length > 0,
    { what: `a ${action} row on ${caseId}` },
  );
}

const offerOf = (c: Case, proposalId: string) => c.proposals.find((p) => p.id === proposalId)?.offer;

describe('random_first checker routing', () => {
  it('offers the proposal to one eligible checker, drawn with an audited seed that repeats the draw', async () => {
    const { caseId, offer } = await offeredProposal();
    expect(offer.status).toBe('offered');
    expect(offer.policyVersion).toBe('test-routing');
    expect(offer.candidates).toEqual(expect.arrayContaining(checkers.map((c) => c.id)));
    expect(offer.candidates).not.toContain(maker.id);
    expect(offer.candidates).toContain(offer.checker);
    expect(drawOne(offer.seed, offer.candidates)).toBe(offer.checker);
    const [created] = await auditRows(caseId, 'proposal.created');
    expect((created?.details as { offer?: unknown }).offer).toEqual(offer);
  });

  it('an offer that expires opens the proposal to every eligible checker', async () => {
    const { caseId, proposalId, offer } = await offeredProposal();
    const other = bystander(offer);
    expect(await refusalCode(services.cases.act(other, caseId, 'approve', { proposalId }))).toBe('forbidden');
    const [denied] = (await readStream(services.database.db, caseId)).filter(
      (e) => e.outcome === 'denied' && e.actor === other.id,
    );
    expect(denied?.details).toMatchObject({ code: 'forbidden' });

    const expired = await eventually(
      () => services.cases.read(caseId),
      (c) => offerOf(c, proposalId)?.status === 'expired',
      { what: `the offer on ${caseId} to expire` },
    );
    expect(expired.status).toBe('awaiting_approval');
    const [row] = await auditRows(caseId, 'proposal.offer_expired');
    expect(row).toMatchObject({ actor: 'system', details: { proposalId, offeredTo: offer.checker } });

    await services.cases.act(other, caseId, 'approve', { proposalId });
    await untilStatus(services, caseId, 'monitoring');
  });

  it('a pass-on opens it at once, and the drawn checker’s reason is on record', async () => {
    const { caseId, proposalId, offer } = await offeredProposal();
    const drawn = await actorOf(offer.checker);
    const other = bystander(offer);
    expect(await refusalCode(services.cases.act(other, caseId, 'passOn', { proposalId }))).toBe('forbidden');
    const passed = await services.cases.act(drawn, caseId, 'passOn', {
      proposalId,
      comment: 'I made the restriction myself.',
    });
    expect(offerOf(passed, proposalId)?.status).toBe('passed');
    const [row] = await auditRows(caseId, 'proposal.passed_on');
    expect(row).toMatchObject({
      actor: drawn.id,
      details: { proposalId, comment: 'I made the restriction myself.' },
    });
    await services.cases.act(other, caseId, 'approve', { proposalId });
    await untilStatus(services, caseId, 'monitoring');
  });

  it('the drawn checker decides alone while the offer binds', async () => {
    const { caseId, proposalId, offer } = await offeredProposal();
    const approved = await services.cases.act(await actorOf(offer.checker), caseId, 'approve', {
      proposalId,
    });
    expect(offerOf(approved, proposalId)?.status).toBe('decided');
    await untilStatus(services, caseId, 'monitoring');
  });

  it('an away checker is not drawn, nor in the set the draw is made from', async () => {
    const away = await makeUser(services, ['checker'], { businessLines: ['spot'] });
    await setAwayUntil(services.database.db, away.id, new Date(Date.now() + 86_400_000));
    const { offer } = await offeredProposal();
    expect(offer.candidates).not.toContain(away.id);
    expect(offer.checker).not.toBe(away.id);
    expect(offer.candidates).toEqual(expect.arrayContaining(checkers.map((c) => c.id)));
  });
});
