import { useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useRef, useState } from 'react';
import { useActionForm } from './escape';
import type { Case } from './api';
import { ApiError, api, newIdempotencyKey, unwrap } from './api';
import { Choice, TextField } from './actions';
import { words } from './format';
import type { components } from './generated/api';

type ControlKind = components['schemas']['ControlKind'];
type ControlCategory = components['schemas']['ControlCategory'];

/**
 * Which category each kind of control belongs to, as the API's vocabulary has it: a record keyed by the
 * API's own union, so a kind added there fails the typecheck until it is placed here.
 */
const categoryOf: Record<ControlKind, ControlCategory> = {
  account_freeze: 'restriction',
  withdrawal_lock: 'restriction',
  trading_lock: 'restriction',
  login_lock: 'restriction',
  totp: 'binding',
  phone: 'binding',
  email: 'binding',
  device: 'binding',
  withdrawal_address: 'binding',
};
const restrictionKinds = (Object.keys(categoryOf) as ControlKind[]).filter(
  (kind) => categoryOf[kind] === 'restriction',
);

/**
 * `Apply restriction`: puts a restriction on the case's account at once, naming the case, so a theft
 * reported by phone can freeze withdrawals while the agent is still on the call. Making an account safer
 * takes one person; the API records it and opens the after-review on this case.
 */
export function ApplyRestriction(props: {
  c: Case;
  open: boolean;
  onToggle(open: boolean): void;
  onOutcome(outcome: { kind: 'done' | 'refused' | 'pending'; text: string; revision?: number }): void;
}) {
  const { c } = props;
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(() => newIdempotencyKey());
  const toggle = useRef<HTMLButtonElement>(null);
  const formId = 'form-apply-restriction';
  const close = () => {
    props.onToggle(false);
    toggle.current?.focus();
  };
  useActionForm(props.open, formId, close);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const kind = restrictionKinds.find((k) => k === data.get('Kind')) ?? 'account_freeze';
    const reason = data.get('Reason');
    setBusy(true);
    try {
      const control = unwrap(
        await api.POST('/v1/accounts/{accountId}/controls', {
          params: { path: { accountId: c.accountId }, header: { 'idempotency-key': key } },
          body: {
            category: categoryOf[kind],
            kind,
            businessLine: c.businessLine,
            reason: typeof reason === 'string' ? reason : '',
            source: 'manual_review',
            caseId: c.id,
          },
        }),
      );
      setKey(newIdempotencyKey());
      props.onToggle(false);
      props.onOutcome({
        kind: 'done',
        text: `Apply restriction: done. ${words(control.kind)} ${control.id} is active on account ${c.accountId}.`,
      });
    } catch (error) {
      const unsure = error instanceof ApiError && (error.status === 503 || error.status === 0);
      if (!unsure) setKey(newIdempotencyKey());
      props.onOutcome({
        kind: unsure ? 'pending' : 'refused',
        text: unsure
          ? 'The API could not confirm the restriction; it may still apply. Submit again: the retry carries the same Idempotency-Key.'
          : `Refused: ${error instanceof Error ? error.message : String(error)}`,
      });
    } finally {
      setBusy(false);
      await queryClient.invalidateQueries({ queryKey: ['controls', c.accountId] });
    }
  };
  return (
    <>
      <button
        type="button"
        ref={toggle}
        aria-expanded={props.open}
        aria-controls={formId}
        onClick={() => props.onToggle(!props.open)}
      >
        Apply restriction
      </button>
      {props.open ? (
        <form id={formId} className="action-form" onSubmit={(event) => void submit(event)}>
          <p className="hint">
            On account {c.accountId} ({words(c.businessLine)}), at once; a review of it is then due on this
            case.
          </p>
          <Choice name="Kind" id={`${formId}-kind`} options={restrictionKinds} />
          <TextField name="Reason" long id={`${formId}-reason`} />
          <div className="buttons">
            <button type="submit" disabled={busy}>
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
