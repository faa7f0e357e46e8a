import { useMemo } from 'react';
import { words } from '../format';
import { CaseLink } from '../Link';
import { Person } from '../people';
import { useTitle } from '../title';
import { Badge, Table, TimeLeft } from '../Table';
import { useCases } from '../queries';
import { QueryState } from './QueryState';

/** Proposals the caller may decide now: the API's allowedActions says so, not a rule kept here. */
export function ApprovalsPage() {
  const cases = useCases({ status: 'awaiting_approval' });
  const rows = useMemo(
    () =>
      (cases.data ?? [])
        .flatMap((c) =>
          c.allowedActions
            .filter((a) => a.action === 'approve' && a.allowed && a.proposalId)
            .map((a) => ({ c, proposal: c.proposals.find((p) => p.id === a.proposalId) })),
        )
        .flatMap(({ c, proposal }) => (proposal ? [{ c, proposal }] : []))
        .sort((a, b) => a.proposal.expiresAt.localeCompare(b.proposal.expiresAt)),
    [cases.data],
  );
  const now = Date.now();
  useTitle('Approvals');
  return (
    <>
      <h1 tabIndex={-1}>Approvals</h1>
      <p className="lede">Proposals waiting for your decision, the ones expiring first at the top.</p>
      <QueryState query={cases} empty={rows.length === 0} emptyText="Nothing is waiting for your approval.">
        <Table
          caption={`${rows.length} proposals you may decide`}
          rows={rows}
          rowKey={({ proposal }) => proposal.id}
          columns={[
            { header: 'Case', cell: ({ c }) => <CaseLink id={c.id} /> },
            { header: 'Subject', cell: ({ c }) => c.subject },
            { header: 'Risk tier', cell: ({ c }) => <Badge kind="tier" value={c.riskTier} /> },
            { header: 'Proposed by', cell: ({ proposal }) => <Person id={proposal.maker} /> },
            { header: 'Reason', cell: ({ proposal }) => words(proposal.reasonCode) },
            {
              header: 'Evidence',
              cell: ({ proposal }) =>
                proposal.evidence.length
                  ? proposal.evidence.map((e) => `${words(e.kind)}: ${e.ref}`).join('; ')
                  : 'none',
            },
            {
              header: 'Approvals',
              cell: ({ proposal }) =>
                `${proposal.approvals.length} of ${proposal.requiredApprovals}` +
                (proposal.requiredRoles.length ? `; needs ${proposal.requiredRoles.join(' and ')}` : ''),
            },
            { header: 'Expires', cell: ({ proposal }) => <TimeLeft at={proposal.expiresAt} now={now} /> },
          ]}
        />
      </QueryState>
    </>
  );
}
