import { useMemo } from 'react';
import { timeLeft, when } from '../format';
import { CaseLink } from '../Link';
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
  return (
    <>
      <h1 tabIndex={-1}>Approvals</h1>
      <p className="lede">Proposals waiting for your decision, the ones expiring first at the top.</p>
      <QueryState query={cases} empty={rows.length === 0} emptyText="Nothing is waiting for your approval.">
        <table>
          <caption>{rows.length} proposals you may decide</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Subject</th>
              <th scope="col">Risk tier</th>
              <th scope="col">Proposed by</th>
              <th scope="col">Reason</th>
              <th scope="col">Approvals</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ c, proposal }) => (
              <tr key={proposal.id}>
                <td>
                  <CaseLink id={c.id} />
                </td>
                <td>{c.subject}</td>
                <td>
                  <span className={`badge tier-${c.riskTier}`}>{c.riskTier}</span>
                </td>
                <td>{proposal.maker}</td>
                <td>{proposal.reasonCode}</td>
                <td>
                  {proposal.approvals.length} of {proposal.requiredApprovals}
                  {proposal.requiredRole ? `; one must be ${proposal.requiredRole}` : ''}
                </td>
                <td>
                  <time dateTime={proposal.expiresAt} title={when(proposal.expiresAt)}>
                    {timeLeft(proposal.expiresAt, now)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </>
  );
}
