import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/db/audit.js';
import { listAgents, setAwayUntil } from '../../src/db/assignment.js';
import { findCase } from '../../src/db/projections.js';
import { cases } from '../../src/db/schema/index.js';
import { findUser } from '../../src/db/users.js';
import { availableAgents } from '../../src/domain/assignment.js';
import type { Actor } from '../../src/domain/permissions.js';
import type { BusinessLine } from '../../src/domain/vocabulary.js';
import { Assigner } from '../../src/temporal/assignment.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import { caseInput, eventually, makeUser, newAccountId } from '../support/world.js';

/*
 * Business lines by mode in this file's policy. Every test file shares one users table, and people made
 * with every business line in scope take part in the picks, so a test checks that the pick is one the
 * policy allows at that moment, and the exact choice is left to the table tests of `chooseAssignee`.
 */
const roundRobin: BusinessLine = 'earn';
const leastLoaded: BusinessLine = 'card';
const manual: BusinessLine = 'spot';

let services: Services;
let assigner: Assigner;
let creator: Actor;
let senior: Actor;

beforeAll(async () => {
  services = await startServices({
    policy: {
      assignment: {
        version: 'test-assignment',
        businessLines: { [roundRobin]: 'round_robin', [leastLoaded]: 'least_loaded' },
      },
    },
  });
  assigner = new Assigner({
    db: services.database.db,
    client: services.client,
    policy: services.policy,
    updateTimeoutMs: 20_000,
  });
  creator = await makeUser(services, ['agent'], { businessLines: [manual, roundRobin, leastLoaded] });
  senior = await makeUser(services, ['senior'], { businessLines: [roundRobin] });
  await makeUser(services, ['agent'], { businessLines: [roundRobin, leastLoaded] });
  await makeUser(services, ['agent'], { businessLines: [roundRobin, leastLoaded] });
});
afterAll(async () => services?.stop());

/** Who the policy may pick in a line now: enabled reviewers in scope who are not away. */
async function pickable(line: BusinessLine): Promise<string[]> {
  const agents = await listAgents(services.database.db);
  return availableAgents(agents, line, new Date().toISOString()).map((a) => a.id);
}

/** What the operations report reads of a case: its projected row. */
async function reportRow(caseId: string) {
  const [row] = await services.database.db
    .select({ assignee: cases.assignee, firstClaimedAt: cases.firstClaimedAt })
    .from(cases)
    .where(eq(cases.id, caseId));
  return row;
}

/** The case's accepted `case.assigned` rows, once there are at least `count` (the run records them a moment later). */
async function assignedRows(caseId: string, count = 1) {
  const read = async () =>
    (await readStream(services.database.db, caseId)).filter(
      (e) => e.action === 'case.assigned' && e.outcome === 'accepted',
    );
  return eventually(read, (rows) => rows.length >= count, {
    what: `${count} case.assigned rows on ${caseId}`,
  });
}

describe('assignment at intake', () => {
  it('a new case in a round_robin line goes to an available agent in scope, audited as the policy’s', async () => {
    const before = await pickable(roundRobin);
    const created = await services.cases.create(
      creator,
      caseInput(newAccountId(), { type: 'complaint', businessLine: roundRobin }),
    );
    expect(created.assignee).not.toBeNull();
    expect(created.status).toBe('in_review');
    expect(before.concat(await pickable(roundRobin))).toContain(created.assignee);
    const [row] = await assignedRows(created.id);
    expect(row).toMatchObject({
      actor: 'system',
      details: {
        assignee: created.assignee,
        byPolicy: 'round_robin',
        policyVersion: 'test-assignment',
        why: 'intake',
      },
    });
  });

  it('an assignment by the policy is no first response: time to first response starts with the assignee’s claim', async () => {
    const created = await services.cases.create(
      creator,
      caseInput(newAccountId(), { type: 'complaint', businessLine: roundRobin }),
    );
    expect(created.assignee).not.toBeNull();
    expect(created.firstClaimedAt).toBeNull();
    // The operations report measures the projection's first_claimed_at, once it shows the hand-over.
    const projected = await eventually(
      () => reportRow(created.id),
      (row) => row?.assignee === created.assignee,
      { what: `the projection of ${created.id} assigned` },
    );
    expect(projected?.firstClaimedAt).toBeNull();

    const assignee = await findUser(services.database.db, created.assignee!);
    const claimed = await services.cases.act(assignee!, created.id, 'claim', {});
    expect(claimed.firstClaimedAt).not.toBeNull();
    const responded = await eventually(
      () => reportRow(created.id),
      (row) => row?.firstClaimedAt != null,
      { what: `the projection of ${created.id} to have its first response` },
    );
    expect(responded?.firstClaimedAt?.toISOString()).toBe(claimed.firstClaimedAt);
  });

  it('round_robin gives consecutive cases to different agents', async () => {
    const open = async () =>
      (
        await services.cases.create(
          creator,
          caseInput(newAccountId(), { type: 'complaint', businessLine: roundRobin }),
        )
      ).assignee;
    const first = await open();
    const second = await open();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
  });

  it('least_loaded gives a new case to an available agent in scope, audited as the policy’s', async () => {
    const created = await services.cases.create(
      creator,
      caseInput(newAccountId(), { type: 'complaint', businessLine: leastLoaded }),
    );
    expect(created.assignee).not.toBeNull();
    expect(await pickable(leastLoaded)).toContain(created.assignee);
    const [row] = await assignedRows(created.id);
    expect(row?.details).toMatchObject({ byPolicy: 'least_loaded', why: 'intake' });
  });

  it('a manual line leaves the new case in the queue', async () => {
    const created = await services.cases.create(
      creator,
      caseInput(newAccountId(), { type: 'complaint', businessLine: manual }),
    );
    expect(created.assignee).toBeNull();
    expect(created.status).toBe('open');
    const rows = await readStream(services.database.db, created.id);
    expect(rows.map((e) => e.action)).toEqual(['case.opened']);
  });

  it('an away agent is not picked', async () => {
    const away = await makeUser(services, ['agent'], { businessLines: [roundRobin] });
    await setAwayUntil(services.database.db, away.id, new Date(Date.now() + 3_600_000));
    expect(await pickable(roundRobin)).not.toContain(away.id);
    for (let i = 0; i < 3; i++) {
      const created = await services.cases.create(
        creator,
        caseInput(newAccountId(), { type: 'complaint', businessLine: roundRobin }),
      );
      expect(created.assignee).not.toBe(away.id);
    }
  });
});

describe('an agent who goes away', () => {
  async function handOverRow(caseId: string) {
    const handOvers = async () =>
      (await readStream(services.database.db, caseId)).filter(
        (e) => e.action === 'case.assigned' && (e.details as { why?: string }).why === 'assignee_away',
      );
    const rows = await eventually(handOvers, (found) => found.length > 0, {
      what: `the hand-over row of ${caseId}`,
    });
    return rows.at(-1);
  }

  async function heldBy(agent: Actor, businessLine: BusinessLine) {
    const created = await services.cases.create(
      creator,
      caseInput(newAccountId(), { type: 'complaint', businessLine }),
    );
    if (created.assignee === null) await services.cases.act(agent, created.id, 'claim', {});
    else if (created.assignee !== agent.id) {
      await services.cases.act(senior, created.id, 'assign', { assignee: agent.id });
    }
    // The sweep reads the projection, which follows the run by a moment.
    return eventually(
      () => findCase(services.database.db, created.id),
      (c) => c?.assignee === agent.id,
      { what: `the projection of ${created.id} assigned to ${agent.id}` },
    ).then((c) => c!);
  }

  it('in a manual line, their open cases are offered back to the queue, and the timeline says why', async () => {
    const agent = await makeUser(services, ['agent'], { businessLines: [manual] });
    const held = await heldBy(agent, manual);
    const until = new Date(Date.now() + 2 * 86_400_000);
    await setAwayUntil(services.database.db, agent.id, until);

    const swept = await assigner.sweep(new Date(), [held.id]);
    expect(swept.failed).toEqual([]);
    expect(swept.handedOver).toEqual([{ caseId: held.id, from: agent.id, to: null }]);
    const after = await services.cases.read(held.id);
    expect(after.assignee).toBeNull();
    expect(after.status).toBe('in_review');
    expect(await handOverRow(held.id)).toMatchObject({
      actor: 'system',
      details: {
        assignee: null,
        byPolicy: 'manual',
        why: 'assignee_away',
        from: agent.id,
        awayUntil: until.toISOString(),
      },
    });

    const again = await assigner.sweep(new Date(), [held.id]);
    expect(again.handedOver).toEqual([]);
  });

  it('in a round_robin line, their open cases go to another available agent', async () => {
    const agent = await makeUser(services, ['agent'], { businessLines: [roundRobin] });
    const held = await heldBy(agent, roundRobin);
    await setAwayUntil(services.database.db, agent.id, new Date(Date.now() + 86_400_000));

    const swept = await assigner.sweep(new Date(), [held.id]);
    expect(swept.failed).toEqual([]);
    const to = swept.handedOver[0]?.to;
    expect(to).toBeTruthy();
    expect(to).not.toBe(agent.id);
    expect(await pickable(roundRobin)).toContain(to);
    const after = await services.cases.read(held.id);
    expect(after.assignee).toBe(to);
    expect((await handOverRow(held.id))?.details).toMatchObject({
      assignee: to,
      byPolicy: 'round_robin',
      why: 'assignee_away',
      from: agent.id,
    });
  });

  it('an agent back from their absence keeps their cases', async () => {
    const agent = await makeUser(services, ['agent'], { businessLines: [manual] });
    const held = await heldBy(agent, manual);
    await setAwayUntil(services.database.db, agent.id, new Date(Date.now() - 1_000));
    const swept = await assigner.sweep(new Date(), [held.id]);
    expect(swept.handedOver).toEqual([]);
    expect((await services.cases.read(held.id)).assignee).toBe(agent.id);
  });

  it('a claim that came first is not overridden by a late hand-over', async () => {
    const agent = await makeUser(services, ['agent'], { businessLines: [manual] });
    const held = await heldBy(agent, manual);
    const colleague = await makeUser(services, ['agent', 'senior'], { businessLines: [manual] });
    await setAwayUntil(services.database.db, agent.id, new Date(Date.now() + 86_400_000));
    await services.cases.act(colleague, held.id, 'assign', { assignee: colleague.id });
    const swept = await assigner.sweep(new Date(), [held.id]);
    expect(swept.handedOver).toEqual([]);
    expect((await services.cases.read(held.id)).assignee).toBe(colleague.id);
  });
});
