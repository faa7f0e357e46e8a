import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';

export const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));

export interface RecordedHistory {
  /** `<label>/<scenario>.json`, as the recording script wrote it. */
  file: string;
  workflowId: string;
  history: { events: HistoryEvent[] };
}

interface HistoryEvent {
  eventId: string;
  eventType: string;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
  workflowExecutionStartedEventAttributes?: { input?: { payloads?: { data?: string }[] } };
  workflowPropertiesModifiedEventAttributes?: {
    upsertedMemo?: { fields?: Record<string, { data?: string }> };
  };
  upsertWorkflowSearchAttributesEventAttributes?: {
    searchAttributes?: { indexedFields?: Record<string, { data?: string }> };
  };
}

export function loadHistories(): RecordedHistory[] {
  return readdirSync(historiesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(historiesDir, dir.name))
        .filter((name) => name.endsWith('.json'))
        .map((name) => join(historiesDir, dir.name, name)),
    )
    .sort()
    .map((path) => {
      const history = JSON.parse(readFileSync(path, 'utf8')) as RecordedHistory['history'];
      return { file: relative(historiesDir, path), workflowId: caseWorkflowId(history), history };
    });
}

function decode(data: string | undefined): unknown {
  return data === undefined ? undefined : JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
}

function caseWorkflowId(history: RecordedHistory['history']): string {
  const input = decode(
    history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data,
  ) as { case?: { workflowId?: string } } | undefined;
  return input?.case?.workflowId ?? 'unknown-workflow';
}

/**
 * The case's step as of a history event, what a replay failure is reported against: from its memo, or
 * from its status search attribute in runs that keep no step in the memo.
 */
export function stepAt(history: RecordedHistory['history'], eventId: number): string {
  let step: string | undefined;
  let status = 'starting';
  for (const event of history.events) {
    if (Number(event.eventId) > eventId) break;
    const memo = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.step?.data;
    if (memo) step = String(decode(memo));
    const upserted =
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.CaseStatus?.data;
    if (upserted) status = String(decode(upserted));
  }
  return step ?? status;
}

/**
 * The history event a nondeterminism error is about: named by id in some messages, by the activity the
 * history scheduled in others; the last event when the message names neither.
 */
export function failingEventId(history: RecordedHistory['history'], message: string): number {
  const byId = /HistoryEvent\(id: (\d+)/.exec(message)?.[1];
  if (byId) return Number(byId);
  const activity = /scheduled event '([^']+)'/.exec(message)?.[1];
  const scheduled = history.events.find(
    (e) =>
      e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === activity,
  );
  return Number(scheduled?.eventId ?? history.events.at(-1)?.eventId ?? 0);
}
