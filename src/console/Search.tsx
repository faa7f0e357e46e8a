import type { FormEvent } from 'react';
import { useState } from 'react';
import { api } from './api';
import { navigate } from './router';

/**
 * One box for a case id or an account id: an id the API knows as a case opens the case, anything else
 * opens the account page (which says so when the account has no controls and no cases).
 */
export function Search() {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = value.trim();
    if (!id) return;
    setBusy(true);
    const found = await api
      .GET('/v1/cases/{caseId}', { params: { path: { caseId: id } } })
      .then((answer) => answer.response.ok)
      .catch(() => false);
    setBusy(false);
    setValue('');
    navigate(found ? `/cases/${encodeURIComponent(id)}` : `/accounts/${encodeURIComponent(id)}`);
  };
  return (
    <form role="search" className="search" onSubmit={(event) => void submit(event)}>
      <label htmlFor="search" className="visually-hidden">
        Search
      </label>
      <input
        id="search"
        type="search"
        placeholder="Case or account id"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit" disabled={busy}>
        Go
      </button>
    </form>
  );
}
