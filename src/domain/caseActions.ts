import type { UpdateDefinition } from '@temporalio/common';
import { defineUpdate } from '@temporalio/workflow';
import type { Case } from './case.js';
import { approve, passOn, propose, reject, withdraw } from './lifecycle/approval.js';
import { answerEscalation, escalate } from './lifecycle/escalations.js';
import { requestAfterReview, requestRevert } from './lifecycle/execution.js';
import { recordReverification } from './lifecycle/reverification.js';
import {
  addNote,
  answerAsOwner,
  assign,
  assignByPolicy,
  claim,
  release,
  requestInfo,
  resolve,
  respondInfo,
} from './lifecycle/review.js';
import type { Rule } from './lifecycle/rule.js';
import type { Actor } from './permissions.js';

/*
 * Every action a person (or the engine) takes on a case, declared once: its rule (which carries the audit
 * name and the permission), what it is about besides the case, and its update. The workflow's handlers
 * come from here; `schemas/caseActions.ts` adds each action's request body and HTTP route, from which the
 * routes, the OpenAPI document and `allowedActions` derive. This half loads no zod, so the workflow bundle
 * carries none.
 */

/** Every update carries who is acting; the workflow re-checks their permissions itself. */
export interface Acting<P> {
  actor: Actor;
  payload: P;
}

/** What the route names besides the case: the proposal or escalation the action is about. */
export const targetParams = { case: null, proposal: 'proposalId', escalation: 'escalationId' } as const;
export type Target = keyof typeof targetParams;

const declarations = {
  claim: { target: 'case', rule: claim },
  release: { target: 'case', rule: release },
  assign: { target: 'case', rule: assign },
  assignByPolicy: { target: 'case', rule: assignByPolicy },
  addNote: { target: 'case', rule: addNote },
  requestInfo: { target: 'case', rule: requestInfo },
  respondInfo: { target: 'case', rule: respondInfo },
  answerAsOwner: { target: 'case', rule: answerAsOwner },
  escalate: { target: 'case', rule: escalate },
  answerEscalation: { target: 'escalation', rule: answerEscalation },
  propose: { target: 'case', rule: propose },
  approve: { target: 'proposal', rule: approve },
  reject: { target: 'proposal', rule: reject },
  withdraw: { target: 'proposal', rule: withdraw },
  passOn: { target: 'proposal', rule: passOn },
  resolve: { target: 'case', rule: resolve },
  revert: { target: 'case', rule: requestRevert },
  recordReverification: { target: 'case', rule: recordReverification },
  requestAfterReview: { target: 'case', rule: requestAfterReview },
} as const;

type Declarations = typeof declarations;
export type ActionName = Extract<keyof Declarations, string>;
/** What the rule and the workflow receive: the request body plus the target's id from the path. */
export type ActionPayload<A extends ActionName> = Declarations[A] extends { rule: Rule<infer P> } ? P : never;

export interface CaseAction<A extends ActionName> {
  name: A;
  target: Target;
  rule: Rule<ActionPayload<A>>;
  update: UpdateDefinition<Case, [Acting<ActionPayload<A>>], A>;
}

type Registry = { [A in ActionName]: CaseAction<A> };

/** Names each declaration by its key and gives it the update of the same name. */
function defineActions(declared: Declarations): Registry {
  const entries = Object.entries(declared).map(([name, spec]) => [
    name,
    { ...spec, name, update: defineUpdate(name) },
  ]);
  // Object.fromEntries forgets the keys; each entry was built from its own key above.
  return Object.fromEntries(entries) as Registry;
}

export const caseActions: Registry = defineActions(declarations);

export const actionNames = Object.keys(caseActions) as ActionName[];
