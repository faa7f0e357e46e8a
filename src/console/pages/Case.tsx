import type { ReactNode } from 'react';
import { useState } from 'react';
import type { AllowedAction, Case, Control } from '../api';
import type { Outcome } from '../actions';
import { ActionControl, actionLabels } from '../actions';
import { duration, timeLeft, when, words } from '../format';
import { useAccountControls, useCase, useLiftTerms, useTimeline } from '../queries';
import { Badge, Table } from '../Table';
import { QueryState } from './QueryState';

const entryKey = (a: AllowedAction) => `${a.action}:${a.proposalId ?? ''}:${a.escalationId ?? ''}`;

function Facts({ c }: { c: Case }) {
  const facts: [string, ReactNode][] = [
    ['Status', <Badge kind="status" value={c.status} testId="case-status" />],
    ['Step', c.step],
    ['Type', c.type],
    ['Risk tier', <Badge kind="tier" value={c.riskTier} />],
    ['Account', c.accountId],
    ['Business line', c.businessLine],
    ['Channel', c.channel],
    ['Assignee', c.assignee ?? 'unassigned'],
    ['Opened by', `${c.createdBy}, ${when(c.createdAt)}`],
    ['SLA', c.slaBreached ? 'breached' : 'within SLA'],
  ];
  return (
    <dl className="facts">
      {facts.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ControlsTable({ c, controls }: { c: Case; controls: Control[] }) {
  return (
    <section aria-labelledby="controls-h">
      <h2 id="controls-h">Controls on account {c.accountId}</h2>
      {controls.length === 0 ? (
        <p>No controls on this account.</p>
      ) : (
        <Table
          rows={controls}
          rowKey={(k) => k.id}
          columns={[
            { header: 'Control', cell: (k) => k.id },
            { header: 'Kind', cell: (k) => words(k.kind) },
            { header: 'Category', cell: (k) => k.category },
            { header: 'State', cell: (k) => <Badge kind="control" value={k.status} /> },
            { header: 'Version', cell: (k) => k.version },
            { header: 'Reason', cell: (k) => k.reason },
            { header: 'In this case', cell: (k) => (c.controlIds.includes(k.id) ? 'yes' : 'no') },
          ]}
        />
      )}
    </section>
  );
}

function ProposalView(props: { c: Case; proposal: Case['proposals'][number]; controls: Control[] }) {
  const { c, proposal, controls } = props;
  const terms = useLiftTerms().data;
  const lift = c.lifts.find((l) => l.proposalId === proposal.id);
  const approvals = proposal.approvals.length;
  const changes = proposal.controlIds.map((id) => {
    const now = controls.find((k) => k.id === id);
    const seen = proposal.controlVersions[id];
    return { id, now, seen, changed: now !== undefined && seen !== undefined && now.version !== seen };
  });
  const quorum =
    `${approvals} of ${proposal.requiredApprovals} approval${proposal.requiredApprovals === 1 ? '' : 's'}` +
    (proposal.requiredRole ? `; one must be ${proposal.requiredRole}` : '');
  return (
    <article className="proposal" aria-labelledby={`p-${proposal.id}`}>
      <h3 id={`p-${proposal.id}`}>
        Proposal {proposal.id} <Badge kind="proposal" value={proposal.status} />
      </h3>
      <p>
        {proposal.maker} proposes to lift {proposal.controlIds.length} control
        {proposal.controlIds.length === 1 ? '' : 's'} ({proposal.reasonCode}): {proposal.justification}
      </p>
      <Table
        className="ledger"
        caption="What the lift changes"
        rows={changes}
        rowKey={({ id }) => id}
        columns={[
          { header: 'Control', cell: ({ id }) => id },
          { header: 'Kind', cell: ({ now }) => (now ? words(now.kind) : '—') },
          { header: 'Version proposed', cell: ({ seen }) => seen ?? '—' },
          {
            header: 'Version now',
            cell: ({ now, changed }) =>
              `${now?.version ?? '—'}${changed ? ' (changed: approval is void)' : ''}`,
            className: ({ changed }) => (changed ? 'breached' : undefined),
          },
          {
            header: 'Before',
            cell: ({ now }) => <del>{now ? `${words(now.kind)} active` : 'active'}</del>,
          },
          { header: 'After', cell: () => <ins>removed</ins> },
        ]}
      />
      <p>
        <strong>Quorum:</strong> {quorum}.{' '}
        {proposal.status === 'pending' ? `Expires ${timeLeft(proposal.expiresAt)}.` : ''}
      </p>
      {approvals > 0 ? (
        <ul aria-label="Approvals">
          {proposal.approvals.map((a) => (
            <li key={a.by}>
              Approved by {a.by}
              {a.countsAs ? ` (counts as ${a.countsAs})` : ''}, {when(a.at)}
              {a.comment ? `: “${a.comment}”` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {proposal.rejection ? (
        <p>
          Rejected by {proposal.rejection.by}, {when(proposal.rejection.at)}: “{proposal.rejection.comment}”
        </p>
      ) : null}
      {lift ? (
        <p>
          Lifted {when(lift.liftedAt)}; monitoring until {when(lift.monitoringUntil)} ({lift.status}).
          {lift.coolingOff
            ? ` Cooling-off: withdrawal lock ${lift.coolingOff.controlId} until ${when(lift.coolingOff.until)} (${lift.coolingOff.status}).`
            : ''}
        </p>
      ) : proposal.status === 'pending' ? (
        <p>
          <strong>After approval:</strong> the controls are lifted and the account is watched for{' '}
          {terms ? duration(terms.monitoringWindowMs[c.riskTier]) : 'the monitoring window'} ({c.riskTier}{' '}
          tier); a high-risk signal in that window puts them back.
          {c.type === 'unbind'
            ? ` A withdrawal lock then stays on for a cooling-off period of ${terms ? duration(terms.withdrawalLockMs) : 'the policy'}.`
            : ' No cooling-off applies.'}{' '}
          <span className="hint">(Terms of today’s policy.)</span>
        </p>
      ) : null}
    </article>
  );
}

function Timeline({ caseId }: { caseId: string }) {
  const timeline = useTimeline(caseId);
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      <QueryState query={timeline}>
        {timeline.data?.chain ? (
          <p className={timeline.data.chain.verified ? 'ok' : 'error'}>
            {timeline.data.chain.verified
              ? 'Audit chain verified: every entry’s hash recomputes.'
              : `Audit chain broken at entry ${timeline.data.chain.problem?.seq}: ${timeline.data.chain.problem?.problem}`}
          </p>
        ) : null}
        <ol data-testid="timeline" className="timeline">
          {(timeline.data?.items ?? []).map((item) => (
            <li key={item.seq} className={item.outcome === 'denied' ? 'denied' : undefined}>
              <time dateTime={item.at}>{when(item.at)}</time> <strong>{item.actor}</strong> {item.action}
              {item.outcome === 'denied' ? ' — denied' : ''}
            </li>
          ))}
        </ol>
      </QueryState>
    </section>
  );
}

function Actions(props: { c: Case; controls: Control[] }) {
  const { c, controls } = props;
  const [open, setOpen] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const allowed = c.allowedActions.filter((a) => a.allowed && a.action !== 'answerEscalation');
  // "invalid_state" only says the case is past that step, and an action that answers what the case is not
  // waiting for has nothing to refuse. Refusals about this case (four eyes, scope, a decision already
  // taken) come first; what the caller's roles never include is folded away, except for decisions on a
  // proposal, which are what a maker or a second checker looks for.
  const refused = c.allowedActions.filter(
    (a) => !a.allowed && a.reason && a.code !== 'invalid_state' && a.awaited,
  );
  const decision = (a: AllowedAction) => a.action === 'approve' || a.action === 'reject';
  const prominent = refused.filter((a) => a.code !== 'forbidden' || decision(a));
  const folded = refused.filter((a) => !prominent.includes(a));
  const escalationAnswers = c.allowedActions.filter((a) => a.allowed && a.action === 'answerEscalation');
  const control = (entry: AllowedAction) => (
    <ActionControl
      key={entryKey(entry)}
      entry={entry}
      c={c}
      controls={controls}
      open={open === entryKey(entry)}
      onToggle={(isOpen) => setOpen(isOpen ? entryKey(entry) : null)}
      onOutcome={setOutcome}
    />
  );
  return (
    <>
      <section aria-labelledby="actions-h">
        <h2 id="actions-h">Actions</h2>
        <div
          role={outcome?.kind === 'done' ? 'status' : 'alert'}
          className={`outcome ${outcome?.kind ?? ''}`}
        >
          {outcome?.text}
        </div>
        {allowed.length ? (
          <div className="actions">{allowed.map(control)}</div>
        ) : (
          <p>There is nothing you can do on this case right now.</p>
        )}
        {prominent.length ? (
          <>
            <h3>Not available to you</h3>
            <ul className="refusals">
              {prominent.map((a) => (
                <li key={entryKey(a)}>
                  <strong>{actionLabels[a.action]}</strong>: {a.reason}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {folded.length ? (
          <details className="refusals">
            <summary>Actions your roles do not include ({folded.length})</summary>
            <ul>
              {folded.map((a) => (
                <li key={entryKey(a)}>
                  <strong>{actionLabels[a.action]}</strong>: {a.reason}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>
      <section aria-labelledby="escalations-h">
        <h2 id="escalations-h">Escalations</h2>
        {c.escalations.length === 0 ? (
          <p>No escalations.</p>
        ) : (
          <ul className="escalations">
            {c.escalations.map((e) => {
              const answer = escalationAnswers.find((a) => a.escalationId === e.id);
              return (
                <li key={e.id}>
                  <p>
                    <strong>{words(e.department)}</strong> asked by {e.requestedBy}: {e.question}
                  </p>
                  <p className={e.breached ? 'breached' : undefined}>
                    {e.status === 'open'
                      ? `Open; SLA due ${when(e.dueAt)} (${timeLeft(e.dueAt)})${e.breached ? ', breached' : ''}.`
                      : `Answered by ${e.answeredBy}: ${e.answer}`}
                  </p>
                  {answer ? control(answer) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}

export function CasePage({ caseId }: { caseId: string }) {
  const query = useCase(caseId);
  const c = query.data;
  const controls = useAccountControls(c?.accountId);
  const accountControls = controls.data?.items ?? [];
  return (
    <>
      <h1 tabIndex={-1}>Case {caseId}</h1>
      <QueryState query={query}>
        {c ? (
          <div className="case">
            <p className="lede">{c.subject}</p>
            <Facts c={c} />
            <p>{c.description}</p>
            {c.riskReasons.length ? (
              <p className="hint">Risk tier because: {c.riskReasons.join('; ')}</p>
            ) : null}
            <Actions c={c} controls={accountControls} />
            {c.type !== 'complaint' || accountControls.length ? (
              <ControlsTable c={c} controls={accountControls} />
            ) : null}
            {c.proposals.length ? (
              <section aria-labelledby="proposals-h">
                <h2 id="proposals-h">Proposals</h2>
                {[...c.proposals].reverse().map((p) => (
                  <ProposalView key={p.id} c={c} proposal={p} controls={accountControls} />
                ))}
              </section>
            ) : null}
            {c.infoRequests.length ? (
              <section aria-labelledby="info-h">
                <h2 id="info-h">Questions to the user</h2>
                <ul>
                  {c.infoRequests.map((r) => (
                    <li key={r.id}>
                      {r.question} — {r.status}
                      {r.answer ? `: ${r.answer}` : ` (due ${timeLeft(r.dueAt)})`}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {c.notes.length ? (
              <section aria-labelledby="notes-h">
                <h2 id="notes-h">Notes</h2>
                <ul>
                  {c.notes.map((n) => (
                    <li key={n.id}>
                      <strong>{n.by}</strong>, {when(n.at)}: {n.text}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            <Timeline caseId={c.id} />
          </div>
        ) : null}
      </QueryState>
    </>
  );
}
