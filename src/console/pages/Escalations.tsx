import { useMemo } from 'react';
import { when, words } from '../format';
import { CaseLink } from '../Link';
import { Person } from '../people';
import { Table, TimeLeft } from '../Table';
import { useTitle } from '../title';
import { useCases, useMe } from '../queries';
import { QueryState } from './QueryState';

/** Open escalations to the caller's departments, the nearest deadline first. */
export function EscalationsPage() {
  const me = useMe();
  const cases = useCases({});
  const departments = me.data?.departments;
  const rows = useMemo(
    () =>
      (cases.data ?? [])
        .flatMap((c) =>
          c.escalations
            .filter((e) => e.status === 'open' && (departments ?? []).some((d) => d === e.department))
            .map((e) => ({ c, e })),
        )
        .sort((a, b) => a.e.dueAt.localeCompare(b.e.dueAt)),
    [cases.data, departments],
  );
  const now = Date.now();
  useTitle('Escalations');
  return (
    <>
      <h1 tabIndex={-1}>Escalations</h1>
      <p className="lede">
        {departments?.length
          ? `Open questions to ${departments.map(words).join(', ')}.`
          : 'You are in no department; questions escalated to a department show here for its members.'}
      </p>
      <QueryState
        query={cases}
        empty={rows.length === 0}
        emptyText="No open escalations for your departments."
      >
        <Table
          caption={`${rows.length} open escalations`}
          rows={rows}
          rowKey={({ e }) => e.id}
          columns={[
            { header: 'Case', cell: ({ c }) => <CaseLink id={c.id} /> },
            { header: 'Department', cell: ({ e }) => words(e.department) },
            { header: 'Question', cell: ({ e }) => e.question },
            { header: 'Asked by', cell: ({ e }) => <Person id={e.requestedBy} /> },
            { header: 'Due', cell: ({ e }) => when(e.dueAt) },
            {
              header: 'Time left',
              cell: ({ e }) => (
                <>
                  <TimeLeft at={e.dueAt} now={now} />
                  {e.breached ? ' · SLA breached' : ''}
                </>
              ),
              className: ({ e }) => (e.breached ? 'breached' : undefined),
            },
          ]}
        />
      </QueryState>
    </>
  );
}
