import { condition, patched } from '@temporalio/workflow';
import { missDeadline } from '../../src/domain/lifecycle/deadlines.js';
import { caseDeadlines } from '../../src/domain/vocabulary.js';
import type { CaseDeadline } from '../../src/domain/vocabulary.js';
import { owedDeadline } from '../../src/domain/waits.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';

/**
 * Added after cases were running: a timer per case deadline. Cases started before it replay without the
 * timers (and were opened without due times); cases started after it run them.
 */
export const CASE_DEADLINES_PATCH = 'case-deadlines';

/** Watches the case's first-response and resolution due times; a missed one flags the case and tells the lead. */
export function registerDeadlines(rt: CaseRuntime): void {
  if (!patched(CASE_DEADLINES_PATCH)) return;
  for (const deadline of caseDeadlines) {
    if (owedDeadline(rt.case, deadline) !== undefined) rt.spawnTimer(() => watchDeadline(rt, deadline));
  }
}

async function watchDeadline(rt: CaseRuntime, deadline: CaseDeadline): Promise<void> {
  const dueAt = owedDeadline(rt.case, deadline);
  if (dueAt === undefined) return;
  const met = () => owedDeadline(rt.case, deadline) === undefined;
  if (await condition(met, msUntil(dueAt), { summary: 'caseDeadline' })) return;
  rt.apply(missDeadline, { deadline });
  await rt.activities.notify({
    key: `${rt.workflowId}:${deadline}:missed`,
    recipient: 'lead:risk_ops',
    kind: 'deadline.missed',
    caseId: rt.case.id,
    payload: { deadline, dueAt },
  });
}
