import { randomBytes } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type {
  AccountContact,
  AccountContacts,
  AccountControls,
  ApplyControl,
  Control,
  ControlSnapshot,
  LiftControls,
  ReapplyControls,
} from '../../domain/controls.js';
import { changedSince, changesSince } from '../../domain/controls.js';
import { DomainError } from '../../domain/errors.js';
import { categoryOf } from '../../domain/vocabulary.js';
import type { Database, Executor } from '../client.js';
import { controlEvents, controls } from '../schema/index.js';

type Row = typeof controls.$inferSelect;

function toControl(row: Row): Control {
  return {
    id: row.id,
    accountId: row.accountId,
    category: row.category,
    kind: row.kind as Control['kind'],
    businessLine: row.businessLine as Control['businessLine'],
    status: row.status,
    reason: row.reason,
    version: row.version,
    source: row.source,
    externalRef: row.externalRef,
  };
}

function newControlId(): string {
  return `ctl_${randomBytes(8).toString('hex')}`;
}

async function lockRows(tx: Executor, ids: readonly string[]): Promise<Map<string, Row>> {
  const rows = await tx
    .select()
    .from(controls)
    .where(inArray(controls.id, [...ids]))
    .orderBy(asc(controls.id))
    .for('update');
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The default registry: controls are rows with versions; every change is an event row with its key. It
 * knows no owners' addresses, so `contact()` answers one catch-all mailbox for every account: on one
 * machine that is the local mail catcher's inbox.
 */
export class PostgresAccountControls implements AccountControls, AccountContacts {
  constructor(
    private readonly db: Database,
    private readonly catchAllContact: string | null = null,
  ) {}

  contact(): Promise<AccountContact> {
    return Promise.resolve({ email: this.catchAllContact });
  }

  async list(accountId: string): Promise<Control[]> {
    const rows = await this.db
      .select()
      .from(controls)
      .where(eq(controls.accountId, accountId))
      .orderBy(asc(controls.createdAt), asc(controls.id));
    return rows.map(toControl);
  }

  async get(ids: readonly string[]): Promise<Control[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select()
      .from(controls)
      .where(inArray(controls.id, [...ids]));
    return rows.map(toControl);
  }

  changedSince: AccountControls['changedSince'] = (refs) => changedSince(this, refs);

  async apply(input: ApplyControl): Promise<Control> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(controls)
        .values({
          id: newControlId(),
          accountId: input.accountId,
          category: categoryOf(input.kind),
          kind: input.kind,
          businessLine: input.businessLine,
          status: 'active',
          reason: input.reason,
          source: input.source ?? 'manual_review',
          externalRef: input.externalRef ?? null,
          appliedBy: input.actor,
          idempotencyKey: input.idempotencyKey,
        })
        .onConflictDoNothing({ target: controls.idempotencyKey })
        .returning();
      const row = inserted[0];
      if (!row) {
        const [existing] = await tx
          .select()
          .from(controls)
          .where(eq(controls.idempotencyKey, input.idempotencyKey));
        if (!existing) throw new Error(`control with key ${input.idempotencyKey} vanished`);
        return toControl(existing);
      }
      await tx.insert(controlEvents).values({
        controlId: row.id,
        action: 'applied',
        version: row.version,
        actor: input.actor,
        caseId: input.caseId ?? null,
        idempotencyKey: input.idempotencyKey,
        snapshot: toControl(row),
      });
      return toControl(row);
    });
  }

  async lift(input: LiftControls): Promise<ControlSnapshot[]> {
    return this.db.transaction(async (tx) => {
      const done = await tx
        .select({ snapshot: controlEvents.snapshot })
        .from(controlEvents)
        .where(
          and(eq(controlEvents.idempotencyKey, input.idempotencyKey), eq(controlEvents.action, 'lifted')),
        );
      if (done.length > 0) return done.map((d) => d.snapshot);

      const rows = await lockRows(
        tx,
        input.controls.map((c) => c.id),
      );
      const changes = changesSince(input.controls, rows);
      if (changes.length > 0) {
        throw new DomainError(
          'controls_changed',
          `changed since approval: ${changes.map((c) => `${c.id} (now ${c.actual ? `${c.actual.status} v${c.actual.version}` : 'gone'}, approved v${c.expectedVersion})`).join(', ')}`,
        );
      }
      const snapshots: ControlSnapshot[] = [];
      for (const ref of input.controls) {
        const row = rows.get(ref.id);
        if (!row) continue;
        const snapshot = toControl(row);
        snapshots.push(snapshot);
        await tx
          .update(controls)
          .set({ status: 'lifted', version: row.version + 1, updatedAt: sql`now()` })
          .where(eq(controls.id, row.id));
        await tx.insert(controlEvents).values({
          controlId: row.id,
          action: 'lifted',
          version: row.version + 1,
          actor: input.actor,
          caseId: input.caseId,
          idempotencyKey: input.idempotencyKey,
          snapshot,
        });
      }
      return snapshots;
    });
  }

  async reapply(input: ReapplyControls): Promise<Control[]> {
    return this.db.transaction(async (tx) => {
      const rows = await lockRows(
        tx,
        input.snapshots.map((s) => s.id),
      );
      const done = new Set(
        (
          await tx
            .select({ controlId: controlEvents.controlId })
            .from(controlEvents)
            .where(
              and(
                eq(controlEvents.idempotencyKey, input.idempotencyKey),
                eq(controlEvents.action, 'reapplied'),
              ),
            )
        ).map((d) => d.controlId),
      );
      const result: Control[] = [];
      for (const snapshot of input.snapshots) {
        const row = rows.get(snapshot.id);
        if (!row) throw new Error(`control ${snapshot.id} is missing from the registry`);
        if (done.has(row.id)) {
          result.push(toControl(row));
          continue;
        }
        const [updated] = await tx
          .update(controls)
          .set({ status: 'active', reason: snapshot.reason, version: row.version + 1, updatedAt: sql`now()` })
          .where(eq(controls.id, row.id))
          .returning();
        if (!updated) throw new Error(`control ${row.id} could not be re-applied`);
        await tx.insert(controlEvents).values({
          controlId: row.id,
          action: 'reapplied',
          version: updated.version,
          actor: input.actor,
          caseId: input.caseId,
          idempotencyKey: input.idempotencyKey,
          snapshot: toControl(row),
        });
        result.push(toControl(updated));
      }
      return result;
    });
  }
}
