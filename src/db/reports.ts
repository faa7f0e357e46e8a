import type { SQL } from 'drizzle-orm';
import { and, asc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Case } from '../domain/case.js';
import { riskTiers } from '../domain/vocabulary.js';
import {
  BusinessLine,
  CaseType,
  Channel,
  Department,
  Outcome,
  RiskTier,
} from '../domain/schemas/vocabulary.js';
import type { Database } from './client.js';
import { auditEvents, cases } from './schema/index.js';

const count = z.number().int().min(0);

const DurationFigures = z
  .object({
    samples: count.describe('cases that contribute a duration'),
    medianSeconds: z.number().nullable().describe('median in seconds; null without samples'),
    p90Seconds: z.number().nullable().describe('90th percentile in seconds; null without samples'),
  })
  .describe('a duration distribution (continuous percentiles)');
export type DurationFigures = z.infer<typeof DurationFigures>;

export const OperationsReport = z
  .object({
    from: z.iso.datetime().describe('start of the window, inclusive'),
    to: z.iso.datetime().describe('end of the window, exclusive'),
    businessLine: z.union([BusinessLine, z.null()]).describe('the business line reported on; null for all'),
    opened: z
      .array(z.object({ type: CaseType, businessLine: BusinessLine, count }))
      .describe('cases created in the window, by type and business line'),
    closed: z
      .array(z.object({ type: CaseType, businessLine: BusinessLine, outcome: Outcome, count }))
      .describe('cases closed in the window, by type, business line and outcome'),
    timeToFirstClaim: DurationFigures.describe(
      'from creation to the first claim, over cases created in the window and claimed since',
    ),
    timeToClose: DurationFigures.describe(
      'from creation to closure, over cases created in the window and closed since',
    ),
    responseTimes: z
      .array(
        z.object({
          channel: Channel,
          riskTier: RiskTier,
          timeToFirstResponse: DurationFigures.describe(
            'from creation to the first claim (the first response a case deadline asks for)',
          ),
          timeToResolution: DurationFigures.describe('from creation to closure'),
        }),
      )
      .describe(
        'over cases created in the window, by channel and risk tier (tiers from low to critical): p50 (median) and p90 time to first response and to resolution',
      ),
    slaBreachRate: z
      .array(
        z.object({
          department: Department,
          escalations: count.describe('escalations to this department requested in the window'),
          breached: count.describe('of those, how many missed their SLA'),
          rate: z.number().min(0).max(1).describe('breached / escalations'),
        }),
      )
      .describe('per department, how often escalations requested in the window missed their SLA'),
    lifts: count.describe('lifts of controls carried out in the window'),
    reverts: count.describe('compensating re-freezes completed in the window while the lift was monitored'),
    lateReverts: count.describe('re-freezes completed in the window of lifts whose case had already closed'),
    revertRate: z
      .number()
      .min(0)
      .nullable()
      .describe(
        '(reverts + lateReverts) / lifts in the window, the wrong-unfreeze rate; null without lifts. A revert may undo a lift from before the window, so this can exceed 1 on short windows',
      ),
    lateRevertRate: z
      .number()
      .min(0)
      .nullable()
      .describe(
        'lateReverts / lifts in the window: wrong unfreezes found only after monitoring; null without lifts',
      ),
    campaignLifts: count.describe(
      'accounts incident campaigns lifted in the window, apart from `lifts` (which counts single cases only)',
    ),
    campaignReverts: count.describe('campaign lifts reverted in the window (by a revert or a risk signal)'),
    campaignRevertRate: z
      .number()
      .min(0)
      .nullable()
      .describe(
        'campaignReverts / campaignLifts in the window, the campaigns’ wrong-unfreeze rate; null without campaign lifts',
      ),
  })
  .describe('figures for improving the risk-operations process over a time window');
export type OperationsReport = z.infer<typeof OperationsReport>;

export interface OperationsReportInput {
  from: Date;
  to: Date;
  businessLine?: BusinessLine | undefined;
}

/** Seconds with millisecond precision: finer digits are noise to a reader and churn in JSON diffs. */
function seconds(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1_000) / 1_000;
}

function durationColumns(elapsed: SQL) {
  return {
    samples: sql<number>`count(${elapsed})`.mapWith(Number),
    median: sql<number | null>`percentile_cont(0.5) within group (order by ${elapsed})`.mapWith(Number),
    p90: sql<number | null>`percentile_cont(0.9) within group (order by ${elapsed})`.mapWith(Number),
  };
}

/**
 * The operations report over [from, to). Every business-line filter goes through the cases table, so audit
 * rows and escalations count for the line of the case they belong to.
 */
export async function operationsReport(
  db: Database,
  input: OperationsReportInput,
): Promise<OperationsReport> {
  const { from, to, businessLine } = input;
  if (!(from.getTime() < to.getTime())) {
    throw new RangeError(
      `the report window is empty: from (${String(from)}) must be before to (${String(to)})`,
    );
  }
  const onLine = businessLine ? eq(cases.businessLine, businessLine) : undefined;
  const createdInWindow = and(gte(cases.createdAt, from), lt(cases.createdAt, to), onLine);

  // One read-only snapshot, so the figures agree with each other while workers keep writing.
  return db.transaction(
    async (tx) => {
      const opened = await tx
        .select({ type: cases.type, businessLine: cases.businessLine, count: sql<number>`count(*)::int` })
        .from(cases)
        .where(createdInWindow)
        .groupBy(cases.type, cases.businessLine)
        .orderBy(asc(cases.type), asc(cases.businessLine));

      const closed = await tx
        .select({
          type: cases.type,
          businessLine: cases.businessLine,
          outcome: cases.outcome,
          count: sql<number>`count(*)::int`,
        })
        .from(cases)
        .where(and(gte(cases.closedAt, from), lt(cases.closedAt, to), onLine))
        .groupBy(cases.type, cases.businessLine, cases.outcome)
        .orderBy(asc(cases.type), asc(cases.businessLine), asc(cases.outcome));

      const claim = durationColumns(
        sql`extract(epoch from ${cases.firstClaimedAt} - ${cases.createdAt})::float8`,
      );
      const close = durationColumns(sql`extract(epoch from ${cases.closedAt} - ${cases.createdAt})::float8`);
      const [durations] = await tx
        .select({
          claimSamples: claim.samples,
          claimMedian: claim.median,
          claimP90: claim.p90,
          closeSamples: close.samples,
          closeMedian: close.median,
          closeP90: close.p90,
        })
        .from(cases)
        .where(createdInWindow);

      const response = durationColumns(
        sql`extract(epoch from ${cases.firstClaimedAt} - ${cases.createdAt})::float8`,
      );
      const resolution = durationColumns(
        sql`extract(epoch from ${cases.closedAt} - ${cases.createdAt})::float8`,
      );
      const byChannelAndTier = await tx
        .select({
          channel: cases.channel,
          riskTier: cases.riskTier,
          responseSamples: response.samples,
          responseMedian: response.median,
          responseP90: response.p90,
          resolutionSamples: resolution.samples,
          resolutionMedian: resolution.median,
          resolutionP90: resolution.p90,
        })
        .from(cases)
        .where(createdInWindow)
        .groupBy(cases.channel, cases.riskTier)
        .orderBy(
          asc(cases.channel),
          asc(
            sql`array_position(array[${sql.join(
              riskTiers.map((t) => sql`${t}`),
              sql`, `,
            )}]::text[], ${cases.riskTier})`,
          ),
        );

      // No escalation predates its case, so created_at < to lets the index skip newer cases. Raw SQL takes
      // times as ISO text: the driver serializes dates only for typed columns.
      const escalations = await tx.execute<{
        department: string;
        escalations: number;
        breached: number;
        rate: number;
      }>(sql`
        select e.department,
               count(*)::int as escalations,
               count(*) filter (where e.breached)::int as breached,
               (count(*) filter (where e.breached))::float8 / count(*) as rate
        from ${cases} c
        cross join lateral jsonb_to_recordset(coalesce(c.data -> 'escalations', '[]'::jsonb))
          as e(department text, "requestedAt" timestamptz, breached boolean)
        where c.created_at < ${to.toISOString()}
          and e."requestedAt" >= ${from.toISOString()} and e."requestedAt" < ${to.toISOString()}
          ${businessLine ? sql`and c.business_line = ${businessLine}` : sql``}
        group by e.department
        order by e.department`);

      const lifted = 'controls.lifted';
      const reverted = 'revert.completed';
      const revertedLate = 'revert.completed_late';
      const [removals] = await tx
        .select({
          lifts: sql<number>`count(*) filter (where ${auditEvents.action} = ${lifted})::int`,
          reverts: sql<number>`count(*) filter (where ${auditEvents.action} = ${reverted})::int`,
          lateReverts: sql<number>`count(*) filter (where ${auditEvents.action} = ${revertedLate})::int`,
          revertRate: sql<
            number | null
          >`(count(*) filter (where ${auditEvents.action} in (${reverted}, ${revertedLate})))::float8
            / nullif(count(*) filter (where ${auditEvents.action} = ${lifted}), 0)`.mapWith(Number),
          lateRevertRate: sql<
            number | null
          >`(count(*) filter (where ${auditEvents.action} = ${revertedLate}))::float8
            / nullif(count(*) filter (where ${auditEvents.action} = ${lifted}), 0)`.mapWith(Number),
        })
        .from(auditEvents)
        .innerJoin(cases, eq(cases.id, auditEvents.caseId))
        .where(
          and(
            inArray(auditEvents.action, [lifted, reverted, revertedLate]),
            eq(auditEvents.outcome, 'accepted'),
            gte(auditEvents.at, from),
            lt(auditEvents.at, to),
            onLine,
          ),
        );

      // On the campaign's own chain only: each lift and revert is also on the account's, and must count once.
      // A business line counts a campaign lift when one of the account's lifted controls is on it.
      const campaignLifted = 'campaign.account_lifted';
      const campaignReverted = 'campaign.account_reverted';
      const [campaignRemovals] = await tx
        .select({
          lifts: sql<number>`count(*) filter (where ${auditEvents.action} = ${campaignLifted})::int`,
          reverts: sql<number>`count(*) filter (where ${auditEvents.action} = ${campaignReverted})::int`,
        })
        .from(auditEvents)
        .where(
          and(
            inArray(auditEvents.action, [campaignLifted, campaignReverted]),
            eq(auditEvents.outcome, 'accepted'),
            sql`${auditEvents.stream} like 'campaign:%'`,
            gte(auditEvents.at, from),
            lt(auditEvents.at, to),
            businessLine ? sql`${auditEvents.details}->'businessLines' ? ${businessLine}` : undefined,
          ),
        );
      const campaignLifts = campaignRemovals?.lifts ?? 0;
      const campaignReverts = campaignRemovals?.reverts ?? 0;

      return OperationsReport.parse({
        from: from.toISOString(),
        to: to.toISOString(),
        businessLine: businessLine ?? null,
        opened,
        closed,
        timeToFirstClaim: {
          samples: durations?.claimSamples ?? 0,
          medianSeconds: seconds(durations?.claimMedian ?? null),
          p90Seconds: seconds(durations?.claimP90 ?? null),
        },
        timeToClose: {
          samples: durations?.closeSamples ?? 0,
          medianSeconds: seconds(durations?.closeMedian ?? null),
          p90Seconds: seconds(durations?.closeP90 ?? null),
        },
        responseTimes: byChannelAndTier.map((row) => ({
          channel: row.channel,
          riskTier: row.riskTier,
          timeToFirstResponse: {
            samples: row.responseSamples,
            medianSeconds: seconds(row.responseMedian),
            p90Seconds: seconds(row.responseP90),
          },
          timeToResolution: {
            samples: row.resolutionSamples,
            medianSeconds: seconds(row.resolutionMedian),
            p90Seconds: seconds(row.resolutionP90),
          },
        })),
        slaBreachRate: [...escalations],
        lifts: removals?.lifts ?? 0,
        reverts: removals?.reverts ?? 0,
        lateReverts: removals?.lateReverts ?? 0,
        revertRate: removals?.revertRate ?? null,
        lateRevertRate: removals?.lateRevertRate ?? null,
        campaignLifts,
        campaignReverts,
        campaignRevertRate: campaignLifts === 0 ? null : campaignReverts / campaignLifts,
      });
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The cases still open, on one business line or all, as the workload report reads them. */
export async function openCases(db: Database, businessLine?: BusinessLine): Promise<Case[]> {
  const rows = await db
    .select({ data: cases.data })
    .from(cases)
    .where(and(ne(cases.status, 'closed'), businessLine ? eq(cases.businessLine, businessLine) : undefined));
  return rows.map((row) => row.data);
}
