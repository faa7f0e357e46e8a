import { setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Case } from '../src/domain/case.js';
import type { Acting, ActionName, ActionPayload } from '../src/domain/caseActions.js';
import { actionNames, caseActions } from '../src/domain/caseActions.js';
import { DomainError } from '../src/domain/errors.js';
import { asFailure } from '../src/domain/failures.js';
import type { Actor } from '../src/domain/permissions.js';
import { isActor } from '../src/domain/permissions.js';
import type { CaseRuntime } from './runtime.js';
import { nowIso } from './runtime.js';

/**
 * Who acts and what they send. The API parsed both with its schemas; the workflow does not load zod (each
 * cached run would evaluate it anew), so it checks in plain code what a rule could not survive: an actor
 * whose roles and scopes it can read, and a payload that is an object. Every rule then runs on its own state.
 */
export function parseActing<A extends ActionName>(
  acting: Acting<unknown>,
): {
  actor: Actor;
  payload: ActionPayload<A>;
} {
  if (!isActor(acting.actor)) {
    throw new DomainError('validation_failed', 'actor is not valid', [
      { path: 'actor', message: 'expected an actor with an id, roles, business lines and departments' },
    ]);
  }
  const { payload } = acting;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new DomainError('validation_failed', 'payload is not valid', [
      { path: 'payload', message: 'expected an object' },
    ]);
  }
  // The API built it from the action's body schema and its target's id; the rule checks what it means.
  return { actor: acting.actor, payload: payload as ActionPayload<A> };
}

/** The validator every action update shares: its actor and payload pass the checks and its rule allows it now. */
export function validatorFor<A extends ActionName>(rt: CaseRuntime, name: A) {
  return (acting: Acting<unknown>): void => {
    try {
      const { actor, payload } = parseActing<A>(acting);
      caseActions[name].rule.check(rt.case, payload, { actor, now: nowIso(), policy: rt.policy });
    } catch (error) {
      throw asFailure(error);
    }
  };
}

/**
 * Registers the handler of an action that needs more than its rule (activities, timers, waiting). The
 * validator is always the shared one: the rule decides whether the update is accepted.
 */
export function handleCustom<A extends ActionName>(
  rt: CaseRuntime,
  name: A,
  handler: (actor: Actor, payload: ActionPayload<A>) => Case | Promise<Case>,
): void {
  rt.handled.add(name);
  // What arrives is parsed again below, so the handler takes the update's arguments as unknown.
  const update: UpdateDefinition<Case, [Acting<unknown>]> = caseActions[name].update;
  setHandler(
    update,
    (acting) => {
      const { actor, payload } = parseActing<A>(acting);
      return handler(actor, payload);
    },
    { validator: validatorFor(rt, name) },
  );
}

/**
 * Registers an action whose handler is just its rule: validate, apply, answer with the case. `after`
 * starts whatever the change sets going (a deadline timer, for instance).
 */
export function handleAction<A extends ActionName>(
  rt: CaseRuntime,
  name: A,
  after?: (next: Case) => void,
): void {
  handleCustom(rt, name, (actor, payload) => {
    const next = rt.act(caseActions[name].rule, payload, actor);
    after?.(next);
    return next;
  });
}

/** Every declared action no step took over runs as its plain rule, so no update goes unhandled. */
export function handleRemainingActions(rt: CaseRuntime): void {
  for (const name of actionNames) if (!rt.handled.has(name)) handleAction(rt, name);
}
