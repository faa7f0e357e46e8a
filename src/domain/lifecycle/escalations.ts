import type { AnswerEscalationInput, EscalateInput } from '../schemas/actions.js';
import type { Case, Escalation } from '../case.js';
import { DomainError } from '../errors.js';
import { escalationSlaMs } from '../policy.js';
import { addMs, defineRule, nextId } from './rule.js';

export function findEscalation(c: Case, escalationId: string): Escalation {
  const escalation = c.escalations.find((e) => e.id === escalationId);
  if (!escalation) throw new DomainError('not_found', `case ${c.id} has no escalation ${escalationId}`);
  return escalation;
}

function updateEscalation(c: Case, id: string, change: Partial<Escalation>): Case['escalations'] {
  return c.escalations.map((e) => (e.id === id ? { ...e, ...change } : e));
}

export const escalate = defineRule<EscalateInput>({
  action: 'escalation.opened',
  permission: 'case.escalate',
  check(c) {
    if (c.status === 'closed') throw new DomainError('invalid_state', 'the case is closed');
  },
  apply(c, input, { actor, now, policy }) {
    const escalation: Escalation = {
      id: nextId('esc', c.escalations),
      department: input.department,
      question: input.question,
      requestedBy: actor.id,
      requestedAt: now,
      dueAt: addMs(now, escalationSlaMs(policy, input.department, input.slaMinutes)),
      status: 'open',
      reminded: false,
      breached: false,
      answer: null,
      answeredBy: null,
      answeredAt: null,
    };
    return { ...c, escalations: [...c.escalations, escalation] };
  },
  details: (input, next) => ({
    escalationId: next.escalations.at(-1)?.id,
    department: input.department,
    dueAt: next.escalations.at(-1)?.dueAt,
  }),
});

export const answerEscalation = defineRule<AnswerEscalationInput & { escalationId: string }>({
  action: 'escalation.answered',
  permission: 'department.respond',
  check(c, input, { actor }) {
    const escalation = findEscalation(c, input.escalationId);
    if (!actor.departments.includes(escalation.department)) {
      throw new DomainError(
        'forbidden',
        `only members of ${escalation.department} may answer ${escalation.id}`,
      );
    }
    if (escalation.status !== 'open')
      throw new DomainError('already_decided', `${escalation.id} is already answered`);
    if (c.status === 'closed') throw new DomainError('invalid_state', 'the case is closed');
  },
  apply(c, input, { actor, now }) {
    return {
      ...c,
      escalations: updateEscalation(c, input.escalationId, {
        status: 'answered',
        answer: input.answer,
        answeredBy: actor.id,
        answeredAt: now,
      }),
    };
  },
  details: (input) => ({ escalationId: input.escalationId }),
});

function requireOpenEscalation(c: Case, escalationId: string): Escalation {
  const escalation = findEscalation(c, escalationId);
  if (escalation.status !== 'open')
    throw new DomainError('invalid_state', `${escalationId} is already answered`);
  return escalation;
}

export const remindEscalation = defineRule<{ escalationId: string }>({
  action: 'escalation.reminded',
  check: (c, input) => void requireOpenEscalation(c, input.escalationId),
  apply: (c, input) => ({ ...c, escalations: updateEscalation(c, input.escalationId, { reminded: true }) }),
  details: (input) => ({ escalationId: input.escalationId }),
});

/** At the deadline the escalation stays open; the case is flagged and the department lead told. */
export const breachEscalation = defineRule<{ escalationId: string }>({
  action: 'escalation.breached',
  check: (c, input) => void requireOpenEscalation(c, input.escalationId),
  apply: (c, input) => ({
    ...c,
    slaBreached: true,
    escalations: updateEscalation(c, input.escalationId, { breached: true }),
  }),
  details: (input) => ({ escalationId: input.escalationId }),
});
