import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema/index.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseInput,
  eventually,
  makeCast,
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

describe('a law-enforcement hold', () => {
  it('is refused to an ordinary proposal, then lifted on a legal release with compliance on top', async () => {
    const hold = await applyControl(services, newAccountId(), 'login_lock', {
      source: 'law_enforcement',
      externalRef: 'ORDER-2026-77',
    });
    const created = await services.cases.create(
      cast.agent,
      caseInput(hold.accountId, { controlIds: [hold.id] }),
    );
    expect(created.controlOwners[hold.id]).toEqual({
      source: 'law_enforcement',
      externalRef: 'ORDER-2026-77',
    });
    await services.cases.act(cast.agent, created.id, 'claim', {});

    const ordinary = {
      controlIds: [hold.id],
      reasonCode: 'verified_owner',
      justification: 'Owner verified.',
    };
    expect(await refusalCode(services.cases.act(cast.agent, created.id, 'propose', ordinary))).toBe(
      'protected_control',
    );

    const released = await services.cases.act(cast.agent, created.id, 'propose', {
      controlIds: [hold.id],
      reasonCode: 'legal_release',
      justification: 'The court lifted the order.',
      evidence: [{ kind: 'legal_release', ref: 'RELEASE-2026-77', note: 'scanned order' }],
    });
    const proposal = released.proposals.at(-1);
    expect(proposal).toMatchObject({ requiredApprovals: 2, requiredRoles: ['compliance'] });
    const proposalId = proposal?.id ?? '';

    await services.cases.act(cast.checker, created.id, 'approve', { proposalId });
    expect(await refusalCode(services.cases.act(cast.checker2, created.id, 'approve', { proposalId }))).toBe(
      'forbidden',
    );
    const approved = await services.cases.act(cast.compliance, created.id, 'approve', { proposalId });
    expect(approved.proposals.at(-1)?.approvals.map((a) => a.countsAs)).toEqual([null, 'compliance']);

    await untilStatus(services, created.id, 'monitoring');
    const told = await eventually(
      () => services.database.db.select().from(notifications),
      (rows) => rows.some((n) => n.caseId === created.id && n.recipient === 'lead:legal'),
      { what: 'the legal department told of the lift' },
    );
    expect(told.find((n) => n.caseId === created.id && n.recipient === 'lead:legal')?.kind).toBe(
      'controls.lifted',
    );
  });
});
