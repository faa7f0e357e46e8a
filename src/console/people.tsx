import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap } from './api';
import { useMe } from './queries';

/** Every user's display name (disabled users too: their past actions still name them). */
export const usePeople = () =>
  useQuery({
    queryKey: ['people'],
    queryFn: async () => unwrap(await api.GET('/v1/people')),
    staleTime: 5 * 60_000,
  });

/** The people a case may be handed to, as the API decides it. */
export const useAssignees = (caseId: string, enabled: boolean) =>
  useQuery({
    queryKey: ['case', caseId, 'assignees'],
    enabled,
    queryFn: async () =>
      unwrap(await api.GET('/v1/cases/{caseId}/assignees', { params: { path: { caseId } } })),
  });

const userId = /\busr_[A-Za-z0-9_-]+/g;

/**
 * A person's name from their id. An id the directory does not hold is a process (the worker, the risk
 * engine's service account) and reads as itself; a user id not known yet reads as "someone", never as
 * the id, which belongs in titles only.
 */
export function usePersonName(): (id: string) => string {
  const people = usePeople().data;
  const me = useMe().data;
  return useMemo(() => {
    const names = new Map((people?.people ?? []).map((p) => [p.id, p.displayName]));
    if (me && !names.has(me.id)) names.set(me.id, me.name);
    return (id: string) => names.get(id) ?? (id.startsWith('usr_') ? 'someone' : id);
  }, [people, me]);
}

/** Text from the API (a refusal's reason, an answer) with each user id in it replaced by the name. */
export function useNamed(): (text: string) => string {
  const name = usePersonName();
  return useMemo(() => (text: string) => text.replace(userId, (id) => name(id)), [name]);
}

/** A person shown by name, their id on hover: ids belong in titles, not in the text people read. */
export function Person({ id }: { id: string | null | undefined }) {
  const name = usePersonName();
  if (!id) return <>unassigned</>;
  return <span title={id}>{name(id)}</span>;
}
