import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { components } from '../generated/api';
import { ApiError, api, unwrap } from '../api';
import { useMe, usePendingGrants, useUsers } from '../queries';
import { Table, TimeLeft } from '../Table';
import { useTitle } from '../title';
import { QueryState } from './QueryState';

type Grant = components['schemas']['Grant'];
type Decision = 'approve' | 'reject';

const list = (items: readonly string[]) => (items.length ? items.join(', ') : '—');

/** What a grant adds, in one line: roles, then business lines, then departments. */
function adds(grant: Grant): string {
  return [
    grant.roles.length ? `roles ${grant.roles.join(', ')}` : '',
    grant.businessLines.length ? `business lines ${grant.businessLines.join(', ')}` : '',
    grant.departments.length ? `departments ${grant.departments.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** Approve and reject for one grant, with the API's answer beside them. */
function GrantDecision({ grant }: { grant: Grant }) {
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (decision: Decision) => {
    setBusy(true);
    const path =
      decision === 'approve' ? '/v1/admin/grants/{grantId}/approve' : '/v1/admin/grants/{grantId}/reject';
    try {
      const decided = unwrap(await api.POST(path, { params: { path: { grantId: grant.id } }, body: {} }));
      setOutcome({ ok: true, text: `Grant ${decided.status}.` });
      await queryClient.invalidateQueries({ queryKey: ['grants'] });
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    } catch (error) {
      const text = error instanceof ApiError ? error.message : 'The API did not answer; try again.';
      setOutcome({ ok: false, text: `Refused: ${text}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void decide('approve')}>
          Approve grant
        </button>
        <button type="button" disabled={busy} onClick={() => void decide('reject')}>
          Reject grant
        </button>
      </div>
      {outcome ? (
        <p className={outcome.ok ? 'outcome' : 'outcome refused'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      ) : null}
    </>
  );
}

/** Users and the grants inbox: widening waits here for a second admin; the API decides who may approve. */
export function UsersPage() {
  const me = useMe();
  const users = useUsers();
  const grants = usePendingGrants();
  const names = new Map((users.data?.items ?? []).map((u) => [u.id, u.name]));
  const pending = grants.data?.items ?? [];
  const now = Date.now();
  useTitle('Users');
  return (
    <>
      <h1 tabIndex={-1}>Users</h1>
      <p className="lede">
        Granting a privileged role, a wider business line or a department waits for a second admin; revoking
        takes effect at once.
      </p>
      <section aria-labelledby="grants-heading">
        <h2 id="grants-heading">Grants waiting for a second admin</h2>
        <QueryState query={grants} empty={pending.length === 0} emptyText="No grant is waiting.">
          <Table
            caption={`${pending.length} pending grants`}
            rows={pending}
            rowKey={(grant) => grant.id}
            columns={[
              { header: 'User', cell: (grant) => names.get(grant.userId) ?? grant.userId },
              { header: 'Adds', cell: adds },
              { header: 'Asked by', cell: (grant) => names.get(grant.requestedBy) ?? grant.requestedBy },
              { header: 'Expires', cell: (grant) => <TimeLeft at={grant.expiresAt} now={now} /> },
              { header: 'Decision', cell: (grant) => <GrantDecision grant={grant} /> },
            ]}
          />
        </QueryState>
        {me.data && pending.some((g) => g.requestedBy === me.data.id) ? (
          <p className="hint">Grants you asked for need another admin’s approval.</p>
        ) : null}
      </section>
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">Everyone</h2>
        <QueryState query={users} empty={(users.data?.items.length ?? 0) === 0} emptyText="No users yet.">
          <Table
            caption={`${users.data?.items.length ?? 0} users`}
            rows={users.data?.items ?? []}
            rowKey={(user) => user.id}
            columns={[
              { header: 'Name', cell: (user) => user.name },
              { header: 'Roles', cell: (user) => list(user.roles) },
              { header: 'Business lines', cell: (user) => list(user.businessLines) },
              { header: 'Departments', cell: (user) => list(user.departments) },
              { header: 'Sign-in', cell: (user) => (user.sso ? 'single sign-on' : 'API token') },
              { header: 'Status', cell: (user) => user.status },
            ]}
          />
        </QueryState>
      </section>
    </>
  );
}
