import { DomainError } from '../errors.js';
import type { CaseDeadline } from '../vocabulary.js';
import { owedDeadline } from '../waits.js';
import { defineRule } from './rule.js';

/** A case deadline passed unmet: the case is flagged as for a missed escalation SLA, and still owes it. */
export const missDeadline = defineRule<{ deadline: CaseDeadline }>({
  action: 'deadline.missed',
  check(c, input, { now }) {
    const dueAt = owedDeadline(c, input.deadline);
    if (dueAt === undefined) throw new DomainError('invalid_state', `the case owes no ${input.deadline} now`);
    if (dueAt > now) throw new DomainError('invalid_state', `the ${input.deadline} is due only at ${dueAt}`);
    if (c.missedDeadlines.includes(input.deadline)) {
      throw new DomainError('invalid_state', `the ${input.deadline} was already missed`);
    }
  },
  apply: (c, input) => ({ ...c, slaBreached: true, missedDeadlines: [...c.missedDeadlines, input.deadline] }),
  details: (input, next) => ({
    deadline: input.deadline,
    dueAt: input.deadline === 'first_response' ? next.firstResponseDueAt : next.resolutionDueAt,
  }),
});
