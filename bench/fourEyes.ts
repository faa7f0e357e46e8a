import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/api/app.js';
import type { Database } from '../src/db/client.js';
import { issueToken } from '../src/db/users.js';
import { openCase } from '../src/domain/lifecycle/intake.js';
import { businessLines } from '../src/domain/vocabulary.js';
import { apiDepsFor } from '../test/support/api.js';
import { connectServices } from '../test/support/services.js';
import type { ThrowawayStack } from '../test/support/stack.js';
import { startThrowawayStack } from '../test/support/stack.js';
import { caseInput, makeUser, newAccountId } from '../test/support/world.js';
import type { SectionResult } from './section.js';
import { check, percentile, report } from './section.js';

/*
 * `GET /v1/reports/four-eyes` over a month holding BENCH_FOUR_EYES_CASES (2,000) decided proposals made and
 * decided among 20 users, most of them viewed first and some with evidence opened, against the operations
 * report over the same rows as the reference, and two floors: `GET /v1/me` (the API's own path: token,
 * permissions, one small read) and `select 1` on the same database. The month ends 400 days back, before
 * any case another section makes (the query section's 100,000 go back 347 days), so the report reads the
 * seeded decisions alone. The four are timed in turn, request by request, so a change in the machine's
 * load hits all of them. `npx tsx bench/fourEyes.ts` runs it alone on a throw-away stack.
 */

export interface FourEyesOptions {
  cases?: number;
  /** Timed requests per report. */
  samples?: number;
}

const goals = { reportP99Ms: 200 };
const DAY = 86_400_000;

const sqlArray = (values: readonly string[]) => sql.raw(`(array['${values.join("','")}'])`);

/**
 * `count` closed complaints shaped like `template`, each with one proposal by one of `makers` decided by
 * one of `checkers` (every fifth rejected, every third carrying evidence) over the 30 days before `to`,
 * and the checkers' first views: nine in ten viewed the proposal, every other one opened the evidence.
 */
async function fillDecisions(
  db: Database,
  input: { count: number; to: Date; template: object; makers: string[]; checkers: string[] },
): Promise<void> {
  const makers = sqlArray(input.makers);
  const checkers = sqlArray(input.checkers);
  const iso = (column: string) =>
    sql.raw(`to_char((${column}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  await db.execute(sql`
    insert into cases (id, workflow_id, type, status, outcome, account_id, business_line, channel, risk_tier,
      assignee, created_by, sla_breached, revision, data, created_at, updated_at, first_claimed_at, closed_at)
    select g.id, 'case-' || g.id, 'complaint', 'closed', 'resolved_no_action', g.account_id, g.line, 'email',
      'low', g.maker, g.maker, false, 10,
      ${JSON.stringify(input.template)}::jsonb || jsonb_build_object('id', g.id, 'workflowId', 'case-' || g.id,
        'status', 'closed', 'outcome', 'resolved_no_action', 'accountId', g.account_id, 'businessLine', g.line,
        'assignee', g.maker, 'createdBy', g.maker, 'createdAt', ${iso('g.created_at')},
        'updatedAt', ${iso('g.decided_at')}, 'closedAt', ${iso('g.decided_at')},
        'proposals', jsonb_build_array(jsonb_build_object(
          'id', 'prop-1', 'controlIds', '[]'::jsonb, 'controlVersions', '{}'::jsonb,
          'reasonCode', 'verified_owner', 'justification', 'bench',
          'evidence', case when g.i % 3 = 0 then '[{"kind":"other","ref":"DOC-1"}]'::jsonb else '[]'::jsonb end,
          'maker', g.maker, 'requiredApprovals', 1, 'requiredRole', null, 'requiredRoles', '[]'::jsonb,
          'approvals', case when g.i % 5 = 0 then '[]'::jsonb else jsonb_build_array(jsonb_build_object(
            'by', g.checker, 'at', ${iso('g.decided_at')}, 'comment', null, 'countsAs', null)) end,
          'rejection', case when g.i % 5 = 0 then jsonb_build_object(
            'by', g.checker, 'at', ${iso('g.decided_at')}, 'comment', 'bench') end,
          'status', case when g.i % 5 = 0 then 'rejected' else 'approved' end,
          'createdAt', ${iso('g.created_at')}, 'expiresAt', ${iso("g.created_at + interval '1 day'")},
          'decidedAt', ${iso('g.decided_at')}))),
      g.created_at, g.decided_at, g.created_at, g.decided_at
    from (
      select i, 'FE-BENCH-' || lpad(i::text, 6, '0') as id, 'acct-fe-bench-' || i as account_id,
        ${sqlArray(businessLines)}[1 + i % ${businessLines.length}] as line,
        ${makers}[1 + i % ${input.makers.length}] as maker,
        ${checkers}[1 + (i * 7) % ${input.checkers.length}] as checker,
        ${input.to.toISOString()}::timestamptz - (i * interval '21 minutes') - interval '1 hour' as created_at,
        ${input.to.toISOString()}::timestamptz - (i * interval '21 minutes') as decided_at
      from generate_series(1, ${input.count}) as i
    ) g`);
  await db.execute(sql`
    insert into proposal_views (case_id, proposal_id, user_id, what, first_viewed_at)
    select c.id, 'prop-1', d.checker, v.what, c.closed_at - ((n % 90) + 1) * interval '1 second'
    from cases c
    cross join lateral (select substring(c.id from 10)::int as n) k
    cross join lateral (select coalesce(c.data #>> '{proposals,0,approvals,0,by}',
      c.data #>> '{proposals,0,rejection,by}') as checker) d
    cross join lateral (values ('proposal'), ('evidence')) v(what)
    where c.id like 'FE-BENCH-%' and n % 10 <> 0 and (v.what = 'proposal' or n % 2 = 0)`);
  await db.execute(sql`vacuum (analyze) cases`);
  await db.execute(sql`vacuum (analyze) proposal_views`);
  await db.execute(sql`vacuum (analyze) case_decisions`);
}

export async function measureFourEyes(
  stack: ThrowawayStack,
  options: FourEyesOptions = {},
): Promise<SectionResult> {
  const caseCount = options.cases ?? 2_000;
  const samples = options.samples ?? 200;
  const services = await connectServices({
    databaseUrl: stack.databaseUrl,
    temporalAddress: stack.server.address,
    bundlePath: stack.bundlePath,
  });
  const deps = apiDepsFor(services);
  const app = createApp(deps);
  try {
    const makers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => makeUser(services, ['agent'], { name: `Maker ${i}` })),
    );
    const checkers = await Promise.all(
      Array.from({ length: 15 }, (_, i) => makeUser(services, ['checker'], { name: `Checker ${i}` })),
    );
    const auditor = await makeUser(services, ['auditor']);
    const { token } = await issueToken(services.database.db, auditor.id);
    const to = new Date(Date.now() - 400 * DAY);
    const from = new Date(to.getTime() - 30 * DAY);
    const template = openCase(
      'FE-BENCH-TEMPLATE',
      caseInput(newAccountId(), { type: 'complaint', controlIds: [] }),
      { tier: 'low', reasons: ['bench'] },
      makers[0]!.id,
      from.toISOString(),
    );
    const started = performance.now();
    await fillDecisions(services.database.db, {
      count: caseCount,
      to,
      template,
      makers: makers.map((m) => m.id),
      checkers: checkers.map((c) => c.id),
    });
    const insertSeconds = (performance.now() - started) / 1_000;

    const window = `from=${from.toISOString()}&to=${new Date(to.getTime() + 1_000).toISOString()}`;
    let fourEyesBody: Record<string, unknown> = {};
    const get = (path: string, keep?: (body: Record<string, unknown>) => void) => async () => {
      const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
      keep?.(body);
    };
    const probes = {
      fourEyes: get(`/v1/reports/four-eyes?${window}`, (body) => (fourEyesBody = body)),
      operationsReport: get(`/v1/reports/operations?${window}`),
      me: get('/v1/me'),
      select1: async () => {
        await services.database.db.execute(sql`select 1`);
      },
    };
    const times = Object.fromEntries(Object.keys(probes).map((name) => [name, [] as number[]])) as Record<
      keyof typeof probes,
      number[]
    >;
    // The first ten rounds warm the statements and the code paths up; they are not counted.
    for (let i = 0; i < samples + 10; i += 1) {
      for (const [name, probe] of Object.entries(probes) as [keyof typeof probes, () => Promise<void>][]) {
        const t0 = performance.now();
        await probe();
        if (i >= 10) times[name].push(performance.now() - t0);
      }
    }
    const figure = (name: keyof typeof probes) => ({
      p50Ms: percentile(times[name], 50),
      p99Ms: percentile(times[name], 99),
    });
    const fourEyes = figure('fourEyes');
    const operations = figure('operationsReport');
    const team = fourEyesBody.team as { decisions: number };
    if (team.decisions !== caseCount) {
      throw new Error(`the four-eyes report counted ${team.decisions} decisions of the ${caseCount} seeded`);
    }
    return {
      figures: {
        cases: caseCount,
        users: makers.length + checkers.length,
        samples,
        insertSeconds,
        decisionsCounted: team.decisions,
        fourEyes,
        operationsReport: operations,
        floor: { me: figure('me'), select1: figure('select1') },
        p50VsOperationsReport: fourEyes.p50Ms / operations.p50Ms,
        p99VsOperationsReport: fourEyes.p99Ms / operations.p99Ms,
      },
      checks: [
        check(
          `GET /v1/reports/four-eyes, ${caseCount} cases: p99 (ms)`,
          fourEyes.p99Ms,
          `<= ${goals.reportP99Ms}`,
        ),
      ],
    };
  } finally {
    deps.feed.close();
    await services.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stack = await startThrowawayStack();
  try {
    const section = await measureFourEyes(stack, {
      cases: Number(process.env.BENCH_FOUR_EYES_CASES ?? 2_000),
    });
    process.exitCode = report({ fourEyes: section }) ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
