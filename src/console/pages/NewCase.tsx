import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import type { Case } from '../api';
import { ApiError, api, newIdempotencyKey, unwrap } from '../api';
import { Choice, TextField } from '../actions';
import { when, words } from '../format';
import type { components } from '../generated/api';
import { businessLineValues, caseTypeValues, channelValues } from '../generated/api';
import { CaseLink } from '../Link';
import { navigate } from '../router';
import { useAccountCases, useAccountControls, useMe } from '../queries';
import { Badge } from '../Table';
import { useTitle } from '../title';
import { QueryState } from './QueryState';

type RiskHints = components['schemas']['RiskHints'];

/** The hints intake may give, in words; keyed by the API's own schema so a new hint fails the typecheck. */
const hintLabels: Record<keyof RiskHints, string> = {
  suspectedAccountTakeover: 'Suspected account takeover',
  lawEnforcementRequest: 'Law-enforcement or court request involved',
  highValueAccount: 'High-value account',
};
const hintNames = Object.keys(hintLabels) as (keyof RiskHints)[];

/** The account id as typed, once typing has paused: the account's controls and cases are read for it. */
function useSettled(value: string, ms = 400): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** What is already on the account, so a duplicate is seen before it is created. */
function AccountSoFar({ accountId }: { accountId: string }) {
  const cases = useAccountCases(accountId);
  const items = cases.data?.items ?? [];
  const open = items.filter((c) => c.status !== 'closed');
  const lifts = items
    .flatMap((c) => c.lifts.map((l) => ({ c, l })))
    .sort((a, b) => b.l.liftedAt.localeCompare(a.l.liftedAt))
    .slice(0, 5);
  return (
    <section aria-labelledby="so-far-h" className="so-far">
      <h2 id="so-far-h">Already on account {accountId}</h2>
      <QueryState query={cases}>
        <h3>Open cases</h3>
        {open.length ? (
          <ul aria-label="Open cases on this account">
            {open.map((c: Case) => (
              <li key={c.id}>
                <CaseLink id={c.id} /> <Badge kind="status" value={c.status} /> {words(c.type)}: {c.subject}
              </li>
            ))}
          </ul>
        ) : (
          <p>No open cases.</p>
        )}
        <h3>Recent lifts</h3>
        {lifts.length ? (
          <ul aria-label="Recent lifts on this account">
            {lifts.map(({ c, l }) => (
              <li key={l.id}>
                {when(l.liftedAt)}: {l.snapshot.map((s) => words(s.kind)).join(', ')} lifted in{' '}
                <CaseLink id={c.id} />
                {l.revert ? `, reverted ${when(l.revert.completedAt)}` : `, ${words(l.status)}`}
              </li>
            ))}
          </ul>
        ) : (
          <p>No lifts.</p>
        )}
      </QueryState>
    </section>
  );
}

/** The active controls of the account, one checkbox each, for the case to name. */
function ControlChoices({ accountId }: { accountId: string }) {
  const controls = useAccountControls(accountId);
  const active = (controls.data?.items ?? []).filter((k) => k.status === 'active');
  return (
    <QueryState query={controls}>
      <fieldset>
        <legend>Controls this case is about</legend>
        {active.length ? (
          active.map((k) => (
            <div className="check" key={k.id}>
              <input
                type="checkbox"
                id={`new-control-${k.id}`}
                name="controls"
                value={k.id}
                aria-describedby={`new-control-${k.id}-d`}
              />
              <label htmlFor={`new-control-${k.id}`}>{k.kind}</label>
              <span id={`new-control-${k.id}-d`} className="hint">
                {' '}
                {k.id}, version {k.version}: {k.reason}
              </span>
            </div>
          ))
        ) : (
          <p>No active controls on this account.</p>
        )}
      </fieldset>
    </QueryState>
  );
}

interface Failure {
  text: string;
  fields: { path: string; message: string }[];
}

/** Intake: a complaint taken by phone, or a business line's request, opened as a case. */
export function NewCasePage() {
  useTitle('New case');
  const me = useMe().data;
  const [account, setAccount] = useState('');
  const accountId = useSettled(account.trim());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [key] = useState(() => newIdempotencyKey());
  const lines = businessLineValues.filter(
    (line) => !me || me.businessLines.includes('*') || me.businessLines.some((scope) => scope === line),
  );

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const value = (name: string) => {
      const entry = data.get(name);
      return typeof entry === 'string' ? entry.trim() : '';
    };
    const controlIds = data.getAll('controls').filter((v): v is string => typeof v === 'string');
    const hints = Object.fromEntries(hintNames.filter((h) => data.get(h) === 'on').map((h) => [h, true]));
    const externalRef = value('External reference');
    setBusy(true);
    try {
      const created = unwrap(
        await api.POST('/v1/cases', {
          params: { header: { 'idempotency-key': key } },
          body: {
            type: caseTypeValues.find((t) => t === value('Type')) ?? 'complaint',
            accountId: value('Account'),
            businessLine: businessLineValues.find((b) => b === value('Business line')) ?? 'spot',
            channel: channelValues.find((c) => c === value('Channel')) ?? 'phone',
            subject: value('Subject'),
            description: value('Description'),
            ...(controlIds.length ? { controlIds } : {}),
            ...(externalRef ? { externalRef } : {}),
            ...(Object.keys(hints).length ? { hints } : {}),
          },
        }),
      );
      navigate(`/cases/${encodeURIComponent(created.id)}`);
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : {};
      setFailure({
        text:
          error instanceof ApiError && (error.status === 503 || error.status === 0)
            ? 'The API could not open the case right now; nothing was lost here. Try again: the retry carries the same Idempotency-Key.'
            : `The case was not opened: ${error instanceof Error ? error.message : String(error)}`,
        fields: problem.errors ?? [],
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>New case</h1>
      <p className="lede">
        A complaint or request as it came in. The risk tier is set by the API from what you give.
      </p>
      <div className="intake">
        <form className="action-form" aria-labelledby="new-case-h" onSubmit={(event) => void submit(event)}>
          <h2 id="new-case-h">The case</h2>
          {failure ? (
            <div className="error" role="alert">
              <p>{failure.text}</p>
              {failure.fields.length ? (
                <ul>
                  {failure.fields.map((f) => (
                    <li key={`${f.path}:${f.message}`}>
                      {f.path}: {f.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <Choice name="Type" id="new-type" options={caseTypeValues} />
          <div className="field">
            <label htmlFor="new-account">Account</label>
            <input
              id="new-account"
              name="Account"
              required
              autoComplete="off"
              spellCheck={false}
              value={account}
              onChange={(event) => setAccount(event.target.value)}
            />
          </div>
          <Choice name="Business line" id="new-business-line" options={lines} />
          <Choice name="Channel" id="new-channel" options={channelValues} />
          <TextField name="Subject" id="new-subject" hint="Shown in the Temporal Web UI: no personal data" />
          <TextField name="Description" id="new-description" long />
          <TextField
            name="External reference"
            id="new-external-ref"
            required={false}
            hint="A ticket or call number"
          />
          {accountId ? <ControlChoices key={accountId} accountId={accountId} /> : null}
          <fieldset>
            <legend>Hints</legend>
            {hintNames.map((hint) => (
              <div className="check" key={hint}>
                <input type="checkbox" id={`new-hint-${hint}`} name={hint} />
                <label htmlFor={`new-hint-${hint}`}>{hintLabels[hint]}</label>
              </div>
            ))}
          </fieldset>
          <div className="buttons">
            <button type="submit" disabled={busy}>
              Open case
            </button>
          </div>
        </form>
        {accountId ? <AccountSoFar accountId={accountId} /> : null}
      </div>
    </>
  );
}
