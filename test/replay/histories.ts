import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { EncryptionCodec, metadataKeys, ownerOf } from '../../src/temporal/codec/codec.js';
import type { KeyFile } from '../../src/temporal/codec/keys.js';
import { KeyFileSchema, Keyring } from '../../src/temporal/codec/keys.js';

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
  workflowExecutionStartedEventAttributes?: { input?: { payloads?: RecordedPayload[] } };
  workflowPropertiesModifiedEventAttributes?: {
    upsertedMemo?: { fields?: Record<string, RecordedPayload> };
  };
  upsertWorkflowSearchAttributesEventAttributes?: {
    searchAttributes?: { indexedFields?: Record<string, RecordedPayload> };
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

const replayCodec = new EncryptionCodec(Keyring.fromFile(KeyFileSchema.parse(replayKeys)));

/** A payload as the Temporal CLI exports it: proto3 JSON, bytes in base64. */
export interface RecordedPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** A recorded payload's bytes as text: an encrypted one opened with the replay key, as a worker would. */
export function clearText(payload: RecordedPayload | undefined): string {
  if (payload?.data === undefined) return '';
  const raw = {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(payload.data, 'base64'),
  };
  const owner = ownerOf(raw);
  const clear = owner ? replayCodec.open(raw, owner) : raw;
  return Buffer.from(clear?.data ?? []).toString('utf8');
}

/** A recorded JSON payload's value; undefined when it is none. */
export function decodePayload(payload: RecordedPayload | undefined): unknown {
  const text = clearText(payload);
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The run's id: in clear in an encrypted input's metadata, else in the case the input carries. */
function caseWorkflowId(history: RecordedHistory['history']): string {
  const payload = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const named = payload?.metadata?.[metadataKeys.workflowId];
  if (named) return Buffer.from(named, 'base64').toString('utf8');
  const input = decodePayload(payload) as { case?: { workflowId?: string } } | undefined;
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
    const memo = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.step;
    if (memo) step = String(decodePayload(memo));
    const upserted =
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.CaseStatus;
    if (upserted) status = String(decodePayload(upserted));
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
