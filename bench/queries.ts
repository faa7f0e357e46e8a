import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/api/app.js';
import type { Database } from '../src/db/client.js';
import type { CaseFilters } from '../src/db/projections.js';
import { issueToken } from '../src/db/users.js';
import type { BusinessLineScope, Role } from '../src/domain/permissions.js';
import {
  businessLines,
  caseStatuses,
  caseTypes,
  outcomes as outcomeNames,
} from '../src/domain/vocabulary.js';
import { apiDepsFor } from '../test/support/api.js';
import { connectServices } from '../test/support/services.js';
import type { ThrowawayStack } from '../test/support/stack.js';
import { startThrowawayStack } from '../test/support/stack.js';
import { applyControl, caseInput, makeUser, newAccountId } from '../test/support/world.js';
import type { Check, SectionResult } from './section.js';
import { check, percentile, report } from './section.js';

/*
 * The database side of a case: how many statements the API and the worker send for one low-tier unfreeze
 * driven over HTTP (intake, claim, propose, approve, each with an Idempotency-Key, then the lift, the
 * monitoring window and the closing), and how fast `GET /v1/cases` answers each filter with 100,000
 * cases in the projection. `npx tsx bench/queries.ts` runs it alone on a throw-away stack.
 */

export interface QueriesOptions {
  /** Unfreeze cases driven one at a time while counting statements. */
  cases?: number;
  /** Rows put into the projection for the list timings. */
  rows?: number;
  /** Timed requests per filter. */
  samples?: number;
}

// 75 statements per case before recordProgress wrote a batch in one statement and tokens were cached.
const goals = { statementsPerCase: 60, listP99Ms: 50 };

/** The statement's kind, for the breakdown: its first words, without parameters or quoted names. */
function kindOf(text: string): string {
  const words = text.replace(/"/g, '').replace(/\s+/g, ' ').trim().split(' ').slice(0, 4).join(' ');
  return words.length > 60 ? words.slice(0, 60) : words;
}

const sqlArray = (values: readonly string[]) => sql.raw(`(array['${values.join("','")}'])`);
const statuses = sqlArray(caseStatuses.filter((status) => status !== 'closed'));
const outcomes = sqlArray(outcomeNames);
const types = sqlArray(caseTypes);
const lines = sqlArray(businessLines);

/**
 * `rows` cases in one statement, shaped like the case `templateId` with their own id, type, status, account,
 * line, tier, assignee and age: 70 % closed, a rare status about 4 %, 3 % critical, 5 % past their SLA.
 */
export async function fillProjection(db: Database, rows: number, templateId: string): Promise<void> {
  await db.execute(sql`
      insert into cases (id, workflow_id, type, status, outcome, account_id, business_line, channel, risk_tier,
        assignee, created_by, sla_breached, revision, data, created_at, updated_at, first_claimed_at, closed_at)
      select g.id, 'case-' || g.id, g.type, g.status, g.outcome, g.account_id, g.business_line, 'email', g.risk_tier,
        g.assignee, 'usr_bench_agent', g.sla_breached, 10,
        t.data || jsonb_build_object('id', g.id, 'workflowId', 'case-' || g.id, 'type', g.type, 'status', g.status,
          'outcome', g.outcome, 'accountId', g.account_id, 'businessLine', g.business_line, 'riskTier', g.risk_tier,
          'assignee', g.assignee, 'slaBreached', g.sla_breached,
          'createdAt', to_char(g.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'updatedAt', to_char(g.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'closedAt', case when g.status = 'closed'
            then to_char((g.created_at + interval '1 day') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end),
        g.created_at, g.created_at, g.created_at,
        case when g.status = 'closed' then g.created_at + interval '1 day' end
      from (
        select 'BENCH-' || lpad(i::text, 7, '0') as id,
          ${types}[1 + i % 3] as type,
          s.status,
          case when s.status = 'closed' then ${outcomes}[1 + i % 6] end as outcome,
          'acct-bench-' || (i % 20000) as account_id,
          ${lines}[1 + i % 8] as business_line,
          case when i % 100 < 60 then 'low' when i % 100 < 85 then 'medium' when i % 100 < 97 then 'high'
            else 'critical' end as risk_tier,
          case when s.status <> 'open' then 'usr_bench_' || (i % 50) end as assignee,
          i % 20 = 0 as sla_breached,
          date_trunc('milliseconds', now()) - interval '1 hour' - i * interval '5 minutes' as created_at
        from generate_series(1, ${rows}) as i,
          lateral (select case when i % 10 < 7 then 'closed'
            else ${statuses}[1 + (i / 10) % 7] end as status) s
      ) g, (select data from cases where id = ${templateId}) t`);
  // Settled as autovacuum keeps a table: otherwise the first filter timed pays for this bulk insert, setting
  // the hint bits of every page it reads first while autovacuum works through the same rows beside it. The
  // template's decided proposal gave every row a case_decisions row too (the projection's trigger), which
  // autovacuum would otherwise work through while the lists are timed.
  await db.execute(sql`vacuum (analyze) cases`);
  await db.execute(sql`vacuum (analyze) case_decisions`);
}

export async function measureQueries(
  stack: ThrowawayStack,
  options: QueriesOptions = {},
): Promise<SectionResult> {
  const caseCount = options.cases ?? 5;
  const rowCount = options.rows ?? 100_000;
  const samples = options.samples ?? 200;
  let counting = false;
  const statements = new Map<string, number>();
  const services = await connectServices(
    { databaseUrl: stack.databaseUrl, temporalAddress: stack.server.address, bundlePath: stack.bundlePath },
    {
      policy: { monitoring: { window: { low: '1s', medium: '1s', high: '1s', critical: '1s' } } },
      onStatement: (text) => {
        if (!counting) return;
        const kind = kindOf(text);
        statements.set(kind, (statements.get(kind) ?? 0) + 1);
      },
    },
  );
  const deps = apiDepsFor(services);
  const app = createApp(deps);
  try {
    const person = async (roles: Role[], scopes: BusinessLineScope[] = ['*']) => {
      const actor = await makeUser(services, roles, { businessLines: scopes });
      return { ...actor, token: (await issueToken(services.database.db, actor.id)).token };
    };
    const agent = await person(['agent']);
    const checker = await person(['checker']);
    const auditor = await person(['auditor']);
    const p2pReader = await person(['auditor'], ['p2p']);

    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (method !== 'GET') headers['idempotency-key'] = randomUUID();
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await app.request(path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const parsed = (await response.json()) as Record<string, unknown>;
      if (response.status >= 300)
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(parsed)}`);
      return parsed;
    };

    const perCase: number[] = [];
    let templateId = '';
    for (let i = 0; i < caseCount; i += 1) {
      const lock = await applyControl(services, newAccountId(), 'login_lock');
      statements.clear();
      counting = true;
      const created = await call(
        agent.token,
        'POST',
        '/v1/cases',
        caseInput(lock.accountId, { controlIds: [lock.id] }),
      );
      const caseId = created.id as string;
      await call(agent.token, 'POST', `/v1/cases/${caseId}/claim`);
      const proposed = await call(agent.token, 'POST', `/v1/cases/${caseId}/proposals`, {
        controlIds: [lock.id],
        reasonCode: 'verified_owner',
        justification: 'bench',
      });
      const proposalId = (proposed.proposals as { id: string }[])[0]!.id;
      await call(checker.token, 'POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {});
      await services.client.workflow.getHandle(created.workflowId as string).result();
      counting = false;
      perCase.push([...statements.values()].reduce((a, b) => a + b, 0));
      templateId = caseId;
    }
    const breakdown = Object.fromEntries(
      [...statements.entries()].sort((a, b) => b[1] - a[1]).map(([kind, n]) => [kind, n]),
    );

    const started = performance.now();
    await fillProjection(services.database.db, rowCount, templateId);
    const insertSeconds = (performance.now() - started) / 1_000;

    // Every filter of the route, for a reader of all lines and for one who sees a single line.
    const everyLine: [string, CaseFilters][] = [
      ['newest first', {}],
      ['status (common)', { status: 'closed' }],
      ['status (rare)', { status: 'awaiting_approval' }],
      ['type', { type: 'unbind' }],
      ['assignee', { assignee: 'usr_bench_7' }],
      ['accountId', { accountId: 'acct-bench-123' }],
      ['businessLine', { businessLine: 'card' }],
      ['riskTier (rare)', { riskTier: 'critical' }],
      ['slaBreached', { slaBreached: true }],
      ['status + assignee', { status: 'in_review', assignee: 'usr_bench_7' }],
    ];
    const filters = [
      ...everyLine.map(([name, filter]) => [name, auditor, filter] as const),
      ['one line in scope', p2pReader, {}] as const,
      ['one line in scope + status', p2pReader, { status: 'awaiting_approval' }] as const,
    ];
    const timed = async (run: (page: number) => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < samples + 10; i += 1) {
        const t0 = performance.now();
        await run(i % 2);
        if (i >= 10) times.push(performance.now() - t0);
      }
      return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
    };
    const list: Record<string, unknown> = {};
    const checks: Check[] = [];
    for (const [name, reader, filter] of filters) {
      const query = new URLSearchParams(
        Object.entries(filter).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      const first = await call(reader.token, 'GET', `/v1/cases?${query}`);
      const cursor = (first.nextCursor as string | null) ?? undefined;
      const pages = [query, cursor ? `${query}&cursor=${encodeURIComponent(cursor)}` : query];
      // The first page and the next, alternately: a keyset page costs the same wherever it starts.
      const http = await timed((page) => call(reader.token, 'GET', `/v1/cases?${pages[page]!}`));
      const repository = await timed((page) =>
        deps.cases.list(reader, filter, 50, page === 1 ? cursor : undefined),
      );
      list[name] = { items: (first.items as unknown[]).length, http, repository };
      checks.push(check(`GET /v1/cases ${name}: p99 (ms)`, http.p99Ms, `<= ${goals.listP99Ms}`));
    }
    const statementsPerCase = percentile(perCase, 50);
    checks.unshift(
      check('statements per low-tier unfreeze', statementsPerCase, `<= ${goals.statementsPerCase}`),
    );
    return {
      figures: {
        statementsPerCase: perCase,
        statementsOfLastCase: breakdown,
        projectionRows: rowCount,
        insertSeconds,
        // Measured on a shared machine: the load says how far its timings are from a quiet one's.
        loadAverage: loadavg(),
        cores: cpus().length,
        listCases: list,
      },
      checks,
    };
  } finally {
    deps.feed.close();
    await services.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stack = await startThrowawayStack();
  try {
    const section = await measureQueries(stack, {
      cases: Number(process.env.BENCH_QUERY_CASES ?? 5),
      rows: Number(process.env.BENCH_PROJECTION_ROWS ?? 100_000),
    });
    process.exitCode = report({ queries: section }) ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
