import type { MouseEvent, ReactNode } from 'react';
import { base, navigate, useLocation } from './router';

/** A real link (opens in a new tab, works without script) that navigates in place on a plain click. */
export function Link(props: { to: string; children: ReactNode; current?: boolean }) {
  const { path } = useLocation();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  const current = props.current ?? path === props.to;
  return (
    <a href={`${base}${props.to}`} onClick={onClick} aria-current={current ? 'page' : undefined}>
      {props.children}
    </a>
  );
}

/** A case's id as a link to its page: the queues' contract is one such link per row. */
export function CaseLink({ id }: { id: string }) {
  return <Link to={`/cases/${encodeURIComponent(id)}`}>{id}</Link>;
}
