import { when, words } from '../format';
import { CaseLink } from '../Link';
import { Person } from '../people';
import { useAccountCases, useAccountControls } from '../queries';
import { Badge, Table } from '../Table';
import { useTitle } from '../title';
import { ControlsTable } from './Case';
import { QueryState } from './QueryState';

/** One account: its controls as the account service has them now, and every case on it with its lifts. */
export function AccountPage({ accountId }: { accountId: string }) {
  useTitle(`Account ${accountId}`);
  const controls = useAccountControls(accountId);
  const cases = useAccountCases(accountId);
  const items = cases.data?.items ?? [];
  return (
    <>
      <h1 tabIndex={-1}>Account {accountId}</h1>
      <QueryState query={controls}>
        <ControlsTable accountId={accountId} controls={controls.data?.items ?? []} />
      </QueryState>
      <section aria-labelledby="history-h">
        <h2 id="history-h">Case history</h2>
        <QueryState query={cases} empty={items.length === 0} emptyText="No cases on this account.">
          <Table
            caption={`${items.length} cases, newest first`}
            rows={items}
            rowKey={(c) => c.id}
            columns={[
              { header: 'Case', cell: (c) => <CaseLink id={c.id} /> },
              { header: 'Opened', cell: (c) => when(c.createdAt) },
              { header: 'Type', cell: (c) => words(c.type) },
              { header: 'Subject', cell: (c) => c.subject },
              { header: 'Status', cell: (c) => <Badge kind="status" value={c.status} /> },
              { header: 'Outcome', cell: (c) => (c.outcome ? words(c.outcome) : '—') },
              { header: 'Assignee', cell: (c) => <Person id={c.assignee} /> },
              {
                header: 'Lifts',
                cell: (c) =>
                  c.lifts.length
                    ? c.lifts
                        .map(
                          (l) =>
                            `${when(l.liftedAt)}: ${l.snapshot.map((s) => words(s.kind)).join(', ')} (${
                              l.revert
                                ? `reverted ${when(l.revert.completedAt)}${l.revert.late ? ', late' : ''}`
                                : words(l.status)
                            })`,
                        )
                        .join('; ')
                    : 'none',
              },
            ]}
          />
        </QueryState>
      </section>
    </>
  );
}
