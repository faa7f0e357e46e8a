import type { SQLWrapper } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  /** Answers when PostgreSQL does; for readiness. */
  ping: () => Promise<void>;
  /**
   * LISTEN on `channel` over a connection of its own. `onListen` runs each time the LISTEN is (re)established:
   * postgres.js reconnects a lost one by itself.
   */
  listen: (
    channel: string,
    onNotify: (payload: string) => void,
    onListen: () => void,
  ) => Promise<{ unlisten: () => Promise<void> }>;
  close: () => Promise<void>;
}

/**
 * drizzle sends every query unprepared, and postgres.js then asks PostgreSQL for a query's parameter types
 * before it can send the values: two round trips a statement. Prepared, once per connection and statement
 * text, the types are known after the first, and a statement is one round trip. Transactions and their
 * savepoints hand drizzle a connection of their own, which prepares too.
 */
function preparing<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  const withCallback =
    (begin: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const callback = args.pop() as (inner: postgres.TransactionSql) => unknown;
      return begin(...args, (inner: postgres.TransactionSql) => callback(preparing(inner)));
    };
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const bound = value.bind(target) as (...args: unknown[]) => unknown;
      if (property === 'unsafe')
        return (query: string, parameters?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, parameters as postgres.ParameterOrJSON<never>[], {
            ...options,
            prepare: true,
          });
      if (property === 'begin' || property === 'savepoint') return withCallback(bound);
      return bound;
    },
  });
}

/** postgres.js takes seconds. */
const CONNECT_TIMEOUT_S = 5;

/**
 * A pool of `poolSize` connections; `onStatement` sees the text of every statement sent. postgres.js
 * reports a connection lost mid-query (PostgreSQL restarting, `ECONNRESET`) as that query's rejection,
 * never as an event that could crash the process, and opens a new connection for the next query.
 */
export function connectDatabase(
  url: string,
  poolSize = 10,
  options: { onStatement?: (text: string) => void } = {},
): DatabaseHandle {
  const { onStatement } = options;
  const client = postgres(url, {
    max: poolSize,
    connect_timeout: CONNECT_TIMEOUT_S,
    onnotice: () => undefined,
    // Off unless asked for (the benchmark counts statements): postgres.js then keeps each query's text.
    ...(onStatement ? { debug: (_connection: number, text: string) => onStatement(text) } : {}),
  });
  const db = drizzle(preparing(client), { schema, casing: 'snake_case' });
  return {
    db,
    ping: async () => {
      await client`select 1`;
    },
    listen: (channel, onNotify, onListen) => client.listen(channel, onNotify, onListen),
    close: () => client.end({ timeout: 5 }),
  };
}

/** A database or an open transaction: repository functions that compose into larger transactions take this. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * `main` and the writes `beside` it sent as one statement (those as data-modifying CTEs): one round trip,
 * and all or nothing even outside a transaction. They see one snapshot, so none may read what another writes.
 * Returns how many rows `main` returned.
 */
export async function writeTogether(
  tx: Executor,
  main: SQLWrapper,
  beside: readonly SQLWrapper[],
): Promise<number> {
  const rows = await tx.execute(
    // getSQL(): a query builder put into `sql` directly would come out in parentheses, as a subquery.
    beside.length === 0
      ? main.getSQL()
      : sql`with ${sql.join(
          beside.map((write, i) => sql`${sql.identifier(`write_${i}`)} as (${write.getSQL()})`),
          sql`, `,
        )} ${main.getSQL()}`,
  );
  return rows.length;
}
