import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Me } from './api';
import { api, unwrap } from './api';
import { when } from './format';

/** The user's own absence, on their menu: while away, no case is assigned to them and theirs are handed over. */
export function Availability({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const [until, setUntil] = useState('');
  const [said, setSaid] = useState<string | null>(null);
  const save = async (awayUntil: string | null) => {
    try {
      const next = unwrap(await api.PUT('/v1/me/availability', { body: { awayUntil } }));
      queryClient.setQueryData(['me'], next);
      setSaid(next.awayUntil ? `Away until ${when(next.awayUntil)}` : 'You are available');
    } catch (error) {
      setSaid(`Not saved: ${(error as Error).message}`);
    }
  };
  return (
    <details className="availability">
      <summary>{me.awayUntil ? `Away until ${when(me.awayUntil)}` : 'Available'}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          // The picker gives a local date and time; the API takes an instant.
          if (until) void save(new Date(until).toISOString());
        }}
      >
        <label>
          Away until
          <input
            type="datetime-local"
            value={until}
            required
            onChange={(event) => setUntil(event.target.value)}
          />
        </label>
        <button type="submit">Save</button>
        {me.awayUntil ? (
          <button type="button" onClick={() => void save(null)}>
            I’m back
          </button>
        ) : null}
        <p role="status">{said}</p>
      </form>
    </details>
  );
}
