import { setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import type { UpdateDefinition } from '@temporalio/common';
import type { Case } from '../src/domain/case.js';
import type { Acting, ActionName, ActionPayload } from '../src/domain/caseActions.js';
import { actionNames, caseActions } from '../src/domain/caseActions.js';
import { DomainError } from '../src/domain/errors.js';
import { asFailure } from '../src/domain/failures.js';
import { Actor } from '../src/domain/permissions.js';
import type { CaseRuntime } from './runtime.js';
import { nowIso } from './runtime.js';

function parseOrRefuse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new DomainError(
    'validation_failed',
    `${what} is not valid`,
    result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** Parses who acts and what they send, as the workflow's own check, not trusting the API's. */
export function parseActing<A extends ActionName>(
  name: A,
  acting: Acting<unknown>,
): { actor: Actor; payload: ActionPayload<A> } {
  return {
    actor: parseOrRefuse(Actor, acting.actor, 'actor'),
    payload: parseOrRefuse(caseActions[name].payload, acting.payload, 'payload'),
  };
}

/** The validator every action update shares: its input parses and its rule allows it now. */
export function validatorFor<A extends ActionName>(rt: CaseRuntime, name: A) {
  return (acting: Acting<unknown>): void => {
    try {
      const { actor, payload } = parseActing(name, acting);
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
      const { actor, payload } = parseActing(name, acting);
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
