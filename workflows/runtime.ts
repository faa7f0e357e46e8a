import {
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Case } from '../src/domain/case.js';
import { changesSince, upgradeCase } from '../src/domain/case.js';
import type { ActionName } from '../src/domain/caseActions.js';
import { asFailure } from '../src/domain/failures.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS } from '../src/domain/heartbeats.js';
import type { AuditEntry, Rule } from '../src/domain/lifecycle/rule.js';
import { openingEntry } from '../src/domain/lifecycle/intake.js';
import { run } from '../src/domain/lifecycle/rule.js';
import type { Actor } from '../src/domain/permissions.js';
import { systemActor } from '../src/domain/permissions.js';
import type { Policy } from '../src/domain/policy.js';
import { holdingItem } from '../src/domain/waits.js';
import { defaultPolicy } from '../src/domain/policy.js';
import type { CaseWorkflowInput } from './messages.js';
import { AssigneeKey, CaseStatusKey, OutcomeKey, RiskTierKey, SlaBreachedKey } from './searchAttributes.js';

/** Retried until they succeed: the case must not lose a record, a lift or a compensation to a passing fault. */
const persistent = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' } as const;

/*
 * The heartbeat timeout reaches cases started before it without a patch: Temporal does not compare an
 * activity's timeouts on replay, and an older case takes it for every activity it schedules from now on.
 */
export function activitiesFor(policy: Policy) {
  return proxyActivities<Activities>({
    startToCloseTimeout: policy.activities.attemptTimeout,
    heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT_MS,
    retry: { ...persistent, nonRetryableErrorTypes: ['controls_changed', 'validation_failed'] },
  });
}

/**
 * Added after cases were running, to cost fewer Temporal actions: search attributes go out with the
 * records (once per flush, only when a value differs from what the run last published; none at opening,
 * which the start carried), the memo keeps what never changes (the step is in the current details),
 * records that can wait go out with the next ones, and the lift activity queues its own notice. Cases
 * started before it replay an upsert per change and a notice activity of its own.
 */
export const LEAN_CASE_PATCH = 'fewer-actions-per-case';

/**
 * Added after cases were running, to send less through Temporal: a record carries the fields that
 * changed since the last one the projection took, not the whole case, unless the projection turns out
 * not to hold that one. Cases started before it send the whole case with every record.
 */
export const RECORD_CHANGES_PATCH = 'records-carry-changes';

/**
 * Added after cases were running: an unassigned case has no `Assignee` at all, so `Assignee IS NULL`
 * finds it. Cases started before it carry `Assignee=""` from their start, and drop it at their next
 * change (the next flush of records, or before fewer-actions-per-case, the next change of the case).
 */
export const UNASSIGNED_PATCH = 'unassigned-case-has-no-assignee';

/** The search attributes a case keeps up to date, in the order they are upserted. */
function searchAttributesOf(c: Case) {
  return [
    { key: CaseStatusKey, value: c.status },
    { key: AssigneeKey, value: c.assignee },
    { key: SlaBreachedKey, value: c.slaBreached },
    { key: RiskTierKey, value: c.riskTier },
    { key: OutcomeKey, value: c.outcome },
  ];
}

export function nowIso(): string {
  return new Date().toISOString();
}

export function msUntil(iso: string): number {
  return Math.max(0, Date.parse(iso) - Date.now());
}

/**
 * The state of one case inside its workflow, and the one way it changes: `apply` runs a domain rule,
 * queues the audit entry, and keeps the Web UI's current details in step; search attributes follow with
 * the records.
 */
export class CaseRuntime {
  case: Case;
  readonly policy: Policy;
  readonly activities: ReturnType<typeof activitiesFor>;
  readonly workflowId: string;
  /** Timers that end with the case (SLAs, expiries); cancelled when it closes. */
  readonly timers = new CancellationScope();
  /** Work that must finish even after the case closes (lifting a cooling-off lock). */
  readonly obligations: Promise<void>[] = [];
  /** The actions a step registered a handler for; the rest get their plain rule. */
  readonly handled = new Set<ActionName>();
  private pending: (AuditEntry & { revision: number })[] = [];
  /** Whether this run takes the paths of LEAN_CASE_PATCH. */
  readonly lean: boolean;
  private readonly projected: boolean;
  /** The case as the projection last took it from this run or its starter; unknown until then. */
  private recorded: Case | undefined;
  /** Whether this run takes the paths of RECORD_CHANGES_PATCH. */
  private readonly sendsChanges: boolean;
  /** The search attribute values as the run last sent them (or started with them), to upsert only a change. */
  private published: string;
  /** Started with `Assignee=""` and not upserted since (see UNASSIGNED_PATCH). */
  private blankAssignee: boolean;

  constructor(input: CaseWorkflowInput) {
    // Cases started by older code carry an older case shape and policy snapshot; fill in what they lack.
    this.case = upgradeCase(input.case);
    this.policy = { ...defaultPolicy, ...input.policy };
    this.activities = activitiesFor(this.policy);
    this.workflowId = workflowInfo().workflowId;
    this.lean = patched(LEAN_CASE_PATCH);
    this.projected = input.projected === true;
    this.sendsChanges = patched(RECORD_CHANGES_PATCH);
    if (this.projected) this.recorded = this.case;
    this.published = JSON.stringify(searchAttributesOf(this.case));
    this.blankAssignee = workflowInfo().typedSearchAttributes.get(AssigneeKey) === '';
  }

  apply<I>(rule: Rule<I>, input: I, actor: Actor = systemActor): Case {
    const { next, event } = run(rule, this.case, input, { actor, now: nowIso(), policy: this.policy });
    const before = this.case;
    this.case = next;
    this.pending.push({ ...event, revision: next.revision });
    this.publish(before);
    return next;
  }

  /** Runs a rule from an update handler, reporting a refusal as the update's failure. */
  act<I>(rule: Rule<I>, input: I, actor: Actor): Case {
    try {
      return this.apply(rule, input, actor);
    } catch (error) {
      throw asFailure(error);
    }
  }

  /** Records the opening of the case as its first audit entry. */
  opened(): void {
    this.pending.push(openingEntry(this.case));
    this.publish(undefined);
  }

  /** Keeps a timer-driven task from failing the workflow when the case closes and its timers are cancelled. */
  spawnTimer(task: () => Promise<void>): void {
    void this.timers.run(task).catch((error: unknown) => {
      if (!isCancellation(error)) throw error;
    });
  }

  /**
   * Flushes queued audit entries and the case projection, one activity per batch, in order. Runs beside
   * the case's main flow until the case is over and everything is written.
   */
  async recordUntil(done: () => boolean): Promise<void> {
    for (;;) {
      await condition(() => (this.pending.length > 0 && !this.canWait()) || done());
      if (this.pending.length === 0) return;
      if (this.lean) this.publishSearchAttributes();
      await this.record(this.case, this.pending.splice(0));
    }
  }

  private async record(c: Case, events: (AuditEntry & { revision: number })[]): Promise<void> {
    const last = this.sendsChanges ? this.recorded : undefined;
    const changes = last && changesSince(last, c);
    if (last && changes) {
      const outcome = await this.activities.recordChanges({ changes, since: last.revision, events });
      if (outcome === 'recorded') {
        this.recorded = c;
        return;
      }
    }
    await this.activities.recordProgress({ case: c, events });
    this.recorded = c;
  }

  /**
   * Records that can wait to go out with the next ones: the opening alone, when the starter wrote the
   * projection already; and what an approval queued while its lift is in flight with nobody to wait for,
   * the lift's outcome moments away (the update's caller has its answer already). A step that holds the
   * lift to wait for someone declares that wait (`src/domain/waits.ts`), and the records go out at once.
   */
  private canWait(): boolean {
    if (!this.lean) return false;
    const onlyOpening = this.projected && this.pending.every((e) => e.revision === 0);
    const lifting = this.case.status === 'executing' && holdingItem(this.case) === undefined;
    return onlyOpening || lifting;
  }

  private publishSearchAttributes(): void {
    const attributes = searchAttributesOf(this.case);
    const values = JSON.stringify(attributes);
    if (values === this.published && !this.dropsBlankAssignee()) return;
    this.published = values;
    this.upsert(attributes);
  }

  /** Whether this change is the one that drops an old run's `Assignee=""`; asked only when it could be. */
  private dropsBlankAssignee(): boolean {
    return this.blankAssignee && patched(UNASSIGNED_PATCH);
  }

  private upsert(attributes: ReturnType<typeof searchAttributesOf>): void {
    this.blankAssignee = false;
    upsertSearchAttributes(attributes);
  }

  private publish(before: Case | undefined): void {
    const c = this.case;
    if (
      !this.lean &&
      (before?.status !== c.status ||
        before.assignee !== c.assignee ||
        before.slaBreached !== c.slaBreached ||
        this.dropsBlankAssignee())
    ) {
      this.upsert(searchAttributesOf(c));
    }
    if (before?.step !== c.step) {
      if (!this.lean) upsertMemo({ step: c.step });
      setCurrentDetails(
        [
          `**${c.type}** case ${c.id} on account ${c.accountId} (${c.businessLine}, ${c.riskTier} risk)`,
          '',
          `**Status:** ${c.status}`,
          `**Step:** ${c.step}`,
        ].join('\n'),
      );
    }
  }
}
