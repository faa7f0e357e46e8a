import { useMemo } from 'react';
import { words } from '../format';
import { CaseLink } from '../Link';
import { Person } from '../people';
import { useTitle } from '../title';
import { Badge, Table, TimeLeft } from '../Table';
import { useCases, useMe } from '../queries';
import { QueryState } from './QueryState';

/**
 * Proposals the caller may decide now: the API's allowedActions says so, not a rule kept here. Those
 * offered to the caller alone come first: nobody else may decide them until the offer runs out.
 */
export function ApprovalsPage() {
  const cases = useCases({ status: 'awaiting_approval' });
  const me = useMe().data?.id;
  const rows = useMemo(
    () =>
      (cases.data ?? [])
        .flatMap((c) =>
          c.allowedActions
            .filter((a) => a.action === 'approve' && a.allowed && a.proposalId)
            .map((a) => ({ c, proposal: c.proposals.find((p) => p.id === a.proposalId) })),
        )
        .flatMap(({ c, proposal }) => {
          if (!proposal) return [];
          const offer = proposal.offer;
          const offered = offer?.status === 'offered' && offer.checker === me ? offer.until : null;
          return [{ c, proposal, offered }];
        })
        .sort(
          (a, b) =>
            Number(b.offered !== null) - Number(a.offered !== null) ||
            (a.offered ?? a.proposal.expiresAt).localeCompare(b.offered ?? b.proposal.expiresAt),
        ),
    [cases.data, me],
  );
  const now = Date.now();
  useTitle('Approvals');
  return (
    <>
      <h1 tabIndex={-1}>Approvals</h1>
      <p className="lede">
        Proposals waiting for your decision: first those offered to you alone, then the ones expiring first.
      </p>
      <QueryState query={cases} empty={rows.length === 0} emptyText="Nothing is waiting for your approval.">
        <Table
          caption={`${rows.length} proposals you may decide`}
          rows={rows}
          rowKey={({ proposal }) => proposal.id}
          columns={[
            { header: 'Case', cell: ({ c }) => <CaseLink id={c.id} /> },
            {
              header: 'Offered to you',
              cell: ({ offered }) =>
                offered ? (
                  <>
                    Yes, until <TimeLeft at={offered} now={now} />
                  </>
                ) : (
                  'No'
                ),
            },
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
