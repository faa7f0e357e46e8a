import { useMe } from './queries';

/** A person's name as the API knows it; their id until the name is known. */
export function usePersonName(): (id: string) => string {
  const me = useMe().data;
  return (id) => (me && id === me.id ? me.name : id);
}

/** A person shown by name, their id on hover: ids belong in titles, not in the text people read. */
export function Person({ id }: { id: string | null | undefined }) {
  const name = usePersonName();
  if (!id) return <>unassigned</>;
  return <span title={id}>{name(id)}</span>;
}
