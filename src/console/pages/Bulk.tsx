import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useState } from 'react';
import type { ActionBody, Case } from '../api';
import { ApiError, act, newIdempotencyKey } from '../api';
import { useNamed, usePeople } from '../people';

/** The cases a lead ticked in the queue, and how to tick one. */
export interface Selection {
  ids: ReadonlySet<string>;
  toggle(id: string, on: boolean): void;
}

/*
 * Through context, not a column's props: the queue's rows render again only when their own case changes,
 * and a tick must still show at once.
 */
const SelectionContext = createContext<Selection | null>(null);
export const SelectionProvider = SelectionContext.Provider;

export function useSelection(): [Selection, (ids: ReadonlySet<string>) => void] {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string, on: boolean) =>
    setIds((before) => {
      const next = new Set(before);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return [{ ids, toggle }, setIds];
}

export function SelectBox({ c }: { c: Case }) {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  return (
    <input
      type="checkbox"
      aria-label={`Select ${c.id}`}
      checked={selection.ids.has(c.id)}
      onChange={(event) => selection.toggle(c.id, event.target.checked)}
    />
  );
}

type BulkAction = 'assign' | 'release' | 'addNote';
const done: Record<BulkAction, string> = { assign: 'Assigned', release: 'Released', addNote: 'Noted' };

interface Outcome {
  action: BulkAction;
  applied: number;
  refused: { caseId: string; reason: string }[];
}

/**
 * Acts on every ticked case, one action each: each is its own request, refused or applied on its own
 * and audited on its own case, as if taken on the case page.
 */
export function BulkActions(props: { selected: readonly Case[]; clear: () => void }) {
  const queryClient = useQueryClient();
  const people = usePeople().data?.people.filter((p) => p.enabled) ?? [];
  const named = useNamed();
  const [assignee, setAssignee] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const count = props.selected.length;

  const run = async <A extends BulkAction>(action: A, body: ActionBody<A> | undefined) => {
    setBusy(true);
    const result: Outcome = { action, applied: 0, refused: [] };
    for (const c of props.selected) {
      try {
        await act({ action, caseId: c.id, idempotencyKey: newIdempotencyKey(), ...(body ? { body } : {}) });
        result.applied++;
      } catch (error) {
        const reason = error instanceof ApiError ? error.message : 'the API could not be reached';
        result.refused.push({ caseId: c.id, reason });
      }
    }
    setOutcome(result);
    setBusy(false);
    if (result.refused.length === 0) props.clear();
    await queryClient.invalidateQueries({ queryKey: ['cases'] });
  };

  return (
    <form className="bulk" aria-label="Act on the selected cases" onSubmit={(e) => e.preventDefault()}>
      <p>
        {count === 0 ? 'Tick cases to act on several at once.' : `${count} selected`}
        {count > 0 ? (
          <button type="button" className="secondary" onClick={props.clear}>
            Clear selection
          </button>
        ) : null}
      </p>
      <div className="field">
        <label htmlFor="bulk-assignee">Assign to</label>
        <select id="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="">Choose a person</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        disabled={busy || count === 0 || !assignee}
        onClick={() => void run('assign', { assignee })}
      >
        Assign
      </button>
      <button type="button" disabled={busy || count === 0} onClick={() => void run('release', undefined)}>
        Release
      </button>
      <div className="field">
        <label htmlFor="bulk-note">Note</label>
        <textarea id="bulk-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <button
        type="button"
        disabled={busy || count === 0 || !note.trim()}
        onClick={() => void run('addNote', { text: note })}
      >
        Add note
      </button>
      <div role="status">
        {busy ? 'Working…' : null}
        {outcome && !busy ? (
          <>
            <p>
              {done[outcome.action]} {outcome.applied} of {outcome.applied + outcome.refused.length} cases.
            </p>
            {outcome.refused.length > 0 ? (
              <ul>
                {outcome.refused.map((r) => (
                  <li key={r.caseId}>
                    {r.caseId}: refused: {named(r.reason)}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>
    </form>
  );
}
