import { useMemo, useState } from 'react';
import type { Case } from '../api';
import { duration, nextDue, timeLeft, words } from '../format';
import { caseStatusValues, caseTypeValues, riskTierValues } from '../generated/api';
import { CaseLink } from '../Link';
import { Badge, Table } from '../Table';
import type { CaseQuery } from '../queries';
import { useCases, useMe } from '../queries';
import { QueryState } from './QueryState';

type Sort = 'newest' | 'oldest' | 'due';

interface Filters {
  status: string;
  type: string;
  riskTier: string;
  slaBreached: string;
  assignee: string;
}

const noFilters: Filters = { status: '', type: '', riskTier: '', slaBreached: '', assignee: '' };

function sortCases(cases: Case[], sort: Sort): Case[] {
  // Cases with no deadline sort after every case with one.
  const key = (c: Case) => (sort === 'due' ? (nextDue(c) ?? '9999') : c.createdAt);
  const sorted = [...cases].sort((a, b) => key(a).localeCompare(key(b)));
  return sort === 'newest' ? sorted.reverse() : sorted;
}

/** A filter: the values the API's schema lists, or [value, words] pairs. */
interface FilterField {
  name: keyof Filters;
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
export function CaseTable(props: { cases: Case[]; caption: string; now?: number }) {
  const now = props.now ?? Date.now();
  return (
    <Table
      caption={props.caption}
      rows={props.cases}
      rowKey={(c) => c.id}
      columns={[
        { header: 'Case', cell: (c) => <CaseLink id={c.id} /> },
        { header: 'Subject', cell: (c) => c.subject },
        { header: 'Type', cell: (c) => c.type },
        { header: 'Status', cell: (c) => <Badge kind="status" value={c.status} /> },
        { header: 'Risk tier', cell: (c) => <Badge kind="tier" value={c.riskTier} /> },
        { header: 'Assignee', cell: (c) => c.assignee ?? 'unassigned' },
        { header: 'Age', cell: (c) => duration(now - Date.parse(c.createdAt)) },
        {
          header: 'Next due',
          cell: (c) => {
            const due = nextDue(c);
            return `${due ? timeLeft(due, now) : '—'}${c.slaBreached ? ' · SLA breached' : ''}`;
          },
          className: (c) => (c.slaBreached ? 'breached' : undefined),
        },
      ]}
    />
  );
}

export function QueuePage() {
  const me = useMe();
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [sort, setSort] = useState<Sort>('newest');

  const query: CaseQuery = {};
  if (filters.status) query.status = filters.status as NonNullable<CaseQuery['status']>;
  if (filters.type) query.type = filters.type as NonNullable<CaseQuery['type']>;
  if (filters.riskTier) query.riskTier = filters.riskTier as NonNullable<CaseQuery['riskTier']>;
  if (filters.slaBreached) query.slaBreached = filters.slaBreached as NonNullable<CaseQuery['slaBreached']>;
  if (filters.assignee === 'me' && me.data) query.assignee = me.data.id;
  const cases = useCases(query);

  const shown = useMemo(() => {
    const open = (cases.data ?? []).filter(
      (c) => (filters.status || c.status !== 'closed') && (filters.assignee !== 'unassigned' || !c.assignee),
    );
    return sortCases(open, sort);
  }, [cases.data, filters.status, filters.assignee, sort]);

  return (
    <>
      <h1 tabIndex={-1}>Queue</h1>
      <p className="lede">Open cases in your business lines.</p>
      <form className="filters" aria-label="Filter and sort the queue" onSubmit={(e) => e.preventDefault()}>
        {filterFields.map((field) => (
          <FilterSelect
            key={field.name}
            field={field}
            value={filters[field.name]}
            onChange={(value) => setFilters({ ...filters, [field.name]: value })}
          />
        ))}
        <div className="field">
          <label htmlFor="f-sort">Sort by</label>
          <select id="f-sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
            <option value="due">Nearest due date</option>
          </select>
        </div>
      </form>
      <QueryState query={cases} empty={shown.length === 0} emptyText="No cases match these filters.">
        <CaseTable cases={shown} caption={`${shown.length} cases`} />
      </QueryState>
    </>
  );
}
