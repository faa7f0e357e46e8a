import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

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

/** Keeps the event stream open while signed in, reconnecting after a pause; returns its state. */
export function useLiveUpdates(queryClient: QueryClient, signedIn: boolean): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (!signedIn) return undefined;
    const controller = new AbortController();
    const run = async () => {
      while (!controller.signal.aborted) {
        try {
          await follow(controller.signal, (message) => {
            if (message.type === 'ready') setState('live');
            if (message.type === 'case' && message.caseId) {
              void queryClient.invalidateQueries({ queryKey: ['case', message.caseId] });
              void queryClient.invalidateQueries({ queryKey: ['cases'] });
            } else {
              // Connected anew, or told changes were missed: anything on screen may be stale.
              void queryClient.invalidateQueries();
            }
          });
        } catch {
          if (controller.signal.aborted) return;
          setState('offline');
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    void run();
    return () => controller.abort();
  }, [queryClient, signedIn]);
  return state;
}
