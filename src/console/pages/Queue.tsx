import { useMemo } from 'react';
import type { Case } from '../api';
import { ago, nextDue, words } from '../format';
import { caseStatusValues, caseTypeValues, riskTierValues } from '../generated/api';
import { CaseLink } from '../Link';
import { Person } from '../people';
import { navigate, useLocation } from '../router';
import { Badge, Table, TimeLeft } from '../Table';
import type { CaseQuery } from '../queries';
import { useCases, useMe } from '../queries';
import { useTitle } from '../title';
import { BulkActions, SelectBox, SelectionProvider, useSelection } from './Bulk';
import { QueryState } from './QueryState';

const sorts = [
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['due', 'Nearest due date'],
] as const;
type Sort = (typeof sorts)[number][0];

const filterNames = ['status', 'type', 'riskTier', 'slaBreached', 'assignee'] as const;
type FilterName = (typeof filterNames)[number];
type Filters = Record<FilterName, string>;

function sortCases(cases: Case[], sort: Sort): Case[] {
  // Cases with no deadline sort after every case with one.
  const key = (c: Case) => (sort === 'due' ? (nextDue(c) ?? '9999') : c.createdAt);
  const sorted = [...cases].sort((a, b) => key(a).localeCompare(key(b)));
  return sort === 'newest' ? sorted.reverse() : sorted;
}

/** A filter: the values the API's schema lists, or [value, words] pairs. */
interface FilterField {
  name: FilterName;
  label: string;
  any: string;
  options: readonly (string | readonly [string, string])[];
}

function FilterSelect(props: { field: FilterField; value: string; onChange(value: string): void }) {
  const { field } = props;
  const id = `filter-${field.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">{field.any}</option>
        {field.options.map((option) => {
          const [value, text] = typeof option === 'string' ? [option, words(option)] : option;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </div>
  );
}

const filterFields: readonly FilterField[] = [
  { name: 'status', label: 'Status', any: 'Any open status', options: caseStatusValues },
  { name: 'type', label: 'Type', any: 'Any type', options: caseTypeValues },
  { name: 'riskTier', label: 'Risk tier', any: 'Any tier', options: riskTierValues },
  {
    name: 'slaBreached',
    label: 'SLA',
    any: 'Breached or not',
    options: [
      ['true', 'SLA breached'],
      ['false', 'Within SLA'],
    ],
  },
  {
    name: 'assignee',
    label: 'Assignee',
    any: 'Anyone',
    options: [
      ['me', 'Me'],
      ['unassigned', 'Unassigned'],
    ],
  },
];

/** The case table every queue shares: one row per case, its id a link to the case page. */
export function CaseTable(props: { cases: Case[]; caption: string; now?: number; selectable?: boolean }) {
  const now = props.now ?? Date.now();
  return (
    <Table
      caption={props.caption}
      className="cases"
      rows={props.cases}
      rowKey={(c) => c.id}
      columns={[
        ...(props.selectable ? [{ header: 'Select', cell: (c: Case) => <SelectBox c={c} /> }] : []),
        { header: 'Case', cell: (c) => <CaseLink id={c.id} /> },
        { header: 'Subject', cell: (c) => c.subject },
        { header: 'Type', cell: (c) => words(c.type) },
        { header: 'Status', cell: (c) => <Badge kind="status" value={c.status} /> },
        { header: 'Risk tier', cell: (c) => <Badge kind="tier" value={c.riskTier} /> },
        { header: 'Assignee', cell: (c) => <Person id={c.assignee} /> },
        {
          header: 'Age',
          cell: (c) => (
            <time dateTime={c.createdAt} title={new Date(c.createdAt).toLocaleString()}>
              {ago(c.createdAt, now)}
            </time>
          ),
        },
        {
          header: 'Next due',
          cell: (c) => {
            const due = nextDue(c);
            return (
              <>
                {due ? <TimeLeft at={due} now={now} /> : '—'}
                {c.slaBreached ? ' · SLA breached' : ''}
              </>
            );
          },
          className: (c) => (c.slaBreached ? 'breached' : undefined),
        },
      ]}
    />
  );
}

/** The queue's view: every open case, the caller's own, or the cases they proposed a lift on. */
export type QueueView = 'all' | 'mine' | 'proposals';

const views: Record<QueueView, { title: string; lede: string }> = {
  all: { title: 'Queue', lede: 'Open cases in your business lines.' },
  mine: { title: 'My cases', lede: 'Cases assigned to you.' },
  proposals: { title: 'My proposals', lede: 'Cases on which you proposed a lift, and where each stands.' },
};

/**
 * Filters and sort live in the URL (`?riskTier=medium&sort=due`), so a queue can be shared as a link and
 * comes back as it was on Back and on reload.
 */
export function QueuePage({ view = 'all' }: { view?: QueueView }) {
  const me = useMe();
  const { path, search } = useLocation();
  const filters = Object.fromEntries(filterNames.map((n) => [n, search.get(n) ?? ''])) as Filters;
  const sort: Sort = sorts.find(([s]) => s === search.get('sort'))?.[0] ?? 'newest';
  const { title, lede } = views[view];
  useTitle(title);

  const change = (name: FilterName | 'sort', value: string) => {
    const next = new URLSearchParams(search);
    if (value && !(name === 'sort' && value === 'newest')) next.set(name, value);
    else next.delete(name);
    const query = next.toString();
    navigate(`${path}${query ? `?${query}` : ''}`, { replace: true });
  };

  const query: CaseQuery = {};
  const pick = <T extends string>(value: string, options: readonly T[]) => options.find((o) => o === value);
  const status = pick(filters.status, caseStatusValues);
  const type = pick(filters.type, caseTypeValues);
  const riskTier = pick(filters.riskTier, riskTierValues);
  const slaBreached = pick(filters.slaBreached, ['true', 'false'] as const);
  if (status) query.status = status;
  if (type) query.type = type;
  if (riskTier) query.riskTier = riskTier;
  if (slaBreached) query.slaBreached = slaBreached;
  if ((view === 'mine' || filters.assignee === 'me') && me.data) query.assignee = me.data.id;
  const waitingForMe = (view === 'mine' || filters.assignee === 'me') && !me.data;
  const cases = useCases(query);
  // Leads (who may hand cases to others) act on several cases at once from the whole queue.
  const bulk = view === 'all' && (me.data?.permissions.includes('case.release_any') ?? false);
  const [selection, select] = useSelection();

  const shown = useMemo(() => {
    const mine = me.data?.id;
    const open = (cases.data ?? []).filter(
      (c) =>
        (filters.status || c.status !== 'closed' || view === 'proposals') &&
        (filters.assignee !== 'unassigned' || !c.assignee) &&
        (view !== 'proposals' || c.proposals.some((p) => p.maker === mine)),
    );
    return sortCases(open, sort);
  }, [cases.data, filters.status, filters.assignee, sort, view, me.data?.id]);

  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <p className="lede">{lede}</p>
      <form className="filters" aria-label="Filter and sort the queue" onSubmit={(e) => e.preventDefault()}>
        {filterFields
          .filter((field) => view === 'all' || field.name !== 'assignee')
          .map((field) => (
            <FilterSelect
              key={field.name}
              field={field}
              value={filters[field.name]}
              onChange={(value) => change(field.name, value)}
            />
          ))}
        <div className="field">
          <label htmlFor="f-sort">Sort by</label>
          <select id="f-sort" value={sort} onChange={(e) => change('sort', e.target.value)}>
            {sorts.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>
      <QueryState
        query={waitingForMe ? { isPending: true, error: null } : cases}
        empty={shown.length === 0}
        emptyText="No cases match these filters."
      >
        <SelectionProvider value={bulk ? selection : null}>
          {bulk ? (
            <BulkActions
              selected={shown.filter((c) => selection.ids.has(c.id))}
              clear={() => select(new Set())}
            />
          ) : null}
          <CaseTable cases={shown} caption={`${shown.length} cases`} selectable={bulk} />
        </SelectionProvider>
      </QueryState>
    </>
  );
}
