import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import type { Case } from '../src/domain/case.js';
import { DomainError } from '../src/domain/errors.js';
import type { Rule } from '../src/domain/lifecycle/rule.js';
import { Actor } from '../src/domain/permissions.js';
import type { Acting } from './messages.js';
import type { CaseRuntime } from './runtime.js';
import { asFailure, nowIso } from './runtime.js';

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
export function parseActing<P>(schema: z.ZodType<P>, acting: Acting<unknown>): { actor: Actor; payload: P } {
  return {
    actor: parseOrRefuse(Actor, acting.actor, 'actor'),
    payload: parseOrRefuse(schema, acting.payload, 'payload'),
  };
}

/** The validator every action update shares: its input parses and its rule allows it now. */
export function validatorFor<P>(rt: CaseRuntime, schema: z.ZodType<P>, rule: Rule<P>) {
  return (acting: Acting<P>): void => {
    try {
      const { actor, payload } = parseActing(schema, acting);
      rule.check(rt.case, payload, { actor, now: nowIso(), policy: rt.policy });
    } catch (error) {
      throw asFailure(error);
    }
  };
}

/**
 * Registers an update whose handler is just its rule: validate, apply, answer with the case. `after`
 * starts whatever the change sets going (a deadline timer, for instance).
 */
export function handleAction<P>(
  rt: CaseRuntime,
  update: UpdateDefinition<Case, [Acting<P>]>,
  schema: z.ZodType<P>,
  rule: Rule<P>,
  after?: (next: Case) => void,
): void {
  setHandler(
    update,
    (acting) => {
      const { actor, payload } = parseActing(schema, acting);
      const next = rt.act(rule, payload, actor);
      after?.(next);
      return next;
    },
    { validator: validatorFor(rt, schema, rule) },
  );
}
