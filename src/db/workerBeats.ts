import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { workerBeats } from './schema/index.js';

/** The database's clock on both sides, so hosts whose clocks disagree still agree on freshness. */
export async function recordWorkerBeat(db: Database, id: string, taskQueue: string): Promise<void> {
  await db
    .insert(workerBeats)
    .values({ id, taskQueue, beatAt: sql`now()` })
    .onConflictDoUpdate({ target: workerBeats.id, set: { beatAt: sql`now()` } });
}

export async function forgetWorker(db: Database, id: string): Promise<void> {
  await db.delete(workerBeats).where(eq(workerBeats.id, id));
}

export async function workerBeatWithin(db: Database, taskQueue: string, ms: number): Promise<boolean> {
  const [row] = await db
    .select({ id: workerBeats.id })
    .from(workerBeats)
    .where(
      and(
        eq(workerBeats.taskQueue, taskQueue),
        gt(workerBeats.beatAt, sql`now() - make_interval(secs => ${ms / 1_000})`),
      ),
    )
    .limit(1);
  return row !== undefined;
}
