import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Case } from './api';
import { api, unwrap } from './api';
import type { CaseQuery } from './queries';

export type LiveState = 'connecting' | 'live' | 'offline';

interface FeedMessage {
  type: 'ready' | 'case' | 'resync';
  caseId?: string;
}

/**
 * Follows GET /v1/events and refetches what a change touches; the session cookie authenticates it.
 */
async function follow(signal: AbortSignal, onMessage: (message: FeedMessage) => void): Promise<void> {
  const response = await fetch('/v1/events', {
    headers: { accept: 'text/event-stream' },
    credentials: 'same-origin',
    signal,
  });
  if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      if (data) onMessage(JSON.parse(data) as FeedMessage);
    }
  }
}

/** Whether a case belongs in a list fetched with these filters: the same equalities the API applies. */
function belongs(c: Case, query: CaseQuery): boolean {
  return (
    (query.status === undefined || c.status === query.status) &&
    (query.type === undefined || c.type === query.type) &&
    (query.assignee === undefined || c.assignee === query.assignee) &&
    (query.accountId === undefined || c.accountId === query.accountId) &&
    (query.businessLine === undefined || c.businessLine === query.businessLine) &&
    (query.riskTier === undefined || c.riskTier === query.riskTier) &&
    (query.slaBreached === undefined || String(c.slaBreached) === query.slaBreached)
  );
}

/** The list with the case put in, replaced or taken out; the same array when nothing changed. */
function patchList(list: Case[], fresh: Case, query: CaseQuery): Case[] {
  const at = list.findIndex((c) => c.id === fresh.id);
  const keep = belongs(fresh, query);
  if (at < 0) return keep ? [fresh, ...list] : list;
  if (!keep) return list.filter((c) => c.id !== fresh.id);
  if ((list[at]?.revision ?? -1) > fresh.revision) return list;
  return list.map((c, i) => (i === at ? fresh : c));
}

const pagesThatShowCases = new Set(['cases', 'case', 'account-cases', 'controls']);

/**
 * One case changed: read that case once and put it where it shows, so a note on one case costs one case's
 * bytes, not a refetch of every list. Then whatever the change may have touched beside the case itself is
 * read again: its timeline, its account's controls and case history.
 */
async function refreshCase(queryClient: QueryClient, caseId: string): Promise<void> {
  const watched = queryClient
    .getQueryCache()
    .findAll({ type: 'active' })
    .some((q) => pagesThatShowCases.has(String(q.queryKey[0])));
  if (!watched) {
    await queryClient.invalidateQueries({ queryKey: ['case', caseId] });
    return;
  }
  let fresh: Case;
  try {
    fresh = unwrap(await api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } }));
  } catch {
    await queryClient.invalidateQueries({ queryKey: ['case', caseId] });
    await queryClient.invalidateQueries({ queryKey: ['cases'] });
    return;
  }
  const held = queryClient.getQueryData<Case>(['case', caseId]);
  if (!held || held.revision <= fresh.revision) queryClient.setQueryData(['case', caseId], fresh);
  for (const [key, list] of queryClient.getQueriesData<Case[]>({ queryKey: ['cases'] })) {
    if (list) queryClient.setQueryData(key, patchList(list, fresh, (key[1] ?? {}) as CaseQuery));
  }
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['case', caseId, 'events'] }),
    queryClient.invalidateQueries({ queryKey: ['controls', fresh.accountId] }),
    queryClient.invalidateQueries({ queryKey: ['account-cases', fresh.accountId] }),
  ]);
}

/** Keeps the event stream open while signed in, reconnecting after a pause; returns its state. */
export function useLiveUpdates(queryClient: QueryClient, signedIn: boolean): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (!signedIn) return undefined;
    const controller = new AbortController();
    let connectedBefore = false;
    const run = async () => {
      while (!controller.signal.aborted) {
        try {
          await follow(controller.signal, (message) => {
            if (message.type === 'case' && message.caseId) {
              void refreshCase(queryClient, message.caseId);
              return;
            }
            if (message.type === 'ready') {
              setState('live');
              // The first connection comes with the pages' own first reads; a later one may have missed changes.
              if (!connectedBefore) {
                connectedBefore = true;
                return;
              }
            }
            void queryClient.invalidateQueries();
          });
        } catch {
          // A failed or refused connection; the same as a stream the server ended, below.
        }
        if (controller.signal.aborted) return;
        setState('offline');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    void run();
    return () => controller.abort();
  }, [queryClient, signedIn]);
  return state;
}
