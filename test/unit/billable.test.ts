import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { billableActions, historyBytes } from '../../bench/billable.js';

const recorded = (path: string) =>
  historyFromJSON(JSON.parse(readFileSync(new URL(`../replay/histories/${path}`, import.meta.url), 'utf8')));

describe('billable Temporal actions of a low-tier unfreeze, counted from its history', () => {
  it('were 29 before fewer-actions-per-case: a record and an upsert of each kind per change', () => {
    expect(billableActions(recorded('v2-unbind-reverification/unfreeze-low-lifted.json'))).toEqual({
      start: 1,
      update: 3,
      timer: 2,
      'activity recordProgress': 6,
      'activity readControls': 1,
      'activity checkControlsUnchanged': 1,
      'activity liftControls': 1,
      'activity notify': 2,
      'search-attribute upsert': 6,
      'memo change': 6,
      total: 29,
    });
  });

  it('are 18 with it, the patch markers’ TemporalChangeVersion upserts not counted', () => {
    const history = recorded('v5-fewer-actions-per-case/unfreeze-low-lifted.json');
    expect(billableActions(history)).toEqual({
      start: 1,
      update: 3,
      timer: 2,
      'activity recordProgress': 4,
      'activity readControls': 1,
      'activity checkControlsUnchanged': 1,
      'activity liftControls': 1,
      'activity notify': 1,
      'search-attribute upsert': 4,
      total: 18,
    });
    expect(historyBytes(history)).toBeLessThan(
      historyBytes(recorded('v2-unbind-reverification/unfreeze-low-lifted.json')),
    );
  });

  it('stay 18 with records-carry-changes, whose records send the changed fields in fewer bytes', () => {
    const history = recorded('v6-records-carry-changes/unfreeze-low-lifted.json');
    const { 'activity recordChanges': records, total } = billableActions(history);
    expect({ records, total }).toEqual({ records: 4, total: 18 });
    expect(historyBytes(history)).toBeLessThan(
      historyBytes(recorded('v5-fewer-actions-per-case/unfreeze-low-lifted.json')),
    );
  });
});
