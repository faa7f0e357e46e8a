import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import proto from '@temporalio/proto';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  AfterReviewRequest,
  CaseWorkflowInput,
  CompensationInput,
  CompensationResult,
} from '../../../workflows/messages.js';
import { getCaseQuery, riskSignal, workflowTypes } from '../../../workflows/messages.js';
import { caseStartOptions } from '../../../workflows/searchAttributes.js';
import { Assigner } from '../../temporal/assignment.js';
import type { Database } from '../../db/client.js';
import { readStream, verifyStream } from '../../db/audit.js';
import { writeNewCase } from '../../db/intake.js';
import { deliveryView, notificationsForCase } from '../../db/outbox.js';
import { workerBeatWithin } from '../../db/workerBeats.js';
import type { Person } from '../../db/users.js';
import { findPerson, listPeople } from '../../db/users.js';
import type { CaseFilters } from '../../db/projections.js';
import {
  decodeCursor,
  findCase,
  listCases,
  casesClosedOnAccountSince,
  casesOnAccount,
  openCasesOnAccount,
} from '../../db/projections.js';
import type {
  AssignInput,
  CreateCaseInput,
  RevertInput,
  RiskSignalInput,
} from '../../domain/schemas/actions.js';
import type { StoredEvent } from '../../domain/auditChain.js';
import type { CampaignLink, Case, CaseLink, LiftLink } from '../../domain/case.js';
import { compensationWorkflowIdOf, workflowIdFor } from '../../domain/case.js';
import type { AccountControls, Control } from '../../domain/controls.js';
import type { ActionName, ActionPayload } from '../../domain/caseActions.js';
import { caseActions } from '../../domain/caseActions.js';
import { DomainError } from '../../domain/errors.js';
import { refusalIn } from '../../domain/failures.js';
import type { LateRevert } from '../../domain/lifecycle/execution.js';
import { pinnedReason } from '../../domain/lifecycle/approval.js';
import { assigneeRefusal } from '../../domain/lifecycle/review.js';
import { followUpCaseIdOf } from '../../domain/lifecycle/execution.js';
import {
  accountHistoryOf,
  assessIntake,
  checkNamedControls,
  openCase,
  openingEntry,
} from '../../domain/lifecycle/intake.js';
import type { Actor } from '../../domain/permissions.js';
import { authorize, hasPermission, inScope, requireScope } from '../../domain/permissions.js';
import type { Policy } from '../../domain/policy.js';
import type { NotificationDelivery } from '../../domain/schemas/notifications.js';
import type { CaseType } from '../../domain/vocabulary.js';
import { auditDenial } from '../denials.js';
import { Slots } from './slots.js';
import { isUnavailable, unavailable } from './unavailable.js';

/** Another open case holds a control the new one names. */
function isConflict(error: unknown): boolean {
  return error instanceof DomainError && error.code === 'control_conflict';
}

/** A revert's answer: the case with the controls back, or the compensation still under way. */
export type RevertAnswer =
  | { case: Case }
  | { accepted: { caseId: string; liftId: string; followUpCaseId: string; workflowId: string } };

/** A case's timeline: who did what, and for auditors also what was refused and whether the chain holds. */
export interface CaseTimeline {
  items: Omit<StoredEvent, 'stream' | 'hash' | 'prevHash'>[];
  chain: { verified: boolean; problem: { seq: number; problem: string } | null } | null;
  deliveries: NotificationDelivery[];
}

export interface CaseServiceDeps {
  db: Database;
  client: Client;
  controls: AccountControls;
  policy: Policy;
  taskQueue: string;
  /** How long an action waits for a worker to take it before the caller gets 503. */
  updateTimeoutMs: number;
  /** Connections in `db`'s pool: intakes waiting on Temporal may hold half of them at most. */
  databasePoolSize: number;
}

// A CommonJS module: its namespaces are reachable from the default export only.
const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
/** A poll lasts up to ~70 s before the worker renews it; older than this means no live worker. */
const POLLER_FRESH_MS = 90_000;
/** Three missed beats (WORKER_BEAT_MS apart) and a worker counts as gone. */
const WORKER_BEAT_FRESH_MS = 15_000;

/** How long a read waits for the live workflow before it answers from the projection. */
const QUICK_READ_MS = 3_000;

const typePrefix: Record<CaseType, string> = { complaint: 'CMP', unfreeze: 'UNF', unbind: 'UNB' };
const idAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * Readable in the Web UI and on the phone: `UNF-20261124-K7M2QX`. With a `seed` (the caller's id and
 * Idempotency-Key) the suffix is derived from it, so a retried intake names the same case and workflow.
 */
export function newCaseId(type: CaseType, now = new Date(), seed?: string): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const bytes =
    seed === undefined ? randomBytes(6) : createHash('sha256').update(seed).digest().subarray(0, 6);
  const suffix = [...bytes].map((b) => idAlphabet[b % idAlphabet.length]).join('');
  return `${typePrefix[type]}-${day}-${suffix}`;
}

/**
 * Everything the API does with cases: intake, reads, and actions carried to the workflow as updates.
 * The workflow's update validators check each rule on the case as it is, and a refusal they return is
 * audited here; on a closed case, whose workflow takes no more updates, the rule is checked here.
 */
export class CaseService {
  private readonly intakes: Slots;
  private readonly assigner: Assigner;

  constructor(private readonly deps: CaseServiceDeps) {
    this.assigner = new Assigner(deps);
    // An intake holds a connection while Temporal accepts its start; an unreachable Temporal must not take
    // the connections that reads, which fall back to the projection, still need.
    this.intakes = new Slots(Math.max(1, Math.floor(deps.databasePoolSize / 2)), deps.updateTimeoutMs, () =>
      unavailable('too many new cases are waiting for Temporal to accept them; try again shortly'),
    );
  }

  private handle(c: Pick<Case, 'workflowId'>): WorkflowHandle {
    return this.deps.client.workflow.getHandle(c.workflowId);
  }

  /** Records a refused attempt on the case's audit stream, then rethrows the refusal. */
  private async deny(
    actor: Actor,
    c: Pick<Case, 'id' | 'accountId'>,
    action: string,
    error: DomainError,
  ): Promise<never> {
    await auditDenial(this.deps.db, error, { actor: actor.id, action, caseId: c.id, accountId: c.accountId });
    throw error;
  }

  /**
   * Opens a case and, where its business line's policy assigns, hands it to the agent the policy picks.
   * The case stands whether or not that hand-over is confirmed in time: a case left unassigned is
   * assigned by the workers' assignment sweep.
   */
  async create(actor: Actor, input: CreateCaseInput, idempotencyKey?: string): Promise<Case> {
    authorize(actor, 'case.create', input.businessLine);
    return this.intake(actor, input, idempotencyKey && `${actor.id}:${idempotencyKey}`);
  }

  /**
   * A case an incident campaign opens, through the same intake, for an account it excluded: the caller
   * holds the campaign's permission, not `case.create`, and acts within their business lines. `idSeed`
   * names the case, so a repeated request meets the case it opened instead of opening another.
   */
  async createForCampaign(
    actor: Actor,
    input: CreateCaseInput,
    linkedTo: CampaignLink,
    idSeed: string,
  ): Promise<Case> {
    requireScope(actor, input.businessLine);
    return this.intake(actor, input, idSeed, { id: newCaseId(input.type, new Date(), idSeed), linkedTo });
  }

  private async intake(
    actor: Actor,
    input: CreateCaseInput,
    idSeed: string | undefined,
    linked?: { id: string; linkedTo: CaseLink },
  ): Promise<Case> {
    const c = await this.open(actor, input, undefined, idSeed, linked);
    if (c.status !== 'open' || c.assignee !== null) return c;
    try {
      return (await this.assigner.assignNew(c)) ?? c;
    } catch (error) {
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(error)) return c;
      throw error;
    }
  }

  /**
   * A case the engine opens on someone's behalf (the after-review of a break-glass restriction); it needs
   * no `case.create`, because the obligation must exist whoever applied the restriction.
   */
  async createInternal(actor: Actor, input: CreateCaseInput, afterReview: AfterReviewRequest): Promise<Case> {
    return this.open(actor, input, afterReview);
  }

  private async open(
    actor: Actor,
    input: CreateCaseInput,
    afterReview?: AfterReviewRequest,
    idSeed?: string,
    linked?: { id: string; linkedTo: CaseLink },
  ): Promise<Case> {
    const named = input.controlIds ?? [];
    const id = linked?.id ?? newCaseId(input.type, new Date(), idSeed);
    // The registry's view of the named controls and the account's earlier cases, read while the
    // transaction begins.
    const reads = Promise.all([
      named.length ? this.deps.controls.get(named) : [],
      casesOnAccount(this.deps.db, input.accountId),
    ]);
    // Awaited below; handled now too, so a failure while the transaction is still beginning is not unhandled.
    reads.catch(() => undefined);
    const deadline = () => Date.now() + this.deps.updateTimeoutMs;

    // The case's rows and its workflow stand or fall together: the rows are written in a transaction that
    // commits only once Temporal has accepted the start, so a start that fails leaves nothing behind (the
    // trail is append-only) and `case.opened` heads the trail before anyone can see the case to act on it.
    // The rows go first, in one statement: a claim lost to another case refuses the intake before any run
    // exists, and the start then has the process to itself.
    let opened: Case | undefined;
    try {
      return await this.intakes.run(() =>
        this.deps.db.transaction(async (tx) => {
          const [controls, onAccount] = await reads;
          // A named control that is not the account's, not active or named twice is the caller's mistake,
          // whatever the claims would meet.
          checkNamedControls(input, controls);
          const c = this.assessed(id, actor, input, controls, onAccount, linked);
          await writeNewCase(tx, c, openingEntry(c));
          opened = c;
          const workflowInput: CaseWorkflowInput = {
            case: c,
            policy: this.deps.policy,
            afterReview,
            projected: true,
          };
          await this.deps.client.withDeadline(deadline(), () => this.startWorkflow(c, workflowInput));
          return c;
        }),
      );
    } catch (error) {
      // Refused before the start went out (a named control, a claim, the database): nothing was started
      // now. An earlier attempt under the same Idempotency-Key may have started the case's run, though.
      if (!opened) {
        if (idSeed !== undefined && isConflict(error)) await this.endUnrecordedRun(id);
        throw error;
      }
      // The start may have reached Temporal before its answer (or this transaction's commit) was lost, or
      // an earlier attempt under the same Idempotency-Key started it; then the case stands, and its rows
      // must too. A run ended as never recorded is no case.
      const c = opened;
      const started = await this.deps.client
        .withDeadline(deadline(), () => this.handle(c).describe())
        .then((run) => run.status.name !== 'TERMINATED')
        .catch(() => false);
      if (!started)
        throw isUnavailable(error) ? unavailable('Temporal did not accept the new case', error) : error;
      return this.recordStarted(c);
    }
  }

  /**
   * Ends the run of a case whose intake never committed (its start reached Temporal, its rows did not)
   * once another case holds a control it names: without its claims it must not go on. It never became a
   * case: with no projection nobody could act on it, and its opening waits in the run for the first
   * change, so it has written nothing. A run that did record itself, or none at all, is left as it is.
   */
  private async endUnrecordedRun(caseId: string): Promise<void> {
    if (await findCase(this.deps.db, caseId)) return;
    try {
      await this.deps.client.withDeadline(Date.now() + this.deps.updateTimeoutMs, () =>
        this.handle({ workflowId: workflowIdFor(caseId) }).terminate(
          'intake refused: another case holds a control it names, and this run never became a case',
        ),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      // The caller's retry under the same key comes back here until Temporal ends the run.
      throw unavailable(
        'could not end the run of a case refused at intake; retry with the same Idempotency-Key',
        error,
      );
    }
  }

  /** The new case as intake assesses it: its risk from the named controls and the account's earlier cases. */
  private assessed(
    id: string,
    actor: Actor,
    input: CreateCaseInput,
    controls: Control[],
    onAccount: Case[],
    linked?: { linkedTo: CaseLink },
  ): Case {
    const now = new Date().toISOString();
    const accountHistory = accountHistoryOf(onAccount);
    const risk = assessIntake(input, controls, {
      earlier: accountHistory,
      windowMs: this.deps.policy.revert.window,
      now,
    });
    return openCase(id, input, risk, actor.id, now, {
      controls,
      reasonCodeVersion: this.deps.policy.reasonCodes.version,
      accountHistory,
      policy: this.deps.policy,
      ...(linked ? { linkedTo: linked.linkedTo } : {}),
    });
  }

  /**
   * The rows of a case whose workflow exists though the transaction that wrote them did not commit. A
   * closed case has given its claims back and must not take them again; otherwise writing is idempotent:
   * the same claims, a projection no newer than the stored one, and an opening already in the trail skipped.
   */
  private async recordStarted(c: Case): Promise<Case> {
    const stored = await findCase(this.deps.db, c.id);
    if (stored?.status === 'closed') return stored;
    try {
      await this.deps.db.transaction((tx) => writeNewCase(tx, c, openingEntry(c)));
    } catch (error) {
      if (isConflict(error)) await this.endUnrecordedRun(c.id);
      throw error;
    }
    return stored ?? c;
  }

  private async startWorkflow(c: Case, workflowInput: CaseWorkflowInput): Promise<void> {
    await this.deps.client.workflow.start(workflowTypes[c.type], {
      workflowId: c.workflowId,
      taskQueue: this.deps.taskQueue,
      args: [workflowInput],
      ...caseStartOptions(c),
      staticSummary: `${c.type} case ${c.id} on account ${c.accountId}`,
    });
  }

  /** The case as the workflow sees it now; the projection when the case is closed or no worker answers. */
  async read(caseId: string, timeoutMs = this.deps.updateTimeoutMs): Promise<Case> {
    const stored = await findCase(this.deps.db, caseId);
    if (!stored) throw new DomainError('not_found', `no case ${caseId}`);
    if (stored.status === 'closed') return stored;
    try {
      return await this.deps.client.withDeadline(Date.now() + timeoutMs, () =>
        this.handle(stored).query(getCaseQuery),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return stored;
      if (isUnavailable(error)) throw unavailable('the case workflow did not answer', error);
      throw error;
    }
  }

  async get(actor: Actor, caseId: string): Promise<Case> {
    const stored = await findCase(this.deps.db, caseId);
    if (!stored) throw new DomainError('not_found', `no case ${caseId}`);
    authorize(actor, 'case.read', stored.businessLine);
    try {
      return await this.read(caseId, Math.min(this.deps.updateTimeoutMs, QUICK_READ_MS));
    } catch (error) {
      // A read must not fail because workers are down: the projection is only moments behind.
      if (error instanceof DomainError && error.code === 'unavailable') return stored;
      throw error;
    }
  }

  /**
   * Anyone who may read the case sees its accepted actions; a reader who may also read the audit log in
   * the case's business line sees the denied attempts and the hash chain's verdict as well.
   */
  async timeline(actor: Actor, caseId: string): Promise<CaseTimeline> {
    const stored = await findCase(this.deps.db, caseId);
    if (!stored) throw new DomainError('not_found', `no case ${caseId}`);
    authorize(actor, 'case.read', stored.businessLine);
    const auditor = hasPermission(actor, 'audit.read') && inScope(actor, stored.businessLine);
    const toItem = ({ seq, at, actor: by, action, outcome, details }: StoredEvent) => ({
      seq,
      at,
      actor: by,
      action,
      outcome,
      details,
    });
    const deliveries = (await notificationsForCase(this.deps.db, caseId)).map(deliveryView);
    if (!auditor) {
      const events = await readStream(this.deps.db, caseId);
      return { items: events.filter((e) => e.outcome === 'accepted').map(toItem), chain: null, deliveries };
    }
    const { events, verdict } = await verifyStream(this.deps.db, caseId);
    return {
      items: events.map(toItem),
      deliveries,
      chain: {
        verified: verdict.ok,
        problem: verdict.ok ? null : { seq: verdict.seq, problem: verdict.problem },
      },
    };
  }

  /** A page of the caller's cases from the projection, newest first; `cursor` is a previous `nextCursor`. */
  async list(
    actor: Actor,
    filters: CaseFilters,
    limit: number,
    cursorText?: string,
  ): Promise<{ items: Case[]; nextCursor: string | null }> {
    const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
    if (cursorText !== undefined && !cursor) {
      throw new DomainError('validation_failed', 'cursor is not one this API gave out', [
        { path: 'cursor', message: 'invalid cursor' },
      ]);
    }
    return listCases(this.deps.db, filters, actor.businessLines, limit, cursor);
  }

  /** The case's audit stream and whether its hash chain recomputes. */
  async auditTrail(actor: Actor, caseId: string): Promise<Awaited<ReturnType<typeof verifyStream>>> {
    const stored = await findCase(this.deps.db, caseId);
    if (!stored) throw new DomainError('not_found', `no case ${caseId}`);
    authorize(actor, 'audit.read', stored.businessLine);
    return verifyStream(this.deps.db, caseId);
  }

  async act<A extends ActionName>(
    actor: Actor,
    caseId: string,
    name: A,
    payload: ActionPayload<A>,
    idempotencyKey?: string,
  ): Promise<Case> {
    const { update, rule } = caseActions[name];
    // A fixed id per key: Temporal answers a repeat of an applied update with that update's outcome.
    const updateId = idempotencyKey ? `${actor.id}:${idempotencyKey}` : randomUUID();
    const prechecked = await this.precheck(
      actor,
      caseId,
      rule.action,
      (c) => rule.check(c, payload, { actor, now: new Date().toISOString(), policy: this.deps.policy }),
      idempotencyKey ? updateId : undefined,
    );
    if ('applied' in prechecked) return prechecked.applied;
    const current = prechecked.target;
    try {
      return await this.deps.client.withDeadline(Date.now() + this.deps.updateTimeoutMs, () =>
        this.handle(current).executeUpdate(update, { args: [{ actor, payload }], updateId }),
      );
    } catch (error) {
      const refusal = refusalIn(error);
      if (refusal) return this.deny(actor, current, rule.action, refusal);
      if (error instanceof WorkflowNotFoundError) {
        throw new DomainError('invalid_state', `case ${caseId} has finished; it takes no more actions`);
      }
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(error)) {
        throw unavailable(
          'no worker confirmed the action in time; it may still be applied — retry with the same Idempotency-Key',
          error,
        );
      }
      throw error;
    }
  }

  /**
   * Hands the case to `payload.assignee`. The workflow checks the case and the caller; who may take it
   * depends on the user directory, so that is checked here first, with the rule `listAssignees` uses.
   */
  async assign(actor: Actor, caseId: string, payload: AssignInput, idempotencyKey?: string): Promise<Case> {
    const stored = await findCase(this.deps.db, caseId);
    if (!stored) throw new DomainError('not_found', `no case ${caseId}`);
    const { rule } = caseActions.assign;
    const candidate = await findPerson(this.deps.db, payload.assignee);
    const refusal = candidate
      ? assigneeRefusal(candidate, stored.businessLine)
      : `no user ${payload.assignee}`;
    if (refusal) {
      // Who asks comes first: someone who may not assign here learns nothing about the people.
      try {
        authorize(actor, 'case.release_any', stored.businessLine);
      } catch (error) {
        if (error instanceof DomainError) return this.deny(actor, stored, rule.action, error);
        throw error;
      }
      return this.deny(
        actor,
        stored,
        rule.action,
        new DomainError('validation_failed', `${payload.assignee} cannot take this case: ${refusal}`, [
          { path: 'assignee', message: refusal },
        ]),
      );
    }
    return this.act(actor, caseId, 'assign', payload, idempotencyKey);
  }

  /** Enabled people who may take the case: what `assign` accepts. */
  async assignees(actor: Actor, caseId: string): Promise<Person[]> {
    const stored = await findCase(this.deps.db, caseId);
    if (!stored) throw new DomainError('not_found', `no case ${caseId}`);
    authorize(actor, 'case.read', stored.businessLine);
    const people = await listPeople(this.deps.db);
    return people.filter((person) => assigneeRefusal(person, stored.businessLine) === undefined);
  }

  /**
   * The case an action goes to. An open case's workflow decides: its update's validator runs the same rule
   * on the case as it is now, which the projection can trail by a moment, so a check here could only be
   * confirmed there (one round trip either way) and is left to it. A repeat of an applied update (same
   * `updateId`) is answered by Temporal with that update's outcome. A closed case's workflow takes no
   * more updates: the projection is its last state, and the rule is checked on it here; a retry whose
   * first attempt closed the case gets that attempt's outcome instead of a refusal.
   */
  private async precheck(
    actor: Actor,
    caseId: string,
    name: string,
    check: (c: Case) => void,
    updateId: string | undefined,
  ): Promise<{ target: Case } | { applied: Case }> {
    const stored = await findCase(this.deps.db, caseId);
    if (!stored) throw new DomainError('not_found', `no case ${caseId}`);
    if (stored.status !== 'closed') return { target: stored };
    try {
      check(stored);
      return { target: stored };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const earlier = updateId === undefined ? undefined : await this.earlierOutcome(stored, updateId);
      if (earlier) return { applied: earlier };
      return this.deny(actor, stored, name, error);
    }
  }

  /** The outcome of an update sent before under this id, or undefined if there was none. */
  private async earlierOutcome(c: Case, updateId: string): Promise<Case | undefined> {
    try {
      return await this.deps.client.withDeadline(Date.now() + this.deps.updateTimeoutMs, () =>
        this.handle(c).getUpdateHandle<Case>(updateId).result(),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      // The first attempt was refused inside the workflow: that refusal is its answer, already audited.
      const refusal = refusalIn(error);
      if (refusal) throw refusal;
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(error)) {
        throw unavailable(
          'could not tell whether this action was applied; retry with the same Idempotency-Key',
          error,
        );
      }
      throw error;
    }
  }

  /**
   * A revert: carried to the case workflow while the case runs; on a closed case, within the revert
   * window, a compensation run of its own. That answers with the case once the controls are back, or, if
   * it takes longer than the update timeout, with the follow-up case it is opening.
   */
  async revert(
    actor: Actor,
    caseId: string,
    payload: RevertInput,
    idempotencyKey?: string,
  ): Promise<RevertAnswer> {
    const found = await findCase(this.deps.db, caseId);
    if (!found) throw new DomainError('not_found', `no case ${caseId}`);
    // The projection can trail a case that has just closed; its workflow's last state says so at once.
    const stored = found.status === 'closed' ? found : await this.read(caseId);
    if (stored.status !== 'closed') {
      return { case: await this.act(actor, caseId, 'revert', payload, idempotencyKey) };
    }
    const { rule } = caseActions.revert;
    const now = new Date().toISOString();
    const joined = stored.lifts.at(-1)?.revert?.late === true;
    if (!joined) {
      try {
        rule.check(stored, payload, { actor, now, policy: this.deps.policy });
      } catch (error) {
        if (error instanceof DomainError) return this.deny(actor, stored, rule.action, error);
        throw error;
      }
    }
    authorize(actor, 'removal.revert', stored.businessLine);
    const lift = stored.lifts.at(-1);
    if (!lift) throw new DomainError('invalid_state', 'the case lifted nothing to revert');
    const request = { requestedBy: actor.id, reason: payload.reason, requestedAt: now };
    return this.compensate(stored, lift.id, request, 'late_revert');
  }

  /** Starts (or joins) the compensation run of a closed case's lift and waits for it up to the update timeout. */
  private async compensate(
    c: Case,
    liftId: string,
    request: LateRevert['request'],
    why: LiftLink['why'],
  ): Promise<RevertAnswer> {
    const followUpCaseId = followUpCaseIdOf(c, liftId);
    const workflowId = compensationWorkflowIdOf(c, liftId);
    const input: CompensationInput = {
      case: c,
      liftId,
      request,
      followUpCaseId,
      why,
      policy: this.deps.policy,
    };
    const deadline = Date.now() + this.deps.updateTimeoutMs;
    const accepted = { accepted: { caseId: c.id, liftId, followUpCaseId, workflowId } };
    try {
      const handle = await this.deps.client
        .withDeadline(deadline, () =>
          this.deps.client.workflow.start('compensateLift', {
            workflowId,
            taskQueue: this.deps.taskQueue,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            staticSummary: `late revert of ${liftId} on case ${c.id}`,
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof WorkflowExecutionAlreadyStartedError) {
            return this.deps.client.workflow.getHandle(workflowId);
          }
          throw error;
        });
      const result = await Promise.race([
        handle.result() as Promise<CompensationResult>,
        new Promise<undefined>((resolve) => {
          setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now())).unref();
        }),
      ]);
      return result ? { case: result.case } : accepted;
    } catch (error) {
      if (isUnavailable(error)) throw unavailable('Temporal did not accept the compensation', error);
      throw error;
    }
  }

  /**
   * Whether a live worker polls the case task queue. Temporal lists a poller for up to a minute after its
   * last long poll, so a worker that stopped would still count; the worker's own beat in `worker_beats`,
   * deleted when it stops and stale within seconds when it dies, says it is gone.
   */
  async workersPolling(): Promise<boolean> {
    const { taskQueue, client, db } = this.deps;
    const [described, beating] = await Promise.all([
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
      workerBeatWithin(db, taskQueue, WORKER_BEAT_FRESH_MS),
    ]);
    const since = Date.now() - POLLER_FRESH_MS;
    return (
      beating &&
      (described.pollers ?? []).some((p) => {
        const seconds = Number(p.lastAccessTime?.seconds ?? 0);
        return seconds * 1_000 >= since;
      })
    );
  }

  /**
   * Sends a risk signal to every open case on the account. Signals are accepted by Temporal even while
   * no worker runs; each workflow decides whether the signal reverts its lift. A high or critical signal
   * also reaches lifts whose case has closed but whose revert window has not: it opens a review case
   * linked to the lift, and reverts the lift at once where the lift's reason code says so.
   */
  async signalRisk(actor: Actor, input: RiskSignalInput): Promise<string[]> {
    const signalled = await this.signalOpenCases(actor, input);
    if (input.severity !== 'high' && input.severity !== 'critical') return signalled;
    const since = new Date(Date.now() - this.deps.policy.revert.window);
    for (const closed of await casesClosedOnAccountSince(this.deps.db, input.accountId, since)) {
      const lift = closed.lifts.at(-1);
      if (lift?.status !== 'settled') continue;
      const id = followUpCaseIdOf(closed, lift.id);
      if (signalled.includes(id)) continue;
      const reasonCode = closed.proposals.find((p) => p.id === lift.proposalId)?.reasonCode ?? '';
      const why = `risk signal ${input.signal} (${input.severity})`;
      if (pinnedReason(closed, this.deps.policy, reasonCode)?.revertOnSignal) {
        const request = { requestedBy: actor.id, reason: why, requestedAt: new Date().toISOString() };
        await this.compensate(closed, lift.id, request, 'risk_signal');
      } else if (!(await findCase(this.deps.db, id))) {
        await this.open(
          actor,
          {
            type: 'complaint',
            accountId: closed.accountId,
            businessLine: closed.businessLine,
            channel: 'internal',
            subject: `Review of ${lift.id} on case ${closed.id} after a ${input.severity} risk signal`,
            description: `${why} arrived ${input.occurredAt}, after case ${closed.id} closed with ${lift.id} lifted.`,
          },
          undefined,
          undefined,
          { id, linkedTo: { caseId: closed.id, liftId: lift.id, why: 'risk_signal' } },
        );
      }
      signalled.push(id);
    }
    return signalled;
  }

  private async signalOpenCases(actor: Actor, input: RiskSignalInput): Promise<string[]> {
    const open = await openCasesOnAccount(this.deps.db, input.accountId);
    const { accountId: _accountId, ...signal } = input;
    const signalled: string[] = [];
    for (const c of open) {
      try {
        await this.handle(c).signal(riskSignal, { ...signal, actor: actor.id });
        signalled.push(c.id);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) continue;
        throw isUnavailable(error) ? unavailable('Temporal did not accept the risk signal', error) : error;
      }
    }
    return signalled;
  }
}
