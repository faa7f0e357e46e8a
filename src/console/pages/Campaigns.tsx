import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useState } from 'react';
import type { components } from '../generated/api';
import { ApiError, api, newIdempotencyKey, unwrap } from '../api';
import { count, when } from '../format';
import { CaseLink, Link } from '../Link';
import { Person, useNamed } from '../people';
import { Badge, Table } from '../Table';
import { useTitle } from '../title';
import { QueryState } from './QueryState';

type Campaign = components['schemas']['Campaign'];
type CampaignAccount = components['schemas']['CampaignAccount'];
type CampaignAction = Campaign['allowedActions'][number]['action'];

/* A campaign lifts on its own once approved; a few seconds between reads keeps its progress live enough. */
const pollMs = 3_000;
const accountsPerPage = 50;

const useCampaigns = () =>
  useQuery({
    queryKey: ['campaigns'],
    queryFn: async () => unwrap(await api.GET('/v1/campaigns', { params: { query: { limit: 100 } } })),
    refetchInterval: pollMs,
  });

const useCampaign = (campaignId: string) =>
  useQuery({
    queryKey: ['campaign', campaignId],
    queryFn: async () =>
      unwrap(await api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } })),
    refetchInterval: pollMs,
  });

const useCampaignAccounts = (campaignId: string, cursor: string | undefined) =>
  useQuery({
    queryKey: ['campaign', campaignId, 'accounts', cursor ?? null],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/campaigns/{campaignId}/accounts', {
          params: {
            path: { campaignId },
            query: { limit: accountsPerPage, ...(cursor === undefined ? {} : { cursor }) },
          },
        }),
      ),
    refetchInterval: pollMs,
    placeholderData: keepPreviousData,
  });

const words = (value: string) => value.replaceAll('_', ' ');

/** What a failed action says on the page: the API's refusal with each field it names, or what an outage means. */
function failure(error: unknown): string {
  if (!(error instanceof ApiError)) return `Something went wrong: ${String(error)}`;
  if (error.status === 503 || error.status === 0) {
    return `The API could not confirm the action (${error.message}); it may still apply. The page shows the campaign as the API has it now: check it before trying again.`;
  }
  const fields = (error.problem.errors ?? []).map((f) => `${f.path}: ${f.message}`);
  return `Refused: ${[error.message, ...fields].join('; ')}`;
}

function allowed(campaign: Campaign, action: CampaignAction) {
  return campaign.allowedActions.find((a) => a.action === action);
}

/** Lifted of included, as a bar a screen reader announces with its numbers. */
function Progress({ campaign }: { campaign: Campaign }) {
  const { lifted, included } = campaign.counts;
  const share = included === 0 ? 0 : Math.min(100, Math.round((lifted / included) * 100));
  return (
    <div className="campaign-progress">
      <div
        role="progressbar"
        aria-label="Campaign progress"
        aria-valuemin={0}
        aria-valuemax={included}
        aria-valuenow={lifted}
        aria-valuetext={`${lifted} of ${included} accounts lifted`}
        className="bar"
      >
        <span style={{ width: `${share}%` }} />
      </div>
      <p>
        {lifted} of {included} accounts lifted
      </p>
    </div>
  );
}

function Counts({ campaign }: { campaign: Campaign }) {
  const c = campaign.counts;
  const rows: [string, number][] = [
    ['Matched', c.matched],
    ['Included', c.included],
    ...Object.entries(c.excluded).map(([reason, n]): [string, number] => [`Excluded: ${words(reason)}`, n]),
    ['Pending', c.pending],
    ['Lifted', c.lifted],
    ['Failed', c.failed],
    ['Reverted', c.reverted],
    ['Sample approved', c.sampled.approved],
    ['Sample rejected', c.sampled.rejected],
    ['Sample unchecked', c.sampled.unchecked],
  ];
  return (
    <dl className="counts" aria-label="Campaign counts">
      {rows.map(([label, n]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{n}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Sends one campaign action once, with an Idempotency-Key so a repeated click applies it at most once. */
function useCampaignAction(campaignId: string, status?: Campaign['status']) {
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; left?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  /** `send` answers with the campaign it left, or with the words to show instead of `done`. */
  const run = async (send: (headers: Record<string, string>) => Promise<Campaign | string>, done: string) => {
    setBusy(true);
    try {
      const answer = await send({ 'idempotency-key': newIdempotencyKey() });
      setOutcome(
        typeof answer === 'string'
          ? { ok: true, text: answer }
          : { ok: true, text: done, left: answer.status },
      );
      await queryClient.invalidateQueries({ queryKey: ['campaign', campaignId] });
    } catch (error) {
      setOutcome({ ok: false, text: failure(error) });
    } finally {
      setBusy(false);
    }
  };
  // A success is about the state it left: once the campaign moves on, the message goes.
  const stale = outcome?.ok === true && status !== undefined && status !== outcome.left;
  const said =
    outcome && !stale ? (
      <p className={outcome.ok ? 'outcome' : 'outcome refused'} role={outcome.ok ? 'status' : 'alert'}>
        {outcome.text}
      </p>
    ) : null;
  return { run, busy, said };
}

/** One sampled account's check: approve or reject, with the comment the API requires. */
function SampleCheckForm({ campaign, accountId }: { campaign: Campaign; accountId: string }) {
  const [comment, setComment] = useState('');
  const { run, busy, said } = useCampaignAction(campaign.id);
  const check = (decision: 'approved' | 'rejected') =>
    run(
      async (headers) =>
        unwrap(
          await api.POST('/v1/campaigns/{campaignId}/sample/{accountId}', {
            params: { path: { campaignId: campaign.id, accountId } },
            headers,
            body: { decision, comment },
          }),
        ),
      decision === 'approved' ? 'Approved.' : 'Rejected; the campaign halts.',
    );
  const onSubmit = (event: FormEvent) => event.preventDefault();
  return (
    <form onSubmit={onSubmit} aria-label={`Check ${accountId}`}>
      <label>
        Comment on {accountId}
        <input value={comment} required onChange={(e) => setComment(e.target.value)} />
      </label>
      <button type="button" disabled={busy || !comment.trim()} onClick={() => void check('approved')}>
        Approve
      </button>
      <button type="button" disabled={busy || !comment.trim()} onClick={() => void check('rejected')}>
        Reject
      </button>
      {said}
    </form>
  );
}

function Sample({ campaign }: { campaign: Campaign }) {
  const may = allowed(campaign, 'checkSample');
  // A row per sampled account with its check, new on every read: the table redraws a row only when its item changed.
  const rows = campaign.sample.map((accountId) => ({
    accountId,
    check: campaign.sampleChecks.find((s) => s.accountId === accountId),
  }));
  return (
    <section aria-labelledby="campaign-sample">
      <h2 id="campaign-sample">Sample to check</h2>
      <p>
        Drawn with seed <code>{campaign.seed}</code>; anyone can draw it again from the audit log.
        {may && !may.allowed && may.reason ? ` You cannot check it: ${may.reason}` : ''}
      </p>
      <Table
        caption={`${campaign.sample.length} sampled accounts`}
        rows={rows}
        rowKey={(r) => r.accountId}
        columns={[
          {
            header: 'Account',
            cell: (r) => <Link to={`/accounts/${encodeURIComponent(r.accountId)}`}>{r.accountId}</Link>,
          },
          {
            header: 'Decision',
            cell: ({ check }) =>
              check ? (
                <>
                  {check.decision} by <Person id={check.by} />: {check.comment}
                </>
              ) : (
                'unchecked'
              ),
          },
          {
            header: 'Check',
            cell: (r) =>
              !r.check && may?.allowed ? (
                <SampleCheckForm campaign={campaign} accountId={r.accountId} />
              ) : (
                '—'
              ),
          },
        ]}
      />
    </section>
  );
}

/** Approve and Halt for approvers, shown only when allowedActions says the caller may. */
function Decisions({ campaign }: { campaign: Campaign }) {
  const [reason, setReason] = useState('');
  const { run, busy, said } = useCampaignAction(campaign.id);
  const path = { campaignId: campaign.id };
  const approve = () =>
    run(
      async (headers) =>
        unwrap(await api.POST('/v1/campaigns/{campaignId}/approve', { params: { path }, headers, body: {} })),
      'Approved.',
    );
  const halt = () =>
    run(
      async (headers) =>
        unwrap(
          await api.POST('/v1/campaigns/{campaignId}/halt', { params: { path }, headers, body: { reason } }),
        ),
      'Halted.',
    );
  const mayApprove = allowed(campaign, 'approve')?.allowed ?? false;
  const mayHalt = allowed(campaign, 'halt')?.allowed ?? false;
  // The answer stays on screen after the action took away the very button that was clicked.
  if (!mayApprove && !mayHalt && said === null) return null;
  return (
    <section aria-labelledby="campaign-decide">
      <h2 id="campaign-decide">Decide</h2>
      {mayApprove ? (
        <button type="button" disabled={busy} onClick={() => void approve()}>
          Approve campaign
        </button>
      ) : null}
      {mayHalt ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void halt();
          }}
        >
          <label>
            Why halt
            <input value={reason} required onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" disabled={busy || !reason.trim()}>
            Halt
          </button>
        </form>
      ) : null}
      {said}
    </section>
  );
}

/** What each of Resume, Revert and Withdraw asks for, as the API takes it. */
const followUps = [
  {
    action: 'resume',
    label: 'Resume',
    field: 'Comment on resuming',
    required: false,
    done: 'Asked to resume; the campaign goes on once every approver has asked.',
  },
  {
    action: 'revert',
    label: 'Revert',
    field: 'Why revert',
    required: true,
    done: 'Reverting: every lift still in its revert window is put back.',
  },
  {
    action: 'withdraw',
    label: 'Withdraw',
    field: 'Why withdraw',
    required: true,
    done: 'Withdrawn.',
  },
] as const;

type FollowUp = (typeof followUps)[number];

/**
 * One of Resume, Revert and Withdraw: enabled when allowedActions says the caller may, otherwise disabled
 * with the API's reason beside it, so nobody wonders why the button does nothing.
 */
function FollowUpForm({ campaign, step }: { campaign: Campaign; step: FollowUp }) {
  const [text, setText] = useState('');
  const { run, busy, said } = useCampaignAction(campaign.id, campaign.status);
  const may = allowed(campaign, step.action);
  const path = { campaignId: campaign.id };
  const send = () =>
    run(async (headers) => {
      const params = { params: { path }, headers };
      if (step.action === 'resume') {
        const body = text.trim() ? { comment: text } : {};
        return unwrap(await api.POST('/v1/campaigns/{campaignId}/resume', { ...params, body }));
      }
      const body = { reason: text };
      return step.action === 'revert'
        ? unwrap(await api.POST('/v1/campaigns/{campaignId}/revert', { ...params, body }))
        : unwrap(await api.POST('/v1/campaigns/{campaignId}/withdraw', { ...params, body }));
    }, step.done);
  const id = `campaign-${step.action}`;
  const named = useNamed();
  const why = may && !may.allowed ? named(may.reason ?? 'not allowed now') : null;
  return (
    <form
      className="card"
      aria-label={step.label}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-text`}>{step.field}</label>
        {step.required ? null : (
          <span id={`${id}-hint`} className="hint">
            Optional
          </span>
        )}
        <input
          id={`${id}-text`}
          value={text}
          required={step.required}
          disabled={why !== null}
          onChange={(e) => setText(e.target.value)}
          {...(step.required ? {} : { 'aria-describedby': `${id}-hint` })}
        />
      </div>
      <button
        type="submit"
        disabled={busy || why !== null || (step.required && !text.trim())}
        {...(why === null ? {} : { 'aria-describedby': `${id}-why` })}
      >
        {step.label}
      </button>
      {why === null ? null : (
        <p id={`${id}-why`} className="hint">
          {step.label} is not open to you now: {why}
        </p>
      )}
      {said}
    </form>
  );
}

/** After a halt: the approvers resume, anyone who may revert puts the lifts back, the maker withdraws. */
function FollowUps({ campaign }: { campaign: Campaign }) {
  const asked = campaign.resumeApprovals;
  return (
    <section aria-labelledby="campaign-follow-ups">
      <h2 id="campaign-follow-ups">Resume, revert or withdraw</h2>
      {campaign.status === 'halted' ? (
        <p>
          Asked to resume: {asked.length} of {campaign.approvals.length}
          {asked.map((id, i) => (
            <span key={id}>
              {i === 0 ? ' (' : ', '}
              <Person id={id} />
              {i === asked.length - 1 ? ')' : ''}
            </span>
          ))}
        </p>
      ) : null}
      <div className="campaign-steps">
        {followUps.map((step) => (
          <FollowUpForm key={step.action} campaign={campaign} step={step} />
        ))}
      </div>
    </section>
  );
}

/** The maker's two moves after a dry run or a rejected sample, shown only when allowedActions allows them. */
function MakerActions({ campaign }: { campaign: Campaign }) {
  const [reason, setReason] = useState('');
  const [accounts, setAccounts] = useState('');
  const { run, busy, said } = useCampaignAction(campaign.id);
  const path = { campaignId: campaign.id };
  const openCases = () =>
    run(async (headers) => {
      const result = unwrap(
        await api.POST('/v1/campaigns/{campaignId}/excluded/cases', { params: { path }, headers, body: {} }),
      );
      return `Opened ${count(result.opened.length, 'case')}; skipped ${result.skipped.length}.`;
    }, '');
  const exclude = accounts
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((accountId) => ({ accountId, reason }));
  const amend = () =>
    run(
      async (headers) =>
        unwrap(
          await api.POST('/v1/campaigns/{campaignId}/amend', {
            params: { path },
            headers,
            body: { reason, exclude },
          }),
        ),
      'Amended: a new sample is drawn and the campaign awaits approval again.',
    );
  const mayOpen = allowed(campaign, 'openExcludedCases')?.allowed ?? false;
  const mayAmend = allowed(campaign, 'amend')?.allowed ?? false;
  if (!mayOpen && !mayAmend && said === null) return null;
  return (
    <section aria-labelledby="campaign-maker">
      <h2 id="campaign-maker">Amend or hand over</h2>
      {mayOpen ? (
        <button type="button" disabled={busy} onClick={() => void openCases()}>
          Open cases for excluded accounts
        </button>
      ) : null}
      {mayAmend ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void amend();
          }}
        >
          <label>
            Accounts to take out
            <input value={accounts} required onChange={(e) => setAccounts(e.target.value)} />
          </label>
          <label>
            Why amend
            <input value={reason} required onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" disabled={busy || !reason.trim() || exclude.length === 0}>
            Amend
          </button>
        </form>
      ) : null}
      {said}
    </section>
  );
}

/** Every account the selector matched, a page at a time: excluded ones with their reason. */
function DryRun({ campaignId }: { campaignId: string }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const accounts = useCampaignAccounts(campaignId, cursor);
  const rows = accounts.data?.items ?? [];
  const next = accounts.data?.nextCursor ?? null;
  return (
    <section aria-labelledby="campaign-dry-run">
      <h2 id="campaign-dry-run">Dry run</h2>
      <QueryState query={accounts} empty={rows.length === 0} emptyText="The selector matched no account.">
        <Table<CampaignAccount>
          caption={`Accounts, page ${cursors.length}`}
          rows={rows}
          rowKey={(a) => a.accountId}
          columns={[
            {
              header: 'Account',
              cell: (a) => <Link to={`/accounts/${encodeURIComponent(a.accountId)}`}>{a.accountId}</Link>,
            },
            { header: 'State', cell: (a) => words(a.state) },
            { header: 'Excluded because', cell: (a) => (a.exclusion ? words(a.exclusion) : '—') },
            { header: 'Case', cell: (a) => (a.caseId ? <CaseLink id={a.caseId} /> : '—') },
            { header: 'Controls', cell: (a) => a.controlIds.join(', ') || '—' },
            { header: 'Sampled', cell: (a) => (a.sampled ? (a.sampleDecision ?? 'unchecked') : '—') },
            { header: 'Lifted', cell: (a) => (a.liftedAt ? when(a.liftedAt) : '—') },
            {
              header: 'Note',
              cell: (a) => a.failure ?? (a.leftAlone?.map((l) => `${l.id}: ${l.why}`).join('; ') || '—'),
            },
          ]}
        />
      </QueryState>
      <nav aria-label="Dry run pages" className="pager">
        <button
          type="button"
          disabled={cursors.length === 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={next === null}
          onClick={() => next !== null && setCursors((c) => [...c, next])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

export function CampaignPage({ campaignId }: { campaignId: string }) {
  useTitle(`Campaign ${campaignId}`);
  const campaign = useCampaign(campaignId);
  const c = campaign.data;
  return (
    <>
      <h1 tabIndex={-1}>Campaign {campaignId}</h1>
      <QueryState query={campaign}>
        {c ? (
          <>
            <p className="lede">
              <Badge kind="status" value={c.status} /> {words(c.phase)} · proposed by <Person id={c.maker} />{' '}
              on {when(c.createdAt)} · reason {words(c.reasonCode)}
              {c.halt ? (
                <>
                  {' · halted by '}
                  <Person id={c.halt.by} />: {c.halt.reason}
                </>
              ) : null}
            </p>
            <p>{c.justification}</p>
            <Progress campaign={c} />
            <Counts campaign={c} />
            <p>
              Approvals: {c.approvals.length} of {c.requiredApprovals}
              {c.approvals.length ? (
                <>
                  {' ('}
                  {c.approvals.map((a, i) => (
                    <span key={a.by}>
                      {i ? ', ' : ''}
                      <Person id={a.by} />
                    </span>
                  ))}
                  )
                </>
              ) : null}
              {c.links.temporalUi ? (
                <>
                  {' · '}
                  <a href={c.links.temporalUi}>Run in the Temporal Web UI</a>
                </>
              ) : null}
            </p>
            <Decisions campaign={c} />
            <FollowUps campaign={c} />
            <MakerActions campaign={c} />
            <Sample campaign={c} />
            <DryRun campaignId={campaignId} />
          </>
        ) : null}
      </QueryState>
    </>
  );
}

/** Incident lift campaigns, newest first, each with how far it got. */
export function CampaignsPage() {
  useTitle('Campaigns');
  const campaigns = useCampaigns();
  const rows = campaigns.data?.items ?? [];
  return (
    <>
      <h1 tabIndex={-1}>Campaigns</h1>
      <p className="lede">
        Lifts of one misfired rule across many accounts: approved once by two people, checked on a random
        sample, lifted canary first and then in batches.
      </p>
      <QueryState query={campaigns} empty={rows.length === 0} emptyText="No campaign yet.">
        <Table<Campaign>
          caption={`${rows.length} campaigns`}
          rows={rows}
          rowKey={(c) => c.id}
          columns={[
            {
              header: 'Campaign',
              cell: (c) => <Link to={`/campaigns/${encodeURIComponent(c.id)}`}>{c.id}</Link>,
            },
            { header: 'Status', cell: (c) => <Badge kind="status" value={c.status} /> },
            { header: 'Phase', cell: (c) => words(c.phase) },
            { header: 'Maker', cell: (c) => <Person id={c.maker} /> },
            { header: 'Lifted', cell: (c) => `${c.counts.lifted} of ${c.counts.included}` },
            { header: 'Excluded', cell: (c) => c.counts.matched - c.counts.included },
            { header: 'Proposed', cell: (c) => when(c.createdAt) },
          ]}
        />
      </QueryState>
    </>
  );
}
