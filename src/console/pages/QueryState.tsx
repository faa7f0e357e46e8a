import type { ReactNode } from 'react';
import { ApiError } from '../api';
import { useNamed } from '../people';

/** Loading, failure and emptiness said in words, the same way on every page. */
export function QueryState(props: {
  query: { isPending: boolean; error: Error | null };
  empty?: boolean;
  emptyText?: string;
  children: ReactNode;
}) {
  const named = useNamed();
  if (props.query.isPending) return <p role="status">Loading…</p>;
  if (props.query.error) {
    const error = props.query.error;
    const text =
      error instanceof ApiError && error.status === 503
        ? 'The API cannot reach Temporal or PostgreSQL right now; this page retries on its own.'
        : error instanceof ApiError && error.status === 403
          ? `You may not see this: ${error.message}`
          : `Could not load this page: ${error.message}`;
    return (
      <p className="error" role="alert">
        {named(text)}
      </p>
    );
  }
  if (props.empty) return <p>{props.emptyText}</p>;
  return <>{props.children}</>;
}
