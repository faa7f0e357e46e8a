import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../../src/db/audit.js';
import { auditEvents } from '../../src/db/schema/index.js';
import { applyControl as applyControlService } from '../../src/api/services/controls.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import { caseInput, eventually, makeCast, newAccountId, refusalCode, untilStatus } from '../support/world.js';

let services: Services;
let cast: Cast;

beforeAll(async () => {
  services = await startServices({ policy: { breakGlass: { afterReviewWithin: '3s' } } });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

describe('the audit log', () => {
  it('opens every trail with case.opened, even when a refusal comes before the first change', async () => {
    const created = await services.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
    expect(await refusalCode(services.cases.act(cast.agent, created.id, 'release', {}))).toBeDefined();

    const { events, verdict } = await eventually(
      () => verifyStream(services.database.db, created.id),
      (r) => r.events.length === 2,
    );
    expect(verdict).toEqual({ ok: true, events: 2 });
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['case.opened', 'accepted'],
      ['case.released', 'denied'],
    ]);
  });

  it('chains accepted actions and denied attempts, and detects a tampered row', async () => {
    const created = await services.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
    await services.cases.act(cast.agent, created.id, 'claim', {});
    expect(await refusalCode(services.cases.act(cast.agent2, created.id, 'claim', {}))).toBe('invalid_state');
    await services.cases.act(cast.agent, created.id, 'addNote', { text: 'First contact made.' });

    const { events, verdict } = await eventually(
      () => verifyStream(services.database.db, created.id),
      (r) => r.events.length === 4,
    );
    expect(verdict).toEqual({ ok: true, events: 4 });
    // Accepted rows come from the workflow in its order; a denial is written by the API when it happens,
    // so it can land just before the claim it lost to is recorded.
    expect(events.filter((e) => e.outcome === 'accepted').map((e) => e.action)).toEqual([
      'case.opened',
      'case.claimed',
      'note.added',
    ]);
    expect(events.filter((e) => e.outcome === 'denied')).toMatchObject([
      { action: 'case.claimed', actor: cast.agent2.id, details: { code: 'invalid_state' } },
    ]);

    // The log refuses edits; someone with the power to switch that off could still try.
    await expect(
      services.database.db
        .update(auditEvents)
        .set({ actor: 'mallory' })
        .where(eq(auditEvents.stream, created.id)),
    ).rejects.toThrow();
    await services.database.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_no_update_or_delete`);
      await tx
        .update(auditEvents)
        .set({ details: { accountId: created.accountId, status: 'in_review', tampered: true } })
        .where(and(eq(auditEvents.stream, created.id), eq(auditEvents.seq, 2)));
      await tx.execute(sql`alter table audit_events enable trigger audit_events_no_update_or_delete`);
    });
    const after = await verifyStream(services.database.db, created.id);
    expect(after.verdict).toEqual({ ok: false, seq: 2, problem: 'hash does not match the row' });
  });
});

describe('break-glass restrictions', () => {
  it('a restriction a person applies takes effect at once and opens an after-review that flags the case when overdue', async () => {
    const accountId = newAccountId();
    const applied = await applyControlService(
      { db: services.database.db, controls: services.registry, cases: services.cases },
      cast.agent,
      {
        accountId,
        kind: 'withdrawal_lock',
        businessLine: 'spot',
        reason: 'Caller sounded coached by a scammer',
      },
      undefined,
    );
    expect(applied.control.status).toBe('active');
    expect(applied.afterReviewCaseId).not.toBeNull();
    const caseId = applied.afterReviewCaseId!;

    const opened = await eventually(
      () => services.cases.read(caseId),
      (c) => c.afterReviews.length === 1,
    );
    expect(opened).toMatchObject({ channel: 'internal', accountId, createdBy: cast.agent.id });
    expect(opened.afterReviews[0]).toMatchObject({ controlId: applied.control.id, status: 'open' });

    const overdue = await eventually(
      () => services.cases.read(caseId),
      (c) => c.slaBreached,
      { timeoutMs: 15_000 },
    );
    expect(overdue.afterReviews[0]?.status).toBe('overdue');
  });

  it('the after-review goes on the case named in the request, and resolving that case completes it', async () => {
    const accountId = newAccountId();
    const named = await services.cases.create(cast.agent, caseInput(accountId, { type: 'complaint' }));
    await services.cases.act(cast.agent, named.id, 'claim', {});
    const applied = await applyControlService(
      { db: services.database.db, controls: services.registry, cases: services.cases },
      cast.agent,
      {
        accountId,
        kind: 'login_lock',
        businessLine: 'spot',
        reason: 'Account takeover in progress',
        caseId: named.id,
      },
      undefined,
    );
    expect(applied.afterReviewCaseId).toBe(named.id);
    const resolved = await services.cases.act(cast.agent, named.id, 'resolve', {
      outcome: 'resolved_no_action',
      summary: 'Lock confirmed as right.',
    });
    expect(resolved.afterReviews[0]).toMatchObject({ controlId: applied.control.id, status: 'done' });
    await untilStatus(services, named.id, 'closed');
  });

  it('a restriction from the risk engine needs no after-review', async () => {
    const applied = await applyControlService(
      { db: services.database.db, controls: services.registry, cases: services.cases },
      cast.riskEngine,
      {
        accountId: newAccountId(),
        kind: 'trading_lock',
        businessLine: 'spot',
        reason: 'wash trading score 0.97',
      },
      undefined,
    );
    expect(applied.afterReviewCaseId).toBeNull();
  });
});
