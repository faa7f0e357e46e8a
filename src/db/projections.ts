import type { SQL } from 'drizzle-orm';
import { and, desc, eq, getTableColumns, gte, inArray, ne, sql } from 'drizzle-orm';
import { isStorableInstant } from '../domain/actions.js';
import { EntityId } from '../domain/schemas/actions.js';
import type { Case, CaseChanges } from '../domain/case.js';
import { upgradeCase } from '../domain/case.js';
import { DomainError } from '../domain/errors.js';
import type { BusinessLineScope } from '../domain/permissions.js';
import type { Database, Executor } from './client.js';
import { caseControlClaims, cases } from './schema/index.js';

/** An instant as a column takes it; a field not given (undefined) stays so. */
function instant<T extends null | undefined>(iso: string | T): Date | T {
  return typeof iso === 'string' ? new Date(iso) : iso;
}

type Columns = Omit<typeof cases.$inferInsert, 'data'>;
/** Some of the columns; an undefined one is left out of the statement. */
type SomeColumns = { [K in keyof Columns]?: Columns[K] | undefined };

/** The projection's columns from the case's fields; a field not given leaves its column as it is. */
function columnsOf(c: Case): Columns;
function columnsOf(c: CaseChanges): SomeColumns;
function columnsOf(c: Partial<Case>): SomeColumns {
  return {
    id: c.id,
    workflowId: c.workflowId,
    type: c.type,
    status: c.status,
    outcome: c.outcome,
    accountId: c.accountId,
    businessLine: c.businessLine,
    channel: c.channel,
    riskTier: c.riskTier,
    assignee: c.assignee,
    createdBy: c.createdBy,
    slaBreached: c.slaBreached,
    revision: c.revision,
    createdAt: instant(c.createdAt),
    updatedAt: instant(c.updatedAt),
    firstClaimedAt: instant(c.firstClaimedAt),
    closedAt: instant(c.closedAt),
  };
}

/** Every column but the key, from the row an upsert proposed: the case's values travel once. */
const proposedRow = Object.fromEntries(
  Object.entries(getTableColumns(cases))
    .filter(([key]) => key !== 'id')
    .map(([key, column]) => [key, sql`excluded.${sql.identifier(column.name)}`]),
);

/**
 * Writes the case if it is newer than what is stored; an older revision arriving late changes nothing.
 * The statement itself, so it can also run beside other writes (`writeTogether`).
 */
export function saveCase(tx: Executor, c: Case) {
  return tx
    .insert(cases)
    .values({ ...columnsOf(c), data: c })
    .onConflictDoUpdate({
      target: cases.id,
      set: proposedRow,
      setWhere: sql`${cases.revision} < excluded.${sql.identifier(cases.revision.name)}`,
    });
}

/**
 * Merges the changed fields onto the stored case, only if it is stored at revision `since`: returns the
 * row it wrote, none when the projection is elsewhere (the write was done already, or the case is behind
 * or missing and needs writing whole). The statement itself, like `saveCase`.
 */
export function saveCaseChanges(tx: Executor, changes: CaseChanges, since: number) {
  const { id: _id, ...update } = columnsOf(changes);
  return tx
    .update(cases)
    .set({ ...update, data: sql`${cases.data} || ${JSON.stringify(changes)}::jsonb` })
    .where(and(eq(cases.id, changes.id), eq(cases.revision, since)))
    .returning({ id: cases.id });
}

/** The revision the projection holds for a case, if it holds the case at all. */
export async function storedRevision(db: Executor, id: string): Promise<number | undefined> {
  const [row] = await db.select({ revision: cases.revision }).from(cases).where(eq(cases.id, id)).limit(1);
  return row?.revision;
}

/** The business line a case belongs to, which never changes: what the payload codec scopes a run's payloads by. */
export async function businessLineOf(db: Executor, id: string): Promise<string | undefined> {
  const [row] = await db
    .select({ businessLine: cases.businessLine })
    .from(cases)
    .where(eq(cases.id, id))
    .limit(1);
  return row?.businessLine;
}

export async function findCase(db: Executor, id: string): Promise<Case | undefined> {
  const [row] = await db.select({ data: cases.data }).from(cases).where(eq(cases.id, id)).limit(1);
  return row ? upgradeCase(row.data) : undefined;
}

/**
 * Reserves the controls for this case: the statement itself, returning each control the case holds now.
 * The claims table's primary key lets only one open case name a control; a claim this very case holds
 * already (a retried intake, same Idempotency-Key) comes back as held.
 */
export function claimControls(tx: Executor, caseId: string, controlIds: readonly string[]) {
  return tx
    .insert(caseControlClaims)
    .values(controlIds.map((controlId) => ({ controlId, caseId })))
    .onConflictDoUpdate({
      target: caseControlClaims.controlId,
      set: { caseId },
      setWhere: eq(caseControlClaims.caseId, caseId),
    })
    .returning({ controlId: caseControlClaims.controlId });
}

/** The refusal of a case that lost a claim: which other case holds which of the controls it names. */
export async function controlConflict(
  tx: Executor,
  caseId: string,
  controlIds: readonly string[],
): Promise<DomainError> {
  const held = await tx
    .select()
    .from(caseControlClaims)
    .where(and(inArray(caseControlClaims.controlId, [...controlIds]), ne(caseControlClaims.caseId, caseId)));
  return new DomainError(
    'control_conflict',
    `another open case already asks to lift ${held.map((t) => `${t.controlId} (case ${t.caseId})`).join(', ')}`,
  );
}

/** The statement itself, like `saveCase`. */
export function releaseControls(tx: Executor, caseId: string) {
  return tx.delete(caseControlClaims).where(eq(caseControlClaims.caseId, caseId));
}

export interface CaseFilters {
  status?: Case['status'] | undefined;
  type?: Case['type'] | undefined;
  assignee?: string | undefined;
  accountId?: string | undefined;
  businessLine?: Case['businessLine'] | undefined;
  riskTier?: Case['riskTier'] | undefined;
  slaBreached?: boolean | undefined;
}

export interface Cursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      // Only what encodeCursor could have written reaches SQL: a storable instant and a case id.
      if (!isStorableInstant(value[0]) || !EntityId.safeParse(value[1]).success) return undefined;
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while cases are added. */
export async function listCases(
  db: Database,
  filters: CaseFilters,
  scopes: readonly BusinessLineScope[],
  limit: number,
  cursor?: Cursor,
): Promise<{ items: Case[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [
    filters.status && eq(cases.status, filters.status),
    filters.type && eq(cases.type, filters.type),
    filters.assignee !== undefined ? eq(cases.assignee, filters.assignee) : undefined,
    filters.accountId !== undefined ? eq(cases.accountId, filters.accountId) : undefined,
    filters.businessLine && eq(cases.businessLine, filters.businessLine),
    filters.riskTier && eq(cases.riskTier, filters.riskTier),
    filters.slaBreached !== undefined ? eq(cases.slaBreached, filters.slaBreached) : undefined,
    scopes.includes('*') ? undefined : inArray(cases.businessLine, scopes.length ? [...scopes] : ['']),
    // A row comparison, so the page continues inside the index instead of filtering the rows after it.
    cursor
      ? sql`(${cases.createdAt}, ${cases.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id})`
      : undefined,
  ];
  const rows = await db
    .select({ data: cases.data, createdAt: cases.createdAt, id: cases.id })
    .from(cases)
    .where(and(...where))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id })
      : null;
  return { items: page.map((r) => upgradeCase(r.data)), nextCursor };
}

/** Open cases on an account: where a risk signal about that account must go. */
export async function openCasesOnAccount(db: Database, accountId: string): Promise<Case[]> {
  const rows = await db
    .select({ data: cases.data })
    .from(cases)
    .where(and(eq(cases.accountId, accountId), sql`${cases.status} <> 'closed'`))
    .orderBy(desc(cases.createdAt));
  return rows.map((r) => upgradeCase(r.data));
}

/** Closed cases on an account that closed at or after `since`: lifts a risk signal may still reach. */
export async function casesClosedOnAccountSince(
  db: Database,
  accountId: string,
  since: Date,
): Promise<Case[]> {
  const rows = await db
    .select({ data: cases.data })
    .from(cases)
    .where(and(eq(cases.accountId, accountId), eq(cases.status, 'closed'), gte(cases.closedAt, since)))
    .orderBy(desc(cases.createdAt));
  return rows.map((r) => upgradeCase(r.data));
}

/** Every case on an account, newest first: the history a new case on it shows. */
export async function casesOnAccount(db: Database, accountId: string): Promise<Case[]> {
  const rows = await db
    .select({ data: cases.data })
    .from(cases)
    .where(eq(cases.accountId, accountId))
    .orderBy(desc(cases.createdAt));
  return rows.map((r) => upgradeCase(r.data));
}
