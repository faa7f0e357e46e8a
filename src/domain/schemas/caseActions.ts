import { z } from 'zod';
import type { Case } from '../case.js';
import type { ActionName, ActionPayload, CaseAction, Target } from '../caseActions.js';
import { actionNames, caseActions, targetParams } from '../caseActions.js';
import { DomainError } from '../errors.js';
import type { Context } from '../lifecycle/rule.js';
import type { Permission } from '../permissions.js';
import { authorize } from '../permissions.js';
import { isAwaited } from '../waits.js';
import type { BusinessLine } from '../vocabulary.js';
import {
  AnswerEscalationInput,
  ApproveInput,
  AssignByPolicyInput,
  AssignInput,
  EntityId,
  EscalateInput,
  InfoRequestInput,
  InfoResponseInput,
  NoteInput,
  OwnerAnswerInput,
  ProposeInput,
  RecordReverificationInput,
  RejectInput,
  ResolveInput,
  RevertInput,
  text,
} from './actions.js';
import { ErrorCode } from './errors.js';
import { ControlKind } from './vocabulary.js';

/*
 * The HTTP side of every case action (declared in `../caseActions.ts`): the request body a route accepts,
 * the route, and a sample body `allowedActions` checks the rule with. The routes, the case service, the
 * OpenAPI document and `allowedActions` derive from here.
 */

export interface ActionRoute {
  path: string;
  status: 200 | 201;
  operationId: string;
  summary: string;
  description: string;
}

type TargetParam = NonNullable<(typeof targetParams)[Target]>;

/** What a request body carries: the payload without the target's id, which comes from the path. */
type BodyOf<A extends ActionName> = Omit<ActionPayload<A>, TargetParam>;

interface HttpSpec<B extends z.ZodObject> {
  body: B;
  /** Absent for the engine's own actions, which no route offers. */
  route?: ActionRoute;
  /** A body the action could be taken with now; `allowedActions` checks the rule against it. */
  sample?: (c: Case, ctx: Context) => NoInfer<z.input<B>>;
}

export interface HttpAction<A extends ActionName> extends CaseAction<A> {
  /** The request body a route accepts. */
  body: z.ZodObject;
  /** False when every field of the body is optional, so a request may send none. */
  bodyRequired: boolean;
  /** The body plus the target's id from the path: what the rule and the workflow receive. */
  payload: z.ZodType<ActionPayload<A>>;
  route: ActionRoute | null;
  sample: (c: Case, ctx: Context) => Record<string, unknown>;
}

/** An action's HTTP side; the body must parse into what the action's rule takes. */
function http<A extends ActionName, B extends z.ZodObject>(
  name: A,
  spec: HttpSpec<B> & (z.output<B> extends BodyOf<A> ? unknown : { body: never }),
): HttpAction<A> {
  // The compiler refuses a name that is no action; this says so too when something runs before it does.
  const action = Object.hasOwn(caseActions, name) ? caseActions[name] : undefined;
  if (action === undefined) {
    throw new Error(
      `httpActions declares '${name}', which src/domain/caseActions.ts does not: spell it as declared there`,
    );
  }
  const param = targetParams[action.target];
  const payload = param === null ? spec.body : spec.body.extend({ [param]: EntityId });
  return {
    ...action,
    body: spec.body,
    // Built from `body` and the target just above, so it parses exactly the payload the rule takes.
    payload: payload as unknown as z.ZodType<ActionPayload<A>>,
    bodyRequired: Object.values<z.ZodType>(spec.body.shape).some(
      (field) => !field.safeParse(undefined).success,
    ),
    route: spec.route ?? null,
    sample: spec.sample ?? (() => ({})),
  };
}

const Empty = z.strictObject({});
const path = (tail: string) => `/v1/cases/{caseId}${tail}`;

/** Every action, with the route of those a person takes over HTTP. */
export const httpActions: { [A in ActionName]: HttpAction<A> } = {
  claim: http('claim', {
    body: Empty,
    route: {
      path: path('/claim'),
      status: 200,
      operationId: 'claimCase',
      summary: 'Claim a case',
      description: 'Assigns the case to the caller; an open case moves to in_review.',
    },
  }),
  release: http('release', {
    body: Empty,
    route: {
      path: path('/release'),
      status: 200,
      operationId: 'releaseCase',
      summary: 'Release a claimed case',
      description: 'Unassigns the case. Only the assignee, or a senior, may release it.',
    },
  }),
  assign: http('assign', {
    body: AssignInput,
    // The rule judges the case and the caller; whether a given person may take it is checked against the
    // user directory before the update, so any id other than the current assignee stands in here.
    sample: (c) => ({ assignee: c.assignee === 'usr_sample' ? 'usr_sample2' : 'usr_sample' }),
    route: {
      path: path('/assign'),
      status: 200,
      operationId: 'assignCase',
      summary: 'Hand a case to someone',
      description:
        'Makes another person the case’s assignee, with an optional comment; an open case moves to in_review. The assignee must be enabled, hold case.review and have the case’s business line in scope (`GET /v1/cases/{caseId}/assignees` lists who does); anyone else is refused with 400 validation_failed at `assignee`.',
    },
  }),
  assignByPolicy: http('assignByPolicy', { body: AssignByPolicyInput }),
  addNote: http('addNote', {
    body: NoteInput,
    sample: () => ({ text: 'note' }),
    route: {
      path: path('/notes'),
      status: 200,
      operationId: 'addNote',
      summary: 'Add a note',
      description: 'Adds a note to the case record.',
    },
  }),
  requestInfo: http('requestInfo', {
    body: InfoRequestInput,
    sample: () => ({ question: 'question' }),
    route: {
      path: path('/info-requests'),
      status: 200,
      operationId: 'requestInfo',
      summary: 'Ask the user for information',
      description:
        'Moves the case to awaiting_info. If the user does not answer within the policy wait, the case closes as expired. Assignee only.',
    },
  }),
  respondInfo: http('respondInfo', {
    body: InfoResponseInput,
    sample: () => ({ answer: 'answer' }),
    route: {
      path: path('/info-responses'),
      status: 200,
      operationId: 'respondToInfoRequest',
      summary: 'Record the user’s answer',
      description:
        'Records the answer the user gave an agent (by phone unless `via` says otherwise) to the open information request and returns the case to in_review. An answer the account owner types on the respond page records itself.',
    },
  }),
  answerAsOwner: http('answerAsOwner', { body: OwnerAnswerInput }),
  escalate: http('escalate', {
    body: EscalateInput,
    sample: () => ({ department: 'security', question: 'question' }) as const,
    route: {
      path: path('/escalations'),
      status: 201,
      operationId: 'escalateCase',
      summary: 'Escalate to a department',
      description:
        'Opens an escalation with an SLA (slaMinutes, or the policy default for the department). A reminder goes out at half time; at the deadline the case is flagged slaBreached and the department lead is notified. Several escalations can be open at once.',
    },
  }),
  answerEscalation: http('answerEscalation', {
    body: AnswerEscalationInput,
    sample: () => ({ answer: 'answer' }),
    route: {
      path: path('/escalations/{escalationId}/answer'),
      status: 200,
      operationId: 'answerEscalation',
      summary: 'Answer an escalation',
      description: 'Only members of the escalation’s department may answer it.',
    },
  }),
  propose: http('propose', {
    body: ProposeInput,
    // A case that names no controls has nothing to propose; the rule says so about a stand-in id. The
    // sample gives an ordinary reason with its evidence, so a law-enforcement hold shows as refused.
    sample: (c, { policy }) => {
      const [reasonCode, rule] = Object.entries(policy.reasonCodes[c.type]).find(
        ([, r]) => !r.evidence.includes('legal_release'),
      ) ?? ['sample_reason', { evidence: [] }];
      return {
        controlIds: c.controlIds.length > 0 ? c.controlIds : ['none'],
        reasonCode,
        justification: 'justification',
        evidence: rule.evidence.map((kind) => ({ kind, ref: 'sample' })),
      };
    },
    route: {
      path: path('/proposals'),
      status: 201,
      operationId: 'createProposal',
      summary: 'Propose lifting controls',
      description:
        'The maker (the case’s assignee) proposes lifting some of the case’s controls. The case moves to awaiting_approval; the proposal needs the risk tier’s quorum of checkers and expires after the policy’s time.',
    },
  }),
  approve: http('approve', {
    body: ApproveInput,
    route: {
      path: path('/proposals/{proposalId}/approve'),
      status: 200,
      operationId: 'approveProposal',
      summary: 'Approve a proposal',
      description:
        'Adds the caller’s approval. The maker, the case’s creator and anyone who already approved are refused (separation_of_duties); high-tier proposals need a senior and critical ones a compliance approval among their checkers. Once the quorum is reached the case moves to executing, then monitoring. If the controls changed since the proposal, it is void (409 controls_changed) and the case returns to review.',
    },
  }),
  reject: http('reject', {
    body: RejectInput,
    sample: () => ({ comment: 'comment' }),
    route: {
      path: path('/proposals/{proposalId}/reject'),
      status: 200,
      operationId: 'rejectProposal',
      summary: 'Reject a proposal',
      description: 'Rejects the proposal with a comment (kept on record) and returns the case to in_review.',
    },
  }),
  withdraw: http('withdraw', {
    body: z.strictObject({ comment: text(2_000).optional() }).meta({
      examples: [{ comment: 'Proposed the wrong control; a new proposal follows.' }],
    }),
    route: {
      path: path('/proposals/{proposalId}/withdraw'),
      status: 200,
      operationId: 'withdrawProposal',
      summary: 'Withdraw a proposal',
      description:
        'The maker takes back a proposal no checker has decided on yet, with an optional comment; the case returns to in_review.',
    },
  }),
  passOn: http('passOn', {
    body: z.strictObject({ comment: text(2_000).optional() }).meta({
      examples: [{ comment: 'I made the controls this proposal names; someone else should decide.' }],
    }),
    route: {
      path: path('/proposals/{proposalId}/pass-on'),
      status: 200,
      operationId: 'passOnProposal',
      summary: 'Pass on a proposal offered to you',
      description:
        'Where the risk tier routes proposals random_first, a new proposal is offered to one eligible checker drawn at random, and only they may decide it until the offer expires. The checker it is offered to hands it on with an optional comment: from then on every eligible checker may decide it.',
    },
  }),
  resolve: http('resolve', {
    body: ResolveInput,
    sample: (c) => ({
      outcome: c.status === 'reverted' ? ('reverted' as const) : ('resolved_no_action' as const),
      summary: 'summary',
    }),
    route: {
      path: path('/resolve'),
      status: 200,
      operationId: 'resolveCase',
      summary: 'Resolve and close a case',
      description:
        'Closes the case with an outcome. Assignee only; a pending proposal is withdrawn. A case whose lift was reverted closes with outcome reverted.',
    },
  }),
  revert: http('revert', {
    body: RevertInput,
    sample: () => ({ reason: 'reason' }),
    route: {
      path: path('/revert'),
      status: 200,
      operationId: 'revertCase',
      summary: 'Revert a lift',
      description:
        'Runs the compensation: the lifted controls are re-applied exactly as they were, withdrawals are locked if a binding was removed, and the case becomes reverted for review. Needs no checker: making an account safer takes one pair of eyes.',
    },
  }),
  recordReverification: http('recordReverification', {
    body: RecordReverificationInput,
    sample: () => ({ outcome: 'passed', method: 'video_call' }) as const,
    route: {
      path: path('/reverification'),
      status: 200,
      operationId: 'recordReverification',
      summary: 'Record the user’s re-verification',
      description:
        'Before an approved unbind is carried out, the user must prove again that they own the account. Records the outcome of that check; someone other than the maker records it. A failed check, or none within the policy’s wait, voids the proposal and returns the case to review.',
    },
  }),
  requestAfterReview: http('requestAfterReview', {
    body: z.strictObject({
      controlId: EntityId,
      kind: ControlKind,
      appliedBy: z.string().min(1),
      reason: z.string().min(1),
    }),
  }),
};

/** The actions a route offers, in declaration order: what `allowedActions` reports on. */
export const publicActionNames = actionNames.filter((name) => httpActions[name].route !== null);

export const AllowedAction = z
  .object({
    action: z.enum(publicActionNames as [ActionName, ...ActionName[]]),
    operationId: z.string(),
    allowed: z.boolean(),
    code: ErrorCode.nullable().describe('why not, as an error code; null when allowed'),
    reason: z.string().nullable().describe('why not, in words; null when allowed'),
    proposalId: z.string().nullable().describe('the pending proposal the action is about'),
    escalationId: z.string().nullable().describe('the open escalation the action is about'),
    awaited: z
      .boolean()
      .describe(
        'false for an action that answers something the case is not waiting for now (no re-verification or escalation pending): a refusal then only says there is nothing to answer',
      ),
  })
  .meta({ id: 'AllowedAction' });
export type AllowedAction = z.infer<typeof AllowedAction>;

/** The ids a route's path names besides the case. */
export interface TargetIds {
  proposalId?: string | null | undefined;
  escalationId?: string | null | undefined;
}

/** An action's payload from a request body and the target named in the path, parsed by its schema. */
export function payloadOf<A extends ActionName>(
  name: A,
  body: object | undefined,
  ids: TargetIds,
): ActionPayload<A> {
  const action = httpActions[name];
  const param = targetParams[action.target];
  return action.payload.parse({ ...body, ...(param ? { [param]: ids[param] } : {}) });
}

function targetIds(c: Case, target: Target): { id: string | null; missing?: string }[] {
  switch (target) {
    case 'case':
      return [{ id: null }];
    case 'proposal': {
      const pending = c.proposals.filter((p) => p.status === 'pending').map((p) => ({ id: p.id }));
      return pending.length > 0 ? pending : [{ id: null, missing: 'no proposal is pending' }];
    }
    case 'escalation': {
      const open = c.escalations.filter((e) => e.status === 'open').map((e) => ({ id: e.id }));
      return open.length > 0 ? open : [{ id: null, missing: 'no escalation is open' }];
    }
  }
}

/**
 * For the caller, every action a route offers on this case: allowed now, or refused with the code and
 * sentence the action itself would answer with. The same `check` the workflow's validator runs decides,
 * so the API, the workflow and the console cannot disagree.
 */
export function allowedActions(c: Case, ctx: Context): AllowedAction[] {
  return allowedActionsFor(ctx)(c);
}

/** Whether the caller holds a permission in a business line: the refusal `authorize` would throw, or none. */
type Authorization = (permission: Permission, businessLine: BusinessLine) => DomainError | undefined;

/**
 * `allowedActions` for one caller at one moment, over as many cases as a page holds. Every rule's `check`
 * starts with its permission in the case's business line (`defineRule`), so that refusal depends on the
 * line alone: it is worked out once per line, and an action the caller may not take anyway runs no check.
 */
export function allowedActionsFor(ctx: Context): (c: Case) => AllowedAction[] {
  const lines = new Map<BusinessLine, Map<Permission, DomainError | undefined>>();
  const authorization: Authorization = (permission, businessLine) => {
    let line = lines.get(businessLine);
    if (!line) {
      line = new Map<Permission, DomainError | undefined>();
      lines.set(businessLine, line);
    }
    if (!line.has(permission)) {
      line.set(
        permission,
        refusalOf(() => authorize(ctx.actor, permission, businessLine)),
      );
    }
    return line.get(permission);
  };
  return (c) => {
    // Each refusal here is a DomainError whose stack nobody reads, and capturing those stacks was most of
    // the CPU of a page of cases. All synchronous: nothing else runs while the limit is lowered.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return publicActionNames.flatMap((name) => entriesFor(name, c, ctx, authorization));
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  };
}

function entriesFor<A extends ActionName>(
  name: A,
  c: Case,
  ctx: Context,
  authorization: Authorization,
): AllowedAction[] {
  const declared = httpActions[name];
  const param = targetParams[declared.target];
  const { permission } = declared.rule;
  const unauthorized = permission && authorization(permission, c.businessLine);
  const operationId = declared.route?.operationId ?? name;
  const awaited = isAwaited(c, name);
  return targetIds(c, declared.target).map(({ id, missing }): AllowedAction => {
    const proposalId = param === 'proposalId' ? id : null;
    const escalationId = param === 'escalationId' ? id : null;
    // With nothing to act on, the reason is still "not yours to do" before it is "nothing to do".
    const refusal =
      unauthorized ||
      (missing
        ? new DomainError('invalid_state', missing)
        : refusalOf(() =>
            declared.rule.check(
              c,
              payloadOf(name, declared.sample(c, ctx), { proposalId, escalationId }),
              ctx,
            ),
          ));
    // One literal, not a spread of the common fields: V8 copies a spread into a literal with more fields
    // through its slow path, and this runs for every action of every case in a page.
    return {
      action: name,
      operationId,
      proposalId,
      escalationId,
      allowed: !refusal,
      awaited,
      code: refusal ? refusal.code : null,
      reason: refusal ? refusal.detail : null,
    };
  });
}

function refusalOf(check: () => void): DomainError | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}
