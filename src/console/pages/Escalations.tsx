import { useMemo } from 'react';
import { timeLeft, when, words } from '../format';
import { CaseLink } from '../Link';
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
        <table>
          <caption>{rows.length} open escalations</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Department</th>
              <th scope="col">Question</th>
              <th scope="col">Asked by</th>
              <th scope="col">Due</th>
              <th scope="col">Time left</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ c, e }) => (
              <tr key={e.id}>
                <td>
                  <CaseLink id={c.id} />
                </td>
                <td>{words(e.department)}</td>
                <td>{e.question}</td>
                <td>{e.requestedBy}</td>
                <td>{when(e.dueAt)}</td>
                <td className={e.breached ? 'breached' : undefined}>
                  {timeLeft(e.dueAt, now)}
                  {e.breached ? ' · SLA breached' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </>
  );
}
