import { useMemo, useState } from 'react';
import type { Case } from '../api';
import { duration, nextDue, timeLeft, words } from '../format';
import { caseRiskTierValues, caseStatusValues, caseTypeValues } from '../generated/api';
import { Link } from '../Link';
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

function Select(props: {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  any: string;
  onChange(value: string): void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">{props.any}</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {words(option)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The case table every queue shares: one row per case, its id a link to the case page. */
export function CaseTable(props: { cases: Case[]; caption: string; now?: number }) {
  const now = props.now ?? Date.now();
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Case</th>
          <th scope="col">Subject</th>
          <th scope="col">Type</th>
          <th scope="col">Status</th>
          <th scope="col">Risk tier</th>
          <th scope="col">Assignee</th>
          <th scope="col">Age</th>
          <th scope="col">Next due</th>
        </tr>
      </thead>
      <tbody>
        {props.cases.map((c) => {
          const due = nextDue(c);
          return (
            <tr key={c.id}>
              <td>
                <Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.id}</Link>
              </td>
              <td>{c.subject}</td>
              <td>{c.type}</td>
              <td>
                <span className={`badge status-${c.status}`}>{c.status}</span>
              </td>
              <td>
                <span className={`badge tier-${c.riskTier}`}>{c.riskTier}</span>
              </td>
              <td>{c.assignee ?? 'unassigned'}</td>
              <td>{duration(now - Date.parse(c.createdAt))}</td>
              <td className={c.slaBreached ? 'breached' : undefined}>
                {due ? timeLeft(due, now) : '—'}
                {c.slaBreached ? ' · SLA breached' : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function QueuePage() {
  const me = useMe();
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [sort, setSort] = useState<Sort>('newest');
  const set = (name: keyof Filters) => (value: string) => setFilters({ ...filters, [name]: value });

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
        <Select
          id="f-status"
          label="Status"
          any="Any open status"
          value={filters.status}
          options={caseStatusValues}
          onChange={set('status')}
        />
        <Select
          id="f-type"
          label="Type"
          any="Any type"
          value={filters.type}
          options={caseTypeValues}
          onChange={set('type')}
        />
        <Select
          id="f-tier"
          label="Risk tier"
          any="Any tier"
          value={filters.riskTier}
          options={caseRiskTierValues}
          onChange={set('riskTier')}
        />
        <div className="field">
          <label htmlFor="f-sla">SLA</label>
          <select id="f-sla" value={filters.slaBreached} onChange={(e) => set('slaBreached')(e.target.value)}>
            <option value="">Breached or not</option>
            <option value="true">SLA breached</option>
            <option value="false">Within SLA</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-assignee">Assignee</label>
          <select id="f-assignee" value={filters.assignee} onChange={(e) => set('assignee')(e.target.value)}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <option value="unassigned">Unassigned</option>
          </select>
        </div>
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
