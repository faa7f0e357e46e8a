import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { metadataKeys } from '../../src/temporal/codec/codec.js';
import type { KeyFile } from '../../src/temporal/codec/keys.js';

export const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * The key histories recorded with the payload codec are encrypted with: a fixture, never a real key. The
 * replay decrypts with it as a worker would with the production keys.
 */
export const replayKeys = JSON.parse(
  readFileSync(new URL('./replay-keys.json', import.meta.url), 'utf8'),
) as KeyFile;

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
  workflowExecutionStartedEventAttributes?: {
    input?: { payloads?: { metadata?: Record<string, string>; data?: string }[] };
  };
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

/** A clear JSON payload's value; undefined for an encrypted one, which only the codec reads. */
function decode(data: string | undefined): unknown {
  if (data === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The run's id: in clear in an encrypted input's metadata, else in the case the input carries. */
function caseWorkflowId(history: RecordedHistory['history']): string {
  const payload = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const named = payload?.metadata?.[metadataKeys.workflowId];
  if (named) return Buffer.from(named, 'base64').toString('utf8');
  const input = decode(payload?.data) as { case?: { workflowId?: string } } | undefined;
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
