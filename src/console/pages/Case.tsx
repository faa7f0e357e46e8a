import type { ReactNode } from 'react';
import { useEffect, useRef, useState } from 'react';
import type { AllowedAction, Case, Control } from '../api';
import type { Outcome } from '../actions';
import { ActionControl, actionLabels } from '../actions';
import { duration, nextDue, when, words } from '../format';
import { CaseLink, Link } from '../Link';
import { Person, useNamed, usePersonName } from '../people';
import { useAccountControls, useCase, useLiftTerms, useMe, useTimeline } from '../queries';
import { ApplyRestriction } from '../restriction';
import { Badge, Table, TimeLeft } from '../Table';
import { DeliveryEntry, TimelineEntry, announcement, inTimeOrder, tell } from '../timeline';
import { useTitle } from '../title';
import { useRecordedViews } from '../views';
import { QueryState } from './QueryState';

const entryKey = (a: Pick<AllowedAction, 'action' | 'proposalId' | 'escalationId'>) =>
  `${a.action}:${a.proposalId ?? ''}:${a.escalationId ?? ''}`;

function Facts({ c }: { c: Case }) {
  const due = nextDue(c);
  const named = useNamed();
  const facts: [string, ReactNode][] = [
    ['Status', <Badge kind="status" value={c.status} testId="case-status" />],
    ['Step', named(c.step)],
    ['Type', words(c.type)],
    ['Risk tier', <Badge kind="tier" value={c.riskTier} />],
    ['Account', <Link to={`/accounts/${encodeURIComponent(c.accountId)}`}>{c.accountId}</Link>],
    ['Business line', words(c.businessLine)],
    ['Channel', words(c.channel)],
    ['Assignee', <Person id={c.assignee} />],
    [
      'Opened by',
      <>
        <Person id={c.createdBy} />, {when(c.createdAt)}
      </>,
    ],
    ['Next due', due ? <TimeLeft at={due} /> : '—'],
    [
      'SLA',
      <span className={c.slaBreached ? 'breached' : undefined}>
        {c.slaBreached ? 'breached: a deadline was missed' : 'within SLA'}
      </span>,
    ],
  ];
  if (c.externalRef) facts.push(['External reference', c.externalRef]);
  if (c.linkedTo) facts.push(['Linked to', <LinkedTo link={c.linkedTo} />]);
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

/** Why this case exists beside another record: the lift it reviews, or the campaign that left its account out. */
function LinkedTo({ link }: { link: NonNullable<Case['linkedTo']> }) {
  if ('campaignId' in link) {
    return (
      <>
        campaign <Link to={`/campaigns/${encodeURIComponent(link.campaignId)}`}>{link.campaignId}</Link>,
        which excluded the account: {words(link.exclusion)}
      </>
    );
  }
  return (
    <>
      the lift {link.liftId} of case <CaseLink id={link.caseId} />, {words(link.why)}
    </>
  );
}

/**
 * What the case waits for, who must act and by when, as the API lists it; the case's own first-response
 * and resolution deadlines among them, and any it missed, which flag it.
 */
function Deadlines({ c }: { c: Case }) {
  const now = Date.now();
  const named = useNamed();
  const pending = [...c.pending].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return (
    <section aria-labelledby="deadlines-h">
      <h2 id="deadlines-h">Deadlines</h2>
      {c.missedDeadlines.length ? (
        <p className="breached">
          Missed: {c.missedDeadlines.map((d) => words(d)).join(' and ')} deadline
          {c.missedDeadlines.length === 1 ? '' : 's'}. The case is flagged.
        </p>
      ) : null}
      {pending.length ? (
        <Table
          caption="What the case waits for, the nearest first"
          rows={pending}
          rowKey={(p) => `${p.wait}:${p.id}`}
          columns={[
            { header: 'Waiting for', cell: (p) => named(p.what) },
            { header: 'From', cell: (p) => words(named(p.who)) },
            {
              header: 'Due',
              cell: (p) => <TimeLeft at={p.dueAt} now={now} />,
              className: (p) => (Date.parse(p.dueAt) < now ? 'breached' : undefined),
            },
            { header: 'At', cell: (p) => when(p.dueAt) },
          ]}
        />
      ) : (
        <p>Nothing is due.</p>
      )}
    </section>
  );
}

/** The account's controls as the API lists them now; a case event refetches them. */
export function ControlsTable(props: { accountId: string; controls: Control[]; caseControlIds?: string[] }) {
  const { controls, caseControlIds } = props;
  return (
    <section aria-labelledby="controls-h">
      <h2 id="controls-h">Controls on account {props.accountId}</h2>
      {controls.length === 0 ? (
        <p>No controls on this account.</p>
      ) : (
        <Table
          caption="Restrictions and bindings, as the account service has them now"
          className="controls"
          rows={controls}
          rowKey={(k) => k.id}
          columns={[
            { header: 'Control', cell: (k) => k.id },
            { header: 'Kind', cell: (k) => words(k.kind) },
            { header: 'Category', cell: (k) => k.category },
            { header: 'State', cell: (k) => <Badge kind="control" value={k.status} /> },
            { header: 'Version', cell: (k) => k.version },
            { header: 'Reason', cell: (k) => k.reason },
            ...(caseControlIds
              ? [
                  {
                    header: 'In this case',
                    cell: (k: Control) => (caseControlIds.includes(k.id) ? 'yes' : 'no'),
                  },
                ]
              : []),
          ]}
        />
      )}
    </section>
  );
}

type Proposal = Case['proposals'][number];

function ProposalView(props: { c: Case; proposal: Proposal; controls: Control[] }) {
  const { c, proposal, controls } = props;
  const terms = useLiftTerms().data;
  const lift = c.lifts.find((l) => l.proposalId === proposal.id);
  const approvals = proposal.approvals.length;
  // "Changed since proposed" voids an approval only while approvals are still being gathered; once the
  // proposal is decided, the versions moving is the lift itself (or its revert), not a warning.
  const pending = proposal.status === 'pending';
  const decides =
    pending &&
    c.allowedActions.some(
      (a) => (a.action === 'approve' || a.action === 'reject') && a.allowed && a.proposalId === proposal.id,
    );
  const evidenceList = useRecordedViews(c.id, proposal.id, decides);
  const rows = proposal.controlIds.map((id) => {
    const now = controls.find((k) => k.id === id);
    const seen = proposal.controlVersions[id];
    const snapshot = lift?.snapshot.find((s) => s.id === id);
    return {
      id,
      now,
      seen,
      snapshot,
      changed: pending && now !== undefined && seen !== undefined && now.version !== seen,
    };
  });
  const after = lift
    ? lift.status === 'reverted'
      ? 'lifted, then put back'
      : 'lifted'
    : pending
      ? 'lifted once approved'
      : `unchanged (proposal ${proposal.status})`;
  const quorum =
    `${approvals} of ${proposal.requiredApprovals} approval${proposal.requiredApprovals === 1 ? '' : 's'}` +
    (proposal.requiredRoles.length ? `; needs ${proposal.requiredRoles.join(' and ')}` : '');
  return (
    <article className="proposal" aria-labelledby={`p-${proposal.id}`}>
      <h3 id={`p-${proposal.id}`}>
        Proposal {proposal.id} <Badge kind="proposal" value={proposal.status} />
      </h3>
      <p>
        <Person id={proposal.maker} /> proposes to lift {proposal.controlIds.length} control
        {proposal.controlIds.length === 1 ? '' : 's'}, reason <strong>{words(proposal.reasonCode)}</strong>:{' '}
        {proposal.justification}
      </p>
      <h4>Evidence</h4>
      {proposal.evidence.length ? (
        <ul ref={evidenceList} aria-label={`Evidence for proposal ${proposal.id}`}>
          {proposal.evidence.map((e, i) => (
            <li key={`${e.kind}-${i}`}>
              <strong>{words(e.kind)}</strong>: {e.ref}
              {e.note ? ` (${e.note})` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p>No evidence given.</p>
      )}
      <Table
        className="ledger"
        caption="What the lift changes"
        rows={rows}
        rowKey={({ id }) => id}
        columns={[
          { header: 'Control', cell: ({ id }) => id },
          { header: 'Kind', cell: ({ now, snapshot }) => words(now?.kind ?? snapshot?.kind ?? '—') },
          { header: 'Version proposed', cell: ({ seen }) => seen ?? '—' },
          {
            header: 'Now',
            cell: ({ now, changed }) =>
              `${now ? `${now.status} v${now.version}` : 'not listed'}${changed ? ' (changed since proposed: approval is void)' : ''}`,
            className: ({ changed }) => (changed ? 'breached' : undefined),
          },
          {
            header: 'Before',
            cell: ({ seen, snapshot }) => <del>active v{snapshot?.version ?? seen ?? '?'}</del>,
          },
          { header: 'After', cell: () => <ins>{after}</ins> },
        ]}
      />
      <p>
        <strong>Quorum:</strong> {quorum}.{' '}
        {pending ? (
          <>
            Expires <TimeLeft at={proposal.expiresAt} /> ({when(proposal.expiresAt)}).
          </>
        ) : null}
      </p>
      {approvals > 0 ? (
        <ul aria-label="Approvals">
          {proposal.approvals.map((a) => (
            <li key={a.by}>
              Approved by <Person id={a.by} />
              {a.countsAs ? ` (counts as ${a.countsAs})` : ''}, {when(a.at)}
              {a.comment ? `: “${a.comment}”` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {proposal.rejection ? (
        <p>
          Rejected by <Person id={proposal.rejection.by} />, {when(proposal.rejection.at)}: “
          {proposal.rejection.comment}”
        </p>
      ) : null}
      {lift ? (
        <p>
          Lifted {when(lift.liftedAt)}; watched until {when(lift.monitoringUntil)} ({words(lift.status)}).
          {lift.coolingOff
            ? ` Cooling-off: withdrawal lock ${lift.coolingOff.controlId} until ${when(lift.coolingOff.until)} (${lift.coolingOff.status}).`
            : ''}
          {lift.revert ? (
            <>
              {' '}
              Reverted {when(lift.revert.completedAt)} at the request of{' '}
              <Person id={lift.revert.requestedBy} />: “{lift.revert.reason}”.
            </>
          ) : null}
        </p>
      ) : pending ? (
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

/**
 * The case's timeline in words, and a polite live region that says what others just did to the case
 * ("Approved by Lee Okafor"); what the viewer did themselves is told by the action's own outcome.
 */
function Timeline({ c }: { c: Case }) {
  const timeline = useTimeline(c.id);
  const name = usePersonName();
  const named = useNamed();
  const me = useMe().data;
  const seen = useRef<number | null>(null);
  const [said, setSaid] = useState<string[]>([]);
  const items = timeline.data?.items;
  useEffect(() => {
    if (!items) return;
    const last = items.at(-1)?.seq ?? 0;
    if (seen.current === null) {
      seen.current = last;
      return;
    }
    const fresh = items.filter((i) => i.seq > (seen.current ?? 0) && i.outcome === 'accepted');
    seen.current = Math.max(seen.current, last);
    const told = fresh
      .filter((i) => i.actor !== me?.id)
      .map((i) => announcement(i, name))
      .filter((t): t is string => t !== null);
    if (told.length) setSaid(told);
  }, [items, me?.id, name]);
  let answered = 0;
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      <div role="status" aria-live="polite" className="announce">
        {said.join('. ')}
      </div>
      <QueryState query={timeline}>
        {timeline.data?.chain ? (
          <p className={timeline.data.chain.verified ? 'ok' : 'error'}>
            {timeline.data.chain.verified
              ? 'Audit chain verified: every entry’s hash recomputes.'
              : `Audit chain broken at entry ${timeline.data.chain.problem?.seq}: ${timeline.data.chain.problem?.problem}`}
          </p>
        ) : null}
        <ol data-testid="timeline" className="timeline">
          {inTimeOrder(items ?? [], timeline.data?.deliveries ?? []).map((entry) => {
            if (entry.delivery) {
              return (
                <li key={`d${entry.delivery.id}`} className={`delivery delivery-${entry.delivery.state}`}>
                  <DeliveryEntry delivery={entry.delivery} />
                </li>
              );
            }
            const item = entry.item;
            const told = tell(item, c, name, answered);
            if (item.action === 'info.answered') answered += 1;
            return (
              <li key={item.seq} className={item.outcome === 'denied' ? 'denied' : undefined}>
                <TimelineEntry item={item} told={told} name={name} named={named} />
              </li>
            );
          })}
        </ol>
      </QueryState>
    </section>
  );
}

function Actions(props: { c: Case; controls: Control[] }) {
  const { c, controls } = props;
  const me = useMe().data;
  const named = useNamed();
  const [open, setOpen] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // The entry whose form is open, as it was when opened: if the API stops offering it, the form stays
  // with what was typed, and says why.
  const opened = useRef<AllowedAction | null>(null);
  // A success is about the state it left: once the case moves on, the message goes.
  useEffect(() => {
    if (outcome?.kind === 'done' && outcome.revision !== undefined && c.revision > outcome.revision) {
      setOutcome(null);
    }
  }, [c.revision, outcome]);

  const allowed = c.allowedActions.filter((a) => a.allowed && a.action !== 'answerEscalation');
  const openEntry = open === null ? undefined : c.allowedActions.find((a) => entryKey(a) === open);
  const stillOpen =
    open !== null &&
    !allowed.some((a) => entryKey(a) === open) &&
    opened.current?.action !== 'answerEscalation'
      ? (openEntry ?? opened.current)
      : null;
  const shown = stillOpen ? [...allowed, stillOpen] : allowed;
  const unavailableWhy = (entry: AllowedAction) =>
    stillOpen && entryKey(entry) === entryKey(stillOpen)
      ? named(openEntry?.reason ?? 'the case moved on and the API no longer offers it').replace(/\.$/, '') ||
        'not allowed now'
      : undefined;

  // "invalid_state" only says the case is past that step, and an action that answers what the case is not
  // waiting for has nothing to refuse. Refusals about this case (four eyes, scope, a decision already
  // taken) come first; what the caller's roles never include is folded away, except for decisions on a
  // proposal, which are what a maker or a second checker looks for.
  const refused = c.allowedActions.filter(
    (a) => !a.allowed && a.reason && a.code !== 'invalid_state' && a.awaited && entryKey(a) !== open,
  );
  const decision = (a: AllowedAction) => a.action === 'approve' || a.action === 'reject';
  const prominent = refused.filter((a) => a.code !== 'forbidden' || decision(a));
  const folded = refused.filter((a) => !prominent.includes(a));
  const escalationAnswers = c.allowedActions.filter((a) => a.allowed && a.action === 'answerEscalation');
  const toggle = (entry: AllowedAction) => (isOpen: boolean) => {
    opened.current = isOpen ? entry : null;
    setOpen(isOpen ? entryKey(entry) : null);
  };
  const control = (entry: AllowedAction) => (
    <ActionControl
      key={entryKey(entry)}
      entry={entry}
      c={c}
      controls={controls}
      open={open === entryKey(entry)}
      onToggle={toggle(entry)}
      onOutcome={setOutcome}
      unavailable={unavailableWhy(entry)}
    />
  );
  const mayRestrict = me?.permissions.includes('controls.apply') ?? false;
  return (
    <>
      <section aria-labelledby="actions-h">
        <h2 id="actions-h">Actions</h2>
        <div
          role={outcome?.kind === 'done' ? 'status' : 'alert'}
          className={`outcome ${outcome?.kind ?? ''}`}
        >
          {outcome ? named(outcome.text) : null}
        </div>
        {shown.length || mayRestrict ? (
          <div className="actions">
            {shown.map(control)}
            {mayRestrict ? (
              <ApplyRestriction
                c={c}
                open={open === 'applyRestriction'}
                onToggle={(isOpen) => {
                  opened.current = null;
                  setOpen(isOpen ? 'applyRestriction' : null);
                }}
                onOutcome={setOutcome}
              />
            ) : null}
          </div>
        ) : (
          <p>There is nothing you can do on this case right now.</p>
        )}
        {prominent.length ? (
          <>
            <h3>Not available to you</h3>
            <ul className="refusals">
              {prominent.map((a) => (
                <li key={entryKey(a)}>
                  <strong>{actionLabels[a.action]}</strong>: {named(a.reason ?? '')}
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
                  <strong>{actionLabels[a.action]}</strong>: {named(a.reason ?? '')}
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
                    <strong>{words(e.department)}</strong> asked by <Person id={e.requestedBy} />:{' '}
                    {e.question}
                  </p>
                  <p className={e.breached ? 'breached' : undefined}>
                    {e.status === 'open' ? (
                      <>
                        Open; due {when(e.dueAt)} (<TimeLeft at={e.dueAt} />)
                        {e.breached ? ', SLA breached' : ''}.
                      </>
                    ) : (
                      <>
                        Answered by <Person id={e.answeredBy} />: {named(e.answer ?? '')}
                      </>
                    )}
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
  useTitle(c ? `Case ${caseId}: ${c.subject}` : `Case ${caseId}`);
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
            <Deadlines c={c} />
            <QueryState query={controls}>
              <ControlsTable
                accountId={c.accountId}
                controls={accountControls}
                caseControlIds={c.controlIds}
              />
            </QueryState>
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
                      {r.question} — {words(r.status)}
                      {r.answer ? (
                        `: ${r.answer}`
                      ) : r.status === 'open' ? (
                        <>
                          {' '}
                          (due <TimeLeft at={r.dueAt} />)
                        </>
                      ) : null}
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
                      <strong>
                        <Person id={n.by} />
                      </strong>
                      , {when(n.at)}: {n.text}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            <Timeline c={c} />
          </div>
        ) : null}
      </QueryState>
    </>
  );
}
