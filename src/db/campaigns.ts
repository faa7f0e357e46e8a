import type { SQL } from 'drizzle-orm';
import { and, asc, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { AccountFacts, CampaignAccountState, ExclusionReason } from '../domain/campaigns.js';
import { exclusionOf, exclusionReasons } from '../domain/campaigns.js';
import type { ControlRef, ControlSnapshot } from '../domain/controls.js';
import type { AuditEntry } from '../domain/lifecycle/rule.js';
import type { Policy } from '../domain/policy.js';
import type { Campaign, CampaignSelector } from '../domain/schemas/campaigns.js';
import type { ControlSource, Severity } from '../domain/vocabulary.js';
import type { AuditInput } from './audit.js';
import { appendAudit } from './audit.js';
import type { Database, Executor } from './client.js';
import { campaignAccounts, campaigns, cases, riskSignals } from './schema/index.js';

/** A matched account as the dry run leaves it: its controls, and why it is excluded if it is. */
export interface SelectedAccount {
  accountId: string;
  controls: ControlRef[];
  exclusion: ExclusionReason | null;
}

export const campaignStream = (id: string) => `campaign:${id}`;
export const accountStream = (accountId: string) => `account:${accountId}`;

const textArray = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;

/**
 * The dry run: the active restrictions the selector matches in the registry, grouped by account, and each
 * account judged by the single-case rules (`exclusionOf`) on what the database knows of it now: claims
 * by open cases, recent risk signals, lifts in the ledger within the revert window, and cases marking
 * it high-value.
 */
export async function resolveSelection(
  db: Database,
  selector: CampaignSelector,
  policy: Policy,
  now: string,
): Promise<SelectedAccount[]> {
  const where: SQL[] = [sql`c.status = 'active'`, sql`c.category = 'restriction'`];
  if (selector.kinds) where.push(sql`c.kind = any(${textArray(selector.kinds)})`);
  if (selector.sources) where.push(sql`c.source = any(${textArray(selector.sources)})`);
  if (selector.externalRef !== undefined) where.push(sql`c.external_ref = ${selector.externalRef}`);
  if (selector.appliedAfter) where.push(sql`c.created_at >= ${selector.appliedAfter}::timestamptz`);
  if (selector.appliedBefore) where.push(sql`c.created_at < ${selector.appliedBefore}::timestamptz`);
  if (selector.businessLines) where.push(sql`c.business_line = any(${textArray(selector.businessLines)})`);
  if (selector.accountIds) where.push(sql`c.account_id = any(${textArray(selector.accountIds)})`);
  const matched = await db.execute<{
    id: string;
    account_id: string;
    version: number;
    source: ControlSource;
    claimed_by: string | null;
  }>(sql`select c.id, c.account_id, c.version, c.source, k.case_id as claimed_by
    from controls c left join case_control_claims k on k.control_id = c.id
    where ${sql.join(where, sql` and `)}
    order by c.account_id, c.id`);
  if (matched.length === 0) return [];

  const accounts = [...new Set(matched.map((m) => m.account_id))];
  const signalSince = new Date(Date.parse(now) - policy.campaigns.signalLookBack).toISOString();
  const liftSince = new Date(Date.parse(now) - policy.revert.window).toISOString();
  const [signals, lifts, highValue] = await Promise.all([
    db.execute<{
      account_id: string;
      severity: Severity;
      occurred_at: string;
    }>(sql`select account_id, severity,
      to_json(occurred_at)#>>'{}' as occurred_at from risk_signals
      where account_id = any(${textArray(accounts)}) and occurred_at >= ${signalSince}::timestamptz
        and severity in ('high', 'critical')`),
    db.execute<{
      account_id: string;
      lifted_at: string;
    }>(sql`select c.account_id, to_json(e.at)#>>'{}' as lifted_at
      from control_events e join controls c on c.id = e.control_id
      where e.action = 'lifted' and e.at >= ${liftSince}::timestamptz and c.account_id = any(${textArray(accounts)})`),
    db.execute<{ account_id: string }>(sql`select distinct account_id from cases
      where account_id = any(${textArray(accounts)}) and (data->'hints'->>'highValueAccount')::boolean`),
  ]);
  const facts = new Map<string, AccountFacts>(
    accounts.map((accountId) => [
      accountId,
      { accountId, controls: [], signals: [], lifts: [], highValue: false },
    ]),
  );
  const refs = new Map<string, ControlRef[]>();
  for (const m of matched) {
    (facts.get(m.account_id)?.controls as AccountFacts['controls'][number][]).push({
      id: m.id,
      source: m.source,
      claimedBy: m.claimed_by,
    });
    refs.set(m.account_id, [...(refs.get(m.account_id) ?? []), { id: m.id, version: m.version }]);
  }
  for (const s of signals) {
    (facts.get(s.account_id)?.signals as AccountFacts['signals'][number][]).push({
      severity: s.severity,
      occurredAt: s.occurred_at,
    });
  }
  for (const l of lifts) {
    (facts.get(l.account_id)?.lifts as AccountFacts['lifts'][number][]).push({ liftedAt: l.lifted_at });
  }
  for (const h of highValue) {
    const f = facts.get(h.account_id);
    if (f) f.highValue = true;
  }
  return accounts.map((accountId) => ({
    accountId,
    controls: refs.get(accountId) ?? [],
    exclusion: exclusionOf(facts.get(accountId) as AccountFacts, policy, now),
  }));
}

/** Audit rows of a campaign's stream, keyed so a retried record writes each once. */
export function campaignAuditInputs(
  campaignId: string,
  events: readonly (AuditEntry & { key: string; accountId?: string | undefined })[],
): AuditInput[] {
  return events.map((e) => ({
    stream: campaignStream(campaignId),
    at: e.at,
    actor: e.actor,
    action: e.action,
    outcome: 'accepted',
    details: e.details,
    accountId: e.accountId ?? null,
    eventKey: e.key,
  }));
}

const INSERT_CHUNK = 2_000;

async function insertAccounts(
  tx: Executor,
  campaignId: string,
  accounts: readonly SelectedAccount[],
  canary: ReadonlySet<string>,
) {
  for (let i = 0; i < accounts.length; i += INSERT_CHUNK) {
    await tx.insert(campaignAccounts).values(
      accounts.slice(i, i + INSERT_CHUNK).map((a) => ({
        campaignId,
        accountId: a.accountId,
        state: a.exclusion === null ? ('pending' as const) : ('excluded' as const),
        exclusion: a.exclusion,
        controls: a.controls,
        canary: canary.has(a.accountId),
      })),
    );
  }
}

/** The campaign's first record: its row, its dry run and its opening audit entry, all or nothing. */
export async function insertCampaign(
  db: Database,
  campaign: Campaign,
  accounts: readonly SelectedAccount[],
  canary: ReadonlySet<string>,
  opened: AuditEntry,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(campaigns).values({
      id: campaign.id,
      workflowId: campaign.workflowId,
      status: campaign.status,
      maker: campaign.maker,
      revision: campaign.revision,
      data: campaign,
      createdAt: new Date(campaign.createdAt),
      updatedAt: new Date(campaign.updatedAt),
    });
    await insertAccounts(tx, campaign.id, accounts, canary);
    await appendAudit(tx, campaignAuditInputs(campaign.id, [{ ...opened, key: `r${campaign.revision}` }]));
  });
}

/**
 * A new dry run replacing the old, before anything was lifted: the set changed, so the rows are written
 * again. Refuses (returns false) once any account left `pending`, which no reselection may undo.
 */
export async function replaceSelection(
  db: Database,
  campaignId: string,
  accounts: readonly SelectedAccount[],
  canary: ReadonlySet<string>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const started = await tx
      .select({ accountId: campaignAccounts.accountId })
      .from(campaignAccounts)
      .where(
        and(
          eq(campaignAccounts.campaignId, campaignId),
          sql`${campaignAccounts.state} in ('lifted', 'failed', 'reverted')`,
        ),
      )
      .limit(1);
    if (started.length > 0) return false;
    await tx.delete(campaignAccounts).where(eq(campaignAccounts.campaignId, campaignId));
    await insertAccounts(tx, campaignId, accounts, canary);
    return true;
  });
}

/** The campaign's state as of `campaign.revision` and its audit entries; an older revision changes nothing. */
export async function recordCampaign(
  db: Database,
  campaign: Campaign,
  events: readonly (AuditEntry & { key: string; accountId?: string | undefined })[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(campaigns)
      .set({
        status: campaign.status,
        revision: campaign.revision,
        data: campaign,
        updatedAt: new Date(campaign.updatedAt),
      })
      .where(and(eq(campaigns.id, campaign.id), lt(campaigns.revision, campaign.revision)));
    if (events.length > 0) await appendAudit(tx, campaignAuditInputs(campaign.id, events));
  });
}

export async function readCampaign(db: Database, id: string): Promise<Campaign | undefined> {
  const [row] = await db.select({ data: campaigns.data }).from(campaigns).where(eq(campaigns.id, id));
  return row?.data;
}

export async function listCampaigns(
  db: Database,
  limit: number,
  cursor?: { createdAt: string; id: string },
): Promise<Campaign[]> {
  const rows = await db
    .select({ data: campaigns.data })
    .from(campaigns)
    .where(
      cursor
        ? or(
            lt(campaigns.createdAt, new Date(cursor.createdAt)),
            and(eq(campaigns.createdAt, new Date(cursor.createdAt)), lt(campaigns.id, cursor.id)),
          )
        : undefined,
    )
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(limit);
  return rows.map((r) => r.data);
}

export interface CampaignCounts {
  matched: number;
  included: number;
  excluded: Record<ExclusionReason, number>;
  pending: number;
  lifted: number;
  failed: number;
  reverted: number;
  sampled: { approved: number; rejected: number; unchecked: number };
}

export async function campaignCounts(db: Database, campaign: Campaign): Promise<CampaignCounts> {
  const rows = await db
    .select({
      state: campaignAccounts.state,
      exclusion: campaignAccounts.exclusion,
      n: sql<number>`count(*)::int`,
    })
    .from(campaignAccounts)
    .where(eq(campaignAccounts.campaignId, campaign.id))
    .groupBy(campaignAccounts.state, campaignAccounts.exclusion);
  const count = (state: CampaignAccountState) =>
    rows.filter((r) => r.state === state).reduce((sum, r) => sum + r.n, 0);
  const excluded = Object.fromEntries(exclusionReasons.map((r) => [r, 0])) as Record<ExclusionReason, number>;
  for (const r of rows) if (r.exclusion) excluded[r.exclusion] += r.n;
  const decided = (decision: 'approved' | 'rejected') =>
    campaign.sampleChecks.filter((s) => s.decision === decision).length;
  return {
    matched: rows.reduce((sum, r) => sum + r.n, 0),
    included: rows.filter((r) => r.state !== 'excluded').reduce((sum, r) => sum + r.n, 0),
    excluded,
    pending: count('pending'),
    lifted: count('lifted') + count('reverted'),
    failed: count('failed'),
    reverted: count('reverted'),
    sampled: {
      approved: decided('approved'),
      rejected: decided('rejected'),
      unchecked: campaign.sample.length - campaign.sampleChecks.length,
    },
  };
}

export type CampaignAccountRow = typeof campaignAccounts.$inferSelect;

export async function campaignAccountsPage(
  db: Database,
  campaignId: string,
  options: { state?: CampaignAccountState | undefined; after?: string | undefined; limit: number },
): Promise<CampaignAccountRow[]> {
  return db
    .select()
    .from(campaignAccounts)
    .where(
      and(
        eq(campaignAccounts.campaignId, campaignId),
        options.state ? eq(campaignAccounts.state, options.state) : undefined,
        options.after ? gt(campaignAccounts.accountId, options.after) : undefined,
      ),
    )
    .orderBy(asc(campaignAccounts.accountId))
    .limit(options.limit);
}

/** The next accounts to lift, in account order after `after`: the canary ones first, or the rest. */
export async function pendingAccounts(
  db: Database,
  campaignId: string,
  options: { canary: boolean; after: string | null; limit: number },
): Promise<{ accountId: string; controls: ControlRef[] }[]> {
  return db
    .select({ accountId: campaignAccounts.accountId, controls: campaignAccounts.controls })
    .from(campaignAccounts)
    .where(
      and(
        eq(campaignAccounts.campaignId, campaignId),
        eq(campaignAccounts.state, 'pending'),
        options.canary ? eq(campaignAccounts.canary, true) : undefined,
        options.after ? gt(campaignAccounts.accountId, options.after) : undefined,
      ),
    )
    .orderBy(asc(campaignAccounts.accountId))
    .limit(options.limit);
}

export interface LiftOutcome {
  accountId: string;
  snapshot?: ControlSnapshot[] | undefined;
  failure?: string | undefined;
}

/**
 * The outcome of one wave of lifts: each account's row, and an entry on the campaign's chain and on each
 * account's own history. A row already past `pending` is left as it is, so a retry changes nothing.
 */
export async function recordLifts(
  db: Database,
  campaignId: string,
  outcomes: readonly LiftOutcome[],
  at: string,
  monitorUntil: string,
): Promise<void> {
  if (outcomes.length === 0) return;
  await db.transaction(async (tx) => {
    const audit: AuditInput[] = [];
    for (const o of outcomes) {
      const updated = await tx
        .update(campaignAccounts)
        .set(
          o.snapshot
            ? {
                state: 'lifted' as const,
                snapshot: o.snapshot,
                liftedAt: new Date(at),
                monitorUntil: new Date(monitorUntil),
              }
            : { state: 'failed' as const, failure: o.failure ?? 'unknown' },
        )
        .where(
          and(
            eq(campaignAccounts.campaignId, campaignId),
            eq(campaignAccounts.accountId, o.accountId),
            eq(campaignAccounts.state, 'pending'),
          ),
        )
        .returning({ accountId: campaignAccounts.accountId });
      if (updated.length === 0) continue;
      const details = o.snapshot
        ? {
            campaignId,
            controlIds: o.snapshot.map((c) => c.id),
            businessLines: [...new Set(o.snapshot.map((c) => c.businessLine))],
            monitorUntil,
          }
        : { campaignId, failure: o.failure };
      const action = o.snapshot ? 'campaign.account_lifted' : 'campaign.account_failed';
      for (const stream of [campaignStream(campaignId), accountStream(o.accountId)]) {
        audit.push({
          stream,
          at,
          actor: 'system',
          action,
          outcome: 'accepted',
          details: { ...details, accountId: o.accountId },
          accountId: o.accountId,
          eventKey: `${campaignId}:${action}:${o.accountId}`,
        });
      }
    }
    if (audit.length > 0) await appendAudit(tx, audit);
  });
}

export async function liftedAccount(
  db: Database,
  campaignId: string,
  accountId: string,
): Promise<CampaignAccountRow | undefined> {
  const [row] = await db
    .select()
    .from(campaignAccounts)
    .where(and(eq(campaignAccounts.campaignId, campaignId), eq(campaignAccounts.accountId, accountId)));
  return row;
}

/** An account's revert: its row, and an entry on the campaign's chain and the account's history. */
export async function recordRevert(
  db: Database,
  input: {
    campaignId: string;
    accountId: string;
    at: string;
    actor: string;
    reason: string;
    reapplied: string[];
    leftAlone: { id: string; why: string }[];
    /** The business lines of the lifted controls, so reports per line count the revert. */
    businessLines: string[];
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(campaignAccounts)
      .set({ state: 'reverted', revertedAt: new Date(input.at), leftAlone: input.leftAlone })
      .where(
        and(
          eq(campaignAccounts.campaignId, input.campaignId),
          eq(campaignAccounts.accountId, input.accountId),
          eq(campaignAccounts.state, 'lifted'),
        ),
      )
      .returning({ accountId: campaignAccounts.accountId });
    if (updated.length === 0) return;
    const details = {
      campaignId: input.campaignId,
      accountId: input.accountId,
      reason: input.reason,
      reapplied: input.reapplied,
      leftAlone: input.leftAlone,
      businessLines: input.businessLines,
    };
    await appendAudit(
      tx,
      [campaignStream(input.campaignId), accountStream(input.accountId)].map((stream) => ({
        stream,
        at: input.at,
        actor: input.actor,
        action: 'campaign.account_reverted',
        outcome: 'accepted' as const,
        details,
        accountId: input.accountId,
        eventKey: `${input.campaignId}:reverted:${input.accountId}`,
      })),
    );
  });
}

/** Lifted accounts still inside the revert window, in account order after `after`. */
export async function revertTargets(
  db: Database,
  campaignId: string,
  options: { after: string | null; liftedSince: string; limit: number },
): Promise<string[]> {
  const rows = await db
    .select({ accountId: campaignAccounts.accountId })
    .from(campaignAccounts)
    .where(
      and(
        eq(campaignAccounts.campaignId, campaignId),
        eq(campaignAccounts.state, 'lifted'),
        sql`${campaignAccounts.liftedAt} >= ${options.liftedSince}::timestamptz`,
        options.after ? gt(campaignAccounts.accountId, options.after) : undefined,
      ),
    )
    .orderBy(asc(campaignAccounts.accountId))
    .limit(options.limit);
  return rows.map((r) => r.accountId);
}

/** Campaigns still watching a lift on this account: a risk signal about it goes to their workflows. */
export async function campaignsWatching(db: Database, accountId: string, now: string): Promise<string[]> {
  const rows = await db
    .select({ campaignId: campaignAccounts.campaignId })
    .from(campaignAccounts)
    .where(
      and(
        eq(campaignAccounts.accountId, accountId),
        eq(campaignAccounts.state, 'lifted'),
        sql`${campaignAccounts.monitorUntil} > ${now}::timestamptz`,
      ),
    );
  return rows.map((r) => r.campaignId);
}

export async function storeRiskSignal(
  db: Database,
  input: { accountId: string; signal: string; severity: Severity; occurredAt: string },
): Promise<void> {
  await db.insert(riskSignals).values({ ...input, occurredAt: new Date(input.occurredAt) });
}

/** The accounts the dry run left to ordinary cases, in account order. */
export async function excludedAccounts(
  db: Database,
  campaignId: string,
): Promise<{ accountId: string; exclusion: ExclusionReason; controls: ControlRef[] }[]> {
  const rows = await db
    .select({
      accountId: campaignAccounts.accountId,
      exclusion: campaignAccounts.exclusion,
      controls: campaignAccounts.controls,
    })
    .from(campaignAccounts)
    .where(and(eq(campaignAccounts.campaignId, campaignId), eq(campaignAccounts.state, 'excluded')))
    .orderBy(asc(campaignAccounts.accountId));
  return rows.flatMap((r) => (r.exclusion ? [{ ...r, exclusion: r.exclusion }] : []));
}

/**
 * The ordinary cases the campaign opened for these of its excluded accounts, by account: the case's
 * `linkedTo` names the campaign. Read through the account index, never by scanning every case.
 */
export async function casesOpenedForCampaign(
  db: Database,
  campaignId: string,
  accountIds: readonly string[],
): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .select({ id: cases.id, accountId: cases.accountId })
    .from(cases)
    .where(
      and(
        sql`${cases.accountId} = any(${textArray(accountIds)})`,
        sql`${cases.data}->'linkedTo'->>'campaignId' = ${campaignId}`,
      ),
    )
    .orderBy(asc(cases.createdAt));
  return new Map(rows.map((r) => [r.accountId, r.id]));
}
