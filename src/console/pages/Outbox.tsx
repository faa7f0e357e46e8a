import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { components } from '../generated/api';
import { ApiError, api, unwrap } from '../api';
import { deliveryState, deliveryTarget, kindWords } from '../deliveries';
import { CaseLink } from '../Link';
import { useTroubledDeliveries } from '../queries';
import { Table } from '../Table';
import { useTitle } from '../title';
import { QueryState } from './QueryState';

type Delivery = components['schemas']['NotificationDelivery'];

/** One delivery's Retry button, with the API's answer beside it. */
function RetryDelivery({ delivery }: { delivery: Delivery }) {
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    setBusy(true);
    try {
      unwrap(
        await api.POST('/v1/admin/notifications/{id}/retry', {
          params: { path: { id: delivery.id } },
          body: {},
        }),
      );
      setOutcome({ ok: true, text: 'Queued again.' });
      await queryClient.invalidateQueries({ queryKey: ['outbox'] });
    } catch (error) {
      const text = error instanceof ApiError ? error.message : 'The API did not answer; try again.';
      setOutcome({ ok: false, text: `Refused: ${text}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" disabled={busy} onClick={() => void retry()}>
        Retry
      </button>
      {outcome ? (
        <p className={outcome.ok ? 'outcome' : 'outcome refused'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      ) : null}
    </>
  );
}

function Deliveries(props: { state: 'failing' | 'given_up'; heading: string; empty: string }) {
  const deliveries = useTroubledDeliveries(props.state);
  const rows = deliveries.data ?? [];
  const id = `outbox-${props.state}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{props.heading}</h2>
      <QueryState query={deliveries} empty={rows.length === 0} emptyText={props.empty}>
        <Table
          caption={`${rows.length} ${props.state === 'failing' ? 'failing' : 'given-up'} deliveries`}
          rows={rows}
          rowKey={(d) => String(d.id)}
          columns={[
            { header: 'Case', cell: (d) => (d.caseId ? <CaseLink id={d.caseId} /> : '—') },
            { header: 'Notification', cell: (d) => kindWords(d.kind) },
            { header: 'To', cell: deliveryTarget },
            { header: 'State', cell: deliveryState },
            { header: 'Last error', cell: (d) => d.lastError ?? '—' },
            { header: 'Webhook id', cell: (d) => <code>{d.webhookId}</code> },
            { header: 'Action', cell: (d) => <RetryDelivery delivery={d} /> },
          ]}
        />
      </QueryState>
    </section>
  );
}

/** The deliveries in trouble, for an admin: still being retried, or given up and waiting for a Retry. */
export function OutboxPage() {
  useTitle('Outbox');
  return (
    <>
      <h1 tabIndex={-1}>Outbox</h1>
      <p className="lede">
        Notifications that did not reach their mailbox or webhook. Failing ones are retried with backoff on
        their own; given-up ones wait for you. A retry keeps the webhook id, so a receiver drops a repeat.
      </p>
      <Deliveries state="given_up" heading="Given up" empty="No delivery has been given up." />
      <Deliveries state="failing" heading="Failing" empty="No delivery is failing." />
    </>
  );
}
