import type { Client } from '@temporalio/client';
import type { Case } from '../domain/case.js';
import type { AssignByPolicyInput } from '../domain/schemas/actions.js';
import { caseActions } from '../domain/caseActions.js';
import { assignmentModeOf } from '../domain/assignment.js';
import { refusalIn } from '../domain/failures.js';
import { systemActor } from '../domain/permissions.js';
import type { Policy } from '../domain/policy.js';
import { businessLines } from '../domain/vocabulary.js';
import type { Database } from '../db/client.js';
import { casesHeldByAway, pickAssignee, unassignedNewCases } from '../db/assignment.js';

export interface AssignerDeps {
  db: Database;
  client: Client;
  policy: Policy;
  /** How long one hand-over waits for the case's workflow to take it. */
  updateTimeoutMs: number;
}

/** What one sweep did, case by case. */
export interface SweepResult {
  handedOver: { caseId: string; from: string | null; to: string | null }[];
  failed: { caseId: string; error: unknown }[];
}

/**
 * The assignment policy at work: a new case goes to the agent its business line's policy picks, and the
 * cases of an agent who is away go to another (or back to the queue when the line is manual). Each
 * hand-over is its own audited action on the case (`assignByPolicy`), sent as the engine.
 */
export class Assigner {
  constructor(private readonly deps: AssignerDeps) {}

  /**
   * Assigns a case nobody holds yet; the case after it, or undefined when the policy picked nobody or the
   * case was taken meanwhile. A refusal by the workflow (someone claimed it first) is no error.
   */
  async assignNew(c: Case, now = new Date()): Promise<Case | undefined> {
    const pick = await pickAssignee(this.deps.db, this.deps.policy, c.businessLine, now);
    if (!pick) return undefined;
    return this.send(c, {
      assignee: pick.assignee,
      from: null,
      policy: pick.policy,
      policyVersion: pick.policyVersion,
      why: 'intake',
      awayUntil: null,
    });
  }

  /**
   * Hands over every case held by someone away now, and assigns the new cases intake could not. `caseIds`
   * narrows the sweep to some cases, so a test touches only its own.
   */
  async sweep(now = new Date(), caseIds?: readonly string[]): Promise<SweepResult> {
    const result: SweepResult = { handedOver: [], failed: [] };
    const attempt = async (c: Case, work: () => Promise<Case | undefined>) => {
      try {
        const after = await work();
        if (after) result.handedOver.push({ caseId: c.id, from: c.assignee, to: after.assignee });
      } catch (error) {
        result.failed.push({ caseId: c.id, error });
      }
    };
    for (const { case: c, awayUntil } of await casesHeldByAway(this.deps.db, now, caseIds)) {
      await attempt(c, () => this.handOver(c, awayUntil, now));
    }
    const assigning = businessLines.filter((line) => assignmentModeOf(this.deps.policy, line) !== 'manual');
    for (const c of await unassignedNewCases(this.deps.db, assigning, caseIds)) {
      await attempt(c, () => this.assignNew(c, now));
    }
    return result;
  }

  private async handOver(c: Case, awayUntil: string, now: Date): Promise<Case | undefined> {
    const from = c.assignee;
    if (from === null) return undefined;
    const pick = await pickAssignee(this.deps.db, this.deps.policy, c.businessLine, now, [from]);
    return this.send(c, {
      assignee: pick?.assignee ?? null,
      from,
      policy: pick?.policy ?? assignmentModeOf(this.deps.policy, c.businessLine),
      policyVersion: this.deps.policy.assignment.version,
      why: 'assignee_away',
      awayUntil,
    });
  }

  private async send(c: Case, payload: AssignByPolicyInput): Promise<Case | undefined> {
    try {
      return await this.deps.client.withDeadline(Date.now() + this.deps.updateTimeoutMs, () =>
        this.deps.client.workflow.getHandle(c.workflowId).executeUpdate(caseActions.assignByPolicy.update, {
          args: [{ actor: systemActor, payload }],
          // One hand-over per state of the case: a second sweeper or a retry joins the first.
          updateId: `assign-by-policy:${c.id}:${c.revision}:${payload.why}`,
        }),
      );
    } catch (error) {
      if (refusalIn(error)) return undefined;
      throw error;
    }
  }
}
