import proto from '@temporalio/proto';

const { temporal } = proto;
type History = proto.temporal.api.history.v1.IHistory;
const { EventType } = temporal.api.enums.v1;

/** Events that are one action each, whatever they carry. */
const simpleKinds = new Map<proto.temporal.api.enums.v1.EventType, string>([
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 'start'],
  [EventType.EVENT_TYPE_TIMER_STARTED, 'timer'],
  [EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, 'memo change'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 'update'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 'signal'],
  [EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, 'signal'],
  [EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, 'child start'],
]);

/**
 * The Temporal Cloud actions a finished run's history shows, by kind: its start, each activity scheduled
 * and each retry of one, each timer started, each search-attribute upsert (not the SDK's own
 * `TemporalChangeVersion`, which is free), each memo change, each update accepted, each signal, each child
 * started, and local activities (one action per workflow task that ran any). Updates the workflow rejected
 * are billed too but leave no event, so a count from the history is a floor.
 */
export function billableActions(history: History): Record<string, number> & { total: number } {
  const counts: Record<string, number> = {};
  const add = (kind: string, times = 1) => (counts[kind] = (counts[kind] ?? 0) + times);
  const localActivityTasks = new Set<string>();
  const activityNames = new Map<string, string>();
  for (const e of history.events ?? []) {
    const type = e.eventType ?? EventType.EVENT_TYPE_UNSPECIFIED;
    const simple = simpleKinds.get(type);
    if (simple) add(simple);
    if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity';
      activityNames.set(String(e.eventId), name);
      add(`activity ${name}`);
    } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const started = e.activityTaskStartedEventAttributes;
      const retries = (started?.attempt ?? 1) - 1;
      if (retries > 0)
        add(`retry ${activityNames.get(String(started?.scheduledEventId)) ?? 'activity'}`, retries);
    } else if (type === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) {
      const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {};
      if (Object.keys(fields).some((f) => f !== 'TemporalChangeVersion')) add('search-attribute upsert');
    } else if (
      type === EventType.EVENT_TYPE_MARKER_RECORDED &&
      e.markerRecordedEventAttributes?.markerName === 'core_local_activity'
    ) {
      localActivityTasks.add(String(e.markerRecordedEventAttributes.workflowTaskCompletedEventId));
    }
  }
  if (localActivityTasks.size > 0) add('local activities', localActivityTasks.size);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { ...counts, total };
}

/** The history as the server stores and sends it: its protobuf encoding. */
export function historyBytes(history: History): number {
  return temporal.api.history.v1.History.encode(history).finish().length;
}
