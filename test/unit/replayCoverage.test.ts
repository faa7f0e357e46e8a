import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { plans } from '../../workflows/plans.js';
import { clearText, decodePayload, loadHistories } from '../replay/histories.js';
import type { RecordedHistory, RecordedPayload } from '../replay/histories.js';

/*
 * The replay suite proves only the paths some recorded history takes. These checks name what no history
 * takes yet, so a new patch or plan step cannot ship with nothing to prove its replays against.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const histories = loadHistories();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * Every id workflow code passes to `patched()` or `deprecatePatch()`, or gives a plan step as its `patch`:
 * a literal or a constant's value.
 */
function patchIds(): { id: string; file: string }[] {
  const files = sourceFiles(join(root, 'workflows')).map((file) => ({
    file: relative(root, file),
    // Comments may quote a call; only code counts.
    text: readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''),
  }));
  const constants = new Map<string, string>();
  for (const { text } of files) {
    for (const [, name, value] of text.matchAll(/const\s+(\w+)\s*=\s*'([^']+)'/g))
      constants.set(name!, value!);
  }
  return files.flatMap(({ file, text }) =>
    [
      ...text.matchAll(
        /(?:(?:patched|deprecatePatch)\(\s*|\bpatch:\s*)(?:'([^']+)'|([A-Z][A-Z0-9_]*))\b(?!\.)/g,
      ),
    ].map(([, literal, name]) => {
      const id = literal ?? constants.get(name!);
      if (id === undefined)
        throw new Error(`${file}: patched(${name}) names no string constant in workflows/`);
      return { id, file };
    }),
  );
}

type Event = RecordedHistory['history']['events'][number] & {
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: RecordedPayload[] }>;
  };
  activityTaskScheduledEventAttributes?: { input?: { payloads?: RecordedPayload[] } };
  workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } };
};

function markers(history: RecordedHistory): string[] {
  return (history.history.events as Event[]).flatMap((event) => {
    const data = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0];
    const marker = decodePayload(data) as { id?: string } | undefined;
    return marker?.id ? [marker.id] : [];
  });
}

/** The audit actions a history's record activities carried. */
function recordedActions(history: RecordedHistory): Set<string> {
  const actions = new Set<string>();
  for (const event of history.history.events as Event[]) {
    for (const payload of event.activityTaskScheduledEventAttributes?.input?.payloads ?? []) {
      const text = clearText(payload);
      for (const [, action] of text.matchAll(/"action":"([^"]+)"/g)) actions.add(action!);
    }
  }
  return actions;
}

function workflowType(history: RecordedHistory): string | undefined {
  return (history.history.events as Event[])[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}

const howToRecord =
  'add a scenario that takes that path to test/replay/scenarios.ts and record it: ' +
  '`npm run replay:record -- v<next>-<what-changed> <scenario>` (see docs/adding-a-step.md)';

describe('the recorded histories cover the workflow code', () => {
  it('every patch id in workflows/ is in at least one recorded history', () => {
    const found = patchIds();
    expect(found.length).toBeGreaterThan(0);
    const recorded = new Set(histories.flatMap(markers));
    const missing = found.filter(({ id }) => !recorded.has(id)).map(({ id, file }) => `'${id}' (${file})`);
    expect(
      missing,
      `no recorded history takes the patched path of ${missing.join(', ')}: ${howToRecord}`,
    ).toEqual([]);
  });

  it('every step of every plan runs in at least one recorded history of its workflow type', () => {
    const missing = Object.entries(plans).flatMap(([type, plan]) =>
      plan.beforeLift
        .filter(
          (step) => !histories.some((h) => workflowType(h) === type && recordedActions(h).has(step.records)),
        )
        .map((step) => `${type}: the step that records '${step.records}'`),
    );
    expect(missing, `no recorded history runs ${missing.join(', ')}: ${howToRecord}`).toEqual([]);
  });
});
