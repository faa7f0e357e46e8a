import { and, asc, eq, gt, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Agent } from '../domain/assignment.js';
import { assignmentModeOf, availableAgents, chooseAssignee } from '../domain/assignment.js';
import type { Case } from '../domain/case.js';
import { upgradeCase } from '../domain/case.js';
import type { Policy } from '../domain/policy.js';
import type { AssignmentMode, BusinessLine } from '../domain/vocabulary.js';
import type { Database, Executor } from './client.js';
import { assignmentTurns, cases, users } from './schema/index.js';
import { toActor } from './users.js';

/** Sets or clears the caller's absence; the new value, or undefined when there is no such user. */
export async function setAwayUntil(
  db: Database,
  userId: string,
  awayUntil: Date | null,
): Promise<{ awayUntil: string | null } | undefined> {
  const [row] = await db
    .update(users)
    .set({ awayUntil })
    .where(eq(users.id, userId))
    .returning({ awayUntil: users.awayUntil });
  return row && { awayUntil: row.awayUntil?.toISOString() ?? null };
}

export async function awayUntilOf(db: Database, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ awayUntil: users.awayUntil })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.awayUntil?.toISOString() ?? null;
}

function toAgent(row: typeof users.$inferSelect): Agent {
  const { id, roles, businessLines } = toActor(row);
  return {
    id,
    roles,
    businessLines,
    enabled: row.disabledAt === null,
    awayUntil: row.awayUntil?.toISOString() ?? null,
  };
}

/** Everyone the directory knows, as the assignment policy weighs them. */
export async function listAgents(db: Executor): Promise<Agent[]> {
  return (await db.select().from(users).orderBy(asc(users.id))).map(toAgent);
}

/** How many cases that have not closed each of these people holds. */
async function openCaseCounts(db: Executor, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ assignee: cases.assignee, open: sql<number>`count(*)::int` })
    .from(cases)
    .where(and(inArray(cases.assignee, [...ids]), ne(cases.status, 'closed')))
    .groupBy(cases.assignee);
  return new Map(rows.map((r) => [r.assignee ?? '', r.open]));
}

export interface Pick {
  assignee: string;
  policy: Exclude<AssignmentMode, 'manual'>;
  policyVersion: string;
}

/**
 * The agent the business line's policy gives its next case to, never one of `exclude`; undefined when the
 * line is manual or nobody is available. The line's turn is taken under its row lock, so intakes at
 * the same moment go to different agents in turn.
 */
export async function pickAssignee(
  db: Database,
  policy: Policy,
  businessLine: BusinessLine,
  now: Date,
  exclude: readonly string[] = [],
): Promise<Pick | undefined> {
  const mode = assignmentModeOf(policy, businessLine);
  if (mode === 'manual') return undefined;
  return db.transaction(async (tx) => {
    await tx.insert(assignmentTurns).values({ businessLine, lastAssignee: null }).onConflictDoNothing();
    const [turn] = await tx
      .select()
      .from(assignmentTurns)
      .where(eq(assignmentTurns.businessLine, businessLine))
      .for('update');
    const available = availableAgents(await listAgents(tx), businessLine, now.toISOString()).filter(
      (a) => !exclude.includes(a.id),
    );
    const counts = await openCaseCounts(
      tx,
      available.map((a) => a.id),
    );
    const assignee = chooseAssignee(
      mode,
      available.map((a) => ({ id: a.id, openCases: counts.get(a.id) ?? 0 })),
      turn?.lastAssignee ?? null,
    );
    if (assignee === undefined) return undefined;
    await tx
      .update(assignmentTurns)
      .set({ lastAssignee: assignee, pickedAt: now })
      .where(eq(assignmentTurns.businessLine, businessLine));
    return { assignee, policy: mode, policyVersion: policy.assignment.version };
  });
}

/** A case held by someone who is away now, and until when they are. */
export interface HeldByAway {
  case: Case;
  awayUntil: string;
}

/**
 * Cases not closed whose assignee is away at `now`: what the availability sweep hands over. `caseIds`
 * narrows it to some cases (a test's own).
 */
export async function casesHeldByAway(
  db: Database,
  now: Date,
  caseIds?: readonly string[],
): Promise<HeldByAway[]> {
  const rows = await db
    .select({ data: cases.data, awayUntil: users.awayUntil })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.assignee))
    .where(
      and(
        ne(cases.status, 'closed'),
        isNotNull(users.awayUntil),
        gt(users.awayUntil, now),
        caseIds ? inArray(cases.id, [...caseIds]) : undefined,
      ),
    )
    .orderBy(asc(cases.createdAt));
  return rows.map((r) => ({ case: upgradeCase(r.data), awayUntil: r.awayUntil?.toISOString() ?? '' }));
}

/**
 * Cases nobody has claimed yet in business lines whose policy assigns: those intake could not hand to
 * anyone (nobody was available, or no worker confirmed the assignment in time).
 */
export async function unassignedNewCases(
  db: Database,
  businessLines: readonly BusinessLine[],
  caseIds?: readonly string[],
): Promise<Case[]> {
  if (businessLines.length === 0) return [];
  const rows = await db
    .select({ data: cases.data })
    .from(cases)
    .where(
      and(
        eq(cases.status, 'open'),
        isNull(cases.assignee),
        inArray(cases.businessLine, [...businessLines]),
        caseIds ? inArray(cases.id, [...caseIds]) : undefined,
      ),
    )
    .orderBy(asc(cases.createdAt));
  return rows.map((r) => upgradeCase(r.data));
}
