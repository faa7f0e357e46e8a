import { condition } from '@temporalio/workflow';
import { breachEscalation, remindEscalation } from '../../src/domain/lifecycle/escalations.js';
import type { NotificationKind } from '../../src/domain/notifications.js';
import { handleAction } from '../handlers.js';
import type { CaseRuntime } from '../runtime.js';
import { msUntil } from '../runtime.js';

/** Questions to other departments, each with its own SLA; several can be open at once. */
export function registerEscalations(rt: CaseRuntime): void {
  handleAction(rt, 'escalate', (next) => {
    const escalation = next.escalations.at(-1);
    if (escalation) rt.spawnTimer(() => escalationSla(rt, escalation.id));
  });
}

/**
 * Reminder at half time, breach at the deadline. A breached escalation stays open: the department still
 * owes an answer, and the lead is told.
 */
async function escalationSla(rt: CaseRuntime, escalationId: string): Promise<void> {
  const escalation = () => rt.case.escalations.find((e) => e.id === escalationId);
  const answered = () => escalation()?.status !== 'open';
  const first = escalation();
  if (!first) return;
  const half = (Date.parse(first.dueAt) - Date.parse(first.requestedAt)) / 2;
  const reminderAt = new Date(Date.parse(first.requestedAt) + half).toISOString();
  const tell = (stage: string, to: 'department' | 'lead', kind: NotificationKind) =>
    rt.activities.notify({
      key: `${rt.workflowId}:${escalationId}:${stage}`,
      recipient: `${to}:${first.department}`,
      kind,
      caseId: rt.case.id,
      payload: { escalationId, question: first.question, dueAt: first.dueAt },
    });
  await tell('opened', 'department', 'escalation.opened');

  if (await condition(answered, msUntil(reminderAt), { summary: 'escalationReminder' })) return;
  rt.apply(remindEscalation, { escalationId });
  await tell('reminder', 'department', 'escalation.reminder');

  if (await condition(answered, msUntil(first.dueAt), { summary: 'escalationSla' })) return;
  rt.apply(breachEscalation, { escalationId });
  await tell('breach', 'lead', 'escalation.breached');
}
