import { useQueryClient } from '@tanstack/react-query';
import type { FormEvent, ReactNode } from 'react';
import { useRef, useState } from 'react';
import { useActionForm } from './escape';
import type { ActionBody, ActionName, AllowedAction, Case, Control } from './api';
import { ApiError, act, newIdempotencyKey } from './api';
import { duration, words } from './format';
import type { components } from './generated/api';
import { departmentValues as departments, evidenceKindValues as evidenceKinds } from './generated/api';
import { useAssignees } from './people';
import { useReasonCodes } from './queries';

type EvidenceKind = components['schemas']['EvidenceKind'];

/*
 * Choices of the forms whose values the API lists only inline: a record keyed by the API's own union, so
 * the compiler fails when the API adds or drops a value.
 */
const resolveOutcomes = Object.keys({
  resolved_no_action: true,
  rejected: true,
  withdrawn: true,
  reverted: true,
} satisfies Record<ActionBody<'resolve'>['outcome'], true>) as ActionBody<'resolve'>['outcome'][];
const checkOutcomes = Object.keys({ passed: true, failed: true } satisfies Record<
  ActionBody<'recordReverification'>['outcome'],
  true
>) as ActionBody<'recordReverification'>['outcome'][];
const methods = Object.keys({
  video_call: true,
  selfie: true,
  document: true,
  in_person: true,
} satisfies Record<
  ActionBody<'recordReverification'>['method'],
  true
>) as ActionBody<'recordReverification'>['method'][];

/** The words on each action's button: the accessible names scripts and screen readers rely on. */
export const actionLabels: Record<ActionName, string> = {
  claim: 'Claim',
  release: 'Release',
  assign: 'Assign',
  addNote: 'Add note',
  requestInfo: 'Request info',
  respondInfo: 'Record info response',
  escalate: 'Escalate',
  answerEscalation: 'Answer',
  propose: 'Propose lift',
  approve: 'Approve',
  reject: 'Reject',
  withdraw: 'Withdraw proposal',
  passOn: 'Pass on',
  resolve: 'Resolve',
  revert: 'Revert',
  recordReverification: 'Record re-verification',
};

/** What became of an action, in words; a success remembers the case's revision it left behind. */
export type Outcome = { kind: 'done' | 'moved' | 'refused' | 'pending'; text: string; revision?: number };

type Values = Record<string, string | string[]>;
const text = (values: Values, name: string) => {
  const value = values[name];
  return typeof value === 'string' ? value : '';
};
/** An empty optional comment is left out, not sent as "". */
const optionalComment = (v: Values) => {
  const comment = text(v, 'Comment').trim();
  return comment ? { comment } : {};
};
/** A select's value as one of the options it offered. */
const choice = <T extends string>(values: Values, name: string, options: readonly T[], fallback: T): T =>
  options.find((option) => option === text(values, name)) ?? fallback;

const evidencePrefix = 'Evidence: ';

/** Every `Evidence: <kind>` field that was filled in, and the further evidence when it names a kind. */
function evidenceOf(v: Values): ActionBody<'propose'>['evidence'] & object {
  const required = evidenceKinds.flatMap((kind) => {
    const ref = text(v, `${evidencePrefix}${kind}`).trim();
    return ref ? [{ kind, ref }] : [];
  });
  const furtherKind = evidenceKinds.find((kind) => kind === text(v, 'Further evidence kind'));
  const furtherRef = text(v, 'Further evidence reference').trim();
  const further = furtherKind && furtherRef ? [{ kind: furtherKind, ref: furtherRef }] : [];
  return [...required, ...further];
}

/** The request body each form sends, typed by the API's own schema for that action's route. */
const bodies: { [A in ActionName]: (v: Values) => ActionBody<A> | undefined } = {
  claim: () => undefined,
  release: () => undefined,
  assign: (v) => ({ assignee: text(v, 'Assignee'), ...optionalComment(v) }),
  addNote: (v) => ({ text: text(v, 'Note') }),
  requestInfo: (v) => ({ question: text(v, 'Question') }),
  respondInfo: (v) => ({ answer: text(v, 'Answer') }),
  escalate: (v) => ({
    department: choice(v, 'Department', departments, 'technical'),
    question: text(v, 'Question'),
  }),
  answerEscalation: (v) => ({ answer: text(v, 'Answer') }),
  propose: (v) => {
    const evidence = evidenceOf(v);
    return {
      controlIds: Array.isArray(v.controls) ? v.controls : [],
      reasonCode: text(v, 'Reason code'),
      justification: text(v, 'Justification'),
      ...(evidence.length ? { evidence } : {}),
    };
  },
  approve: (v) => optionalComment(v),
  withdraw: (v) => optionalComment(v),
  passOn: (v) => optionalComment(v),
  reject: (v) => ({ comment: text(v, 'Comment') }),
  resolve: (v) => ({
    outcome: choice(v, 'Outcome', resolveOutcomes, 'resolved_no_action'),
    summary: text(v, 'Summary'),
  }),
  revert: (v) => ({ reason: text(v, 'Reason') }),
  recordReverification: (v) => ({
    outcome: choice(v, 'Outcome', checkOutcomes, 'passed'),
    method: choice(v, 'Method', methods, 'video_call'),
  }),
};

export function TextField(props: {
  name: string;
  long?: boolean;
  required?: boolean;
  id: string;
  hint?: string;
}) {
  const optional = props.required === false;
  const hint = [optional ? 'Optional' : '', props.hint ?? ''].filter(Boolean).join('. ');
  const common = {
    id: props.id,
    name: props.name,
    required: !optional,
    ...(hint ? { 'aria-describedby': `${props.id}-hint` } : {}),
  };
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.name}</label>
      {hint ? (
        <span id={`${props.id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
      {props.long ? <textarea {...common} rows={3} /> : <input {...common} />}
    </div>
  );
}

export function Choice(props: {
  name: string;
  id: string;
  options: readonly (string | readonly [string, string])[];
  value?: string;
  onChange?(value: string): void;
  required?: boolean;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.name}</label>
      <select
        id={props.id}
        name={props.name}
        required={props.required ?? true}
        {...(props.value === undefined ? {} : { value: props.value })}
        {...(props.onChange ? { onChange: (e) => props.onChange?.(e.target.value) } : {})}
      >
        {props.options.map((o) => {
          const [value, label] = typeof o === 'string' ? [o, words(o)] : o;
          return (
            <option key={value} value={value}>
              {label}
            </option>
          );
        })}
      </select>
    </div>
  );
}

/** `Assignee`: the people the API says may take this case, by name. */
function AssigneeChoice(props: { c: Case; id: string }) {
  const assignees = useAssignees(props.c.id, true);
  if (assignees.isPending) return <p role="status">Loading who may take the case…</p>;
  if (assignees.error)
    return <p className="error">Could not load who may take the case: {assignees.error.message}</p>;
  const people = assignees.data.people;
  if (!people.length) return <p>Nobody else reviews cases in {words(props.c.businessLine)}.</p>;
  return (
    <Choice
      name="Assignee"
      id={props.id}
      options={people.map(
        (p) => [p.id, p.id === props.c.assignee ? `${p.displayName} (has it now)` : p.displayName] as const,
      )}
    />
  );
}

/**
 * The reason code as a choice among those the policy lists for the case's type, with what each demands:
 * a field per evidence kind it needs, and the signers it adds. The rules stay in the API; this only shows
 * the matrix it serves.
 */
function ReasonAndEvidence(props: { c: Case; id: (name: string) => string }) {
  const matrix = useReasonCodes();
  const codes = Object.entries(matrix.data?.[props.c.type] ?? {});
  const [chosen, setChosen] = useState('');
  const rule = codes.find(([code]) => code === chosen)?.[1];
  if (matrix.isPending) return <p role="status">Loading the reason codes…</p>;
  if (!codes.length)
    return <p className="error">The policy lists no reason codes for {props.c.type} cases.</p>;
  const pinned = props.c.reasonCodeVersion;
  return (
    <>
      <Choice
        name="Reason code"
        id={props.id('reason-code')}
        value={chosen}
        onChange={setChosen}
        options={[
          ['', 'Choose a reason…'],
          ...codes.map(([code, r]) => [code, `${words(code)}: ${r.description}`] as const),
        ]}
      />
      {pinned && matrix.data && pinned !== matrix.data.version ? (
        <p className="hint">
          This case follows reason codes of {pinned}; today’s are {matrix.data.version}. The API checks the
          proposal against the case’s own.
        </p>
      ) : null}
      {rule ? (
        <div className="reason-terms" aria-live="polite">
          <p>
            <strong>{words(chosen)}</strong>: {rule.description}.{' '}
            {rule.evidence.length
              ? `Needs evidence: ${rule.evidence.map(words).join(', ')}.`
              : 'Needs no evidence.'}{' '}
            {rule.approverRole ? `Adds a ${rule.approverRole} signer to the quorum.` : 'Adds no signer.'}
            {rule.monitoringWindow ? ` Watched for ${duration(rule.monitoringWindow)} after the lift.` : ''}
            {rule.coolingOff ? ` Cooling-off of ${duration(rule.coolingOff)}.` : ''}
          </p>
          {rule.evidence.map((kind: EvidenceKind) => (
            <TextField
              key={kind}
              name={`${evidencePrefix}${kind}`}
              id={props.id(`evidence-${kind}`)}
              hint="Where it is: a reference, a call id, an order number"
            />
          ))}
        </div>
      ) : null}
      <fieldset>
        <legend>Further evidence (optional)</legend>
        <Choice
          name="Further evidence kind"
          id={props.id('further-kind')}
          required={false}
          options={[['', 'None'], ...evidenceKinds]}
        />
        <TextField name="Further evidence reference" id={props.id('further-ref')} required={false} />
      </fieldset>
    </>
  );
}

function Fields(props: { action: ActionName; id: string; c: Case; controls: Control[] }) {
  const id = (name: string) => `${props.id}-${name.replaceAll(' ', '-').toLowerCase()}`;
  switch (props.action) {
    case 'claim':
    case 'release':
      return null;
    case 'assign':
      return (
        <>
          <AssigneeChoice c={props.c} id={id('assignee')} />
          <TextField name="Comment" long required={false} id={id('comment')} />
        </>
      );
    case 'addNote':
      return <TextField name="Note" long id={id('note')} />;
    case 'requestInfo':
    case 'escalate':
      return (
        <>
          {props.action === 'escalate' ? (
            <Choice name="Department" id={id('department')} options={departments} />
          ) : null}
          <TextField name="Question" long id={id('question')} />
        </>
      );
    case 'respondInfo':
    case 'answerEscalation':
      return <TextField name="Answer" long id={id('answer')} />;
    case 'propose':
      return (
        <>
          <fieldset>
            <legend>Controls to lift</legend>
            {props.c.controlIds.map((controlId) => {
              const control = props.controls.find((k) => k.id === controlId);
              return (
                <div className="check" key={controlId}>
                  <input
                    type="checkbox"
                    id={id(controlId)}
                    name="controls"
                    value={controlId}
                    defaultChecked
                    aria-describedby={`${id(controlId)}-d`}
                  />
                  <label htmlFor={id(controlId)}>{control?.kind ?? controlId}</label>
                  <span id={`${id(controlId)}-d`} className="hint">
                    {' '}
                    {controlId}
                    {control ? `, version ${control.version}, ${control.status}` : ''}
                  </span>
                </div>
              );
            })}
          </fieldset>
          <ReasonAndEvidence c={props.c} id={id} />
          <TextField name="Justification" long id={id('justification')} />
        </>
      );
    case 'approve':
    case 'withdraw':
    case 'passOn':
      return <TextField name="Comment" long required={false} id={id('comment')} />;
    case 'reject':
      return <TextField name="Comment" long id={id('comment')} />;
    case 'resolve':
      return (
        <>
          <Choice name="Outcome" id={id('outcome')} options={resolveOutcomes} />
          <TextField name="Summary" long id={id('summary')} />
        </>
      );
    case 'revert':
      return <TextField name="Reason" long id={id('reason')} />;
    case 'recordReverification':
      return (
        <>
          <Choice name="Outcome" id={id('outcome')} options={checkOutcomes} />
          <Choice name="Method" id={id('method')} options={methods} />
        </>
      );
  }
}

const needsForm = (action: ActionName) => action !== 'claim' && action !== 'release';

function describeFailure(error: unknown): Outcome {
  if (error instanceof ApiError) {
    if (error.status === 409) {
      return {
        kind: 'moved',
        text: `The case moved on before your action arrived: ${error.message}. The page now shows its current state.`,
      };
    }
    if (error.status === 503 || error.status === 0) {
      return {
        kind: 'pending',
        text: 'The API could not confirm the action; it may still apply. Try again: the retry carries the same Idempotency-Key, so it cannot apply twice.',
      };
    }
    return { kind: 'refused', text: `Refused: ${error.message}` };
  }
  return { kind: 'refused', text: `Something went wrong: ${String(error)}` };
}

/**
 * One action the API allows: its button, its form when it takes input, and its outcome in words. A
 * decision keeps its Idempotency-Key until it succeeds or the form is closed, so a retry after an outage
 * is the same decision.
 */
export function ActionControl(props: {
  entry: AllowedAction;
  c: Case;
  controls: Control[];
  open: boolean;
  onToggle(open: boolean): void;
  onOutcome(outcome: Outcome): void;
  /** Why the action became impossible while its form was open: the form stays, with what was typed. */
  unavailable?: string | undefined;
  children?: ReactNode;
}) {
  const { entry, c } = props;
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const [key, setKey] = useState(() => newIdempotencyKey());
  const formId = `form-${entry.action}-${entry.proposalId ?? entry.escalationId ?? 'case'}`;
  const label = actionLabels[entry.action];

  const run = async (values: Values) => {
    setBusy(true);
    try {
      const body = bodies[entry.action](values);
      const next = await act(
        {
          action: entry.action,
          caseId: c.id,
          proposalId: entry.proposalId,
          escalationId: entry.escalationId,
          idempotencyKey: key,
          ...(body === undefined ? {} : { body }),
        },
        (attempt) =>
          props.onOutcome({
            kind: 'pending',
            text: `The API could not confirm the action yet; it may still apply. Retrying with the same Idempotency-Key (attempt ${attempt})…`,
          }),
      );
      queryClient.setQueryData(['case', c.id], next);
      setKey(newIdempotencyKey());
      props.onToggle(false);
      props.onOutcome({
        kind: 'done',
        text: `${label}: done. The case is now ${words(next.status)}.`,
        revision: next.revision,
      });
    } catch (error) {
      const outcome = describeFailure(error);
      if (outcome.kind !== 'pending') setKey(newIdempotencyKey());
      props.onOutcome(outcome);
    } finally {
      setBusy(false);
      await queryClient.invalidateQueries({ queryKey: ['case', c.id] });
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const values: Values = {};
    for (const [name, value] of data) {
      if (typeof value !== 'string') continue;
      if (name === 'controls') values.controls = [...((values.controls as string[]) ?? []), value];
      else values[name] = value;
    }
    void run(values);
  };

  const close = () => {
    props.onToggle(false);
    toggle.current?.focus();
  };
  useActionForm(props.open, formId, close);

  if (!needsForm(entry.action)) {
    return (
      <button type="button" disabled={busy} onClick={() => void run({})}>
        {label}
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        ref={toggle}
        aria-expanded={props.open}
        aria-controls={formId}
        onClick={() => props.onToggle(!props.open)}
      >
        {label}
      </button>
      {props.open ? (
        <form id={formId} className="action-form" onSubmit={submit}>
          {props.unavailable ? (
            <p className="error" role="alert">
              {label} is no longer possible: {props.unavailable}. What you typed is kept below.
            </p>
          ) : null}
          <Fields action={entry.action} id={formId} c={c} controls={props.controls} />
          {props.children}
          <div className="buttons">
            <button type="submit" disabled={busy || props.unavailable !== undefined}>
              Submit
            </button>
            <button type="button" className="secondary" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
