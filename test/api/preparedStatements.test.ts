import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.js';
import { connectDatabase } from '../../src/db/client.js';
import { cases } from '../../src/db/schema/index.js';

/*
 * An unprepared statement with parameters costs two round trips (PostgreSQL first describes its
 * parameters); a prepared one, after its first use on a connection, one. One connection here, so what it
 * prepared is what `pg_prepared_statements` lists.
 */
let database: DatabaseHandle;

beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), 1);
});
afterAll(async () => {
  await database?.close();
});

const prepared = async (fragment: string) => {
  const rows = await database.db.execute<{ statement: string }>(
    sql`select statement from pg_prepared_statements`,
  );
  return rows.filter((row) => row.statement.includes(fragment));
};

describe('statements sent through drizzle', () => {
  it('are prepared once per connection and text, and used again', async () => {
    const byId = () => database.db.select({ id: cases.id }).from(cases).where(eq(cases.id, randomUUID()));
    expect(await byId()).toEqual([]);
    expect(await byId()).toEqual([]);
    expect(await prepared('where "cases"."id" = $1')).toHaveLength(1);
  });

  it('are prepared inside a transaction too', async () => {
    const account = `acct_${randomUUID()}`;
    await database.db.transaction(async (tx) => {
      expect(
        await tx.select({ id: cases.id }).from(cases).where(eq(cases.accountId, account)).for('update'),
      ).toEqual([]);
    });
    expect(await prepared('where "cases"."account_id" = $1 for update')).toHaveLength(1);
  });
});
