import type { Case } from './api';
import type { components } from './generated/api';
import { deliveryState, deliveryTarget, kindWords } from './deliveries';
import { count, when, words } from './format';

export type TimelineItem = components['schemas']['TimelineEvent'];
type Delivery = components['schemas']['NotificationDelivery'];
type Name = (id: string) => string;

/** What one timeline entry says: a sentence naming who did what, and the words that came with it. */
export interface Told {
  /** "Approved proposal prop-1": the actor's name goes before it. */
  did: string;
  /** The note, question, answer, comment or reason, quoted as given. */
  quote?: string | null | undefined;
  /** Further facts in words: the reason code and its evidence, a signal's severity. */
  facts?: string[];
}

function field(details: unknown, key: string): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const value = (details as Record<string, unknown>)[key];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

function list(details: unknown, key: string): unknown[] {
  if (typeof details !== 'object' || details === null) return [];
  const value = (details as Record<string, unknown>)[key];
  return Array.isArray(value) ? value : [];
}

function evidenceFacts(proposal: Case['proposals'][number] | undefined): string[] {
  if (!proposal) return [];
  return [
    `reason code ${words(proposal.reasonCode)}`,
    proposal.evidence.length
      ? `evidence: ${proposal.evidence.map((e) => `${words(e.kind)} ${e.ref}${e.note ? ` (${e.note})` : ''}`).join('; ')}`
      : 'no evidence',
  ];
}

/**
 * An audit entry in words. The audit row carries ids; the case carries what they point to (the note's
 * text, the question, the proposal's reason code and evidence), so the two are read together.
 */
export function tell(item: TimelineItem, c: Case, name: Name, answeredBefore: number): Told {
  const d = item.details;
  const proposal = c.proposals.find((p) => p.id === field(d, 'proposalId'));
  const escalation = c.escalations.find((e) => e.id === field(d, 'escalationId'));
  const lift = c.lifts.find((l) => l.id === field(d, 'liftId'));
  switch (item.action) {
    case 'case.opened':
      return {
        did: `opened the case: ${words(c.type)} by ${words(c.channel)}, ${field(d, 'riskTier') ?? c.riskTier} risk`,
        facts: list(d, 'reasons').map(String),
      };
    case 'case.claimed':
      return { did: 'claimed the case' };
    case 'case.released':
      return { did: 'released the case' };
    case 'case.assigned': {
      const to = field(d, 'assignee');
      const byPolicy = field(d, 'byPolicy');
      if (byPolicy === undefined) {
        return { did: `assigned the case to ${to ? name(to) : 'nobody'}`, quote: field(d, 'comment') };
      }
      const from = field(d, 'from');
      const why = from ? `: ${name(from)} is away until ${when(field(d, 'awayUntil'))}` : '';
      if (!to) return { did: `offered the case back to the queue${why}` };
      return { did: `${from ? 'reassigned' : 'assigned'} by policy ${byPolicy} to ${name(to)}${why}` };
    }
    case 'note.added':
      return { did: 'added a note', quote: c.notes.find((n) => n.id === field(d, 'noteId'))?.text };
    case 'info.requested':
      return {
        did: 'asked the user a question',
        quote: c.infoRequests.find((r) => r.id === field(d, 'infoRequestId'))?.question,
      };
    case 'info.answered':
      return {
        did: 'recorded the user’s answer',
        quote: c.infoRequests.filter((r) => r.answer !== null)[answeredBefore]?.answer,
      };
    case 'info.expired':
      return { did: 'closed the case: the user did not answer in time' };
    case 'escalation.opened':
      return {
        did: `escalated to ${words(field(d, 'department') ?? escalation?.department ?? 'a department')}`,
        quote: escalation?.question,
        facts: escalation ? [`due ${when(escalation.dueAt)}`] : [],
      };
    case 'escalation.answered':
      return {
        did: `answered for ${words(escalation?.department ?? 'the department')}`,
        quote: escalation?.answer,
      };
    case 'escalation.reminded':
      return { did: `reminded ${words(escalation?.department ?? 'the department')} of its question` };
    case 'escalation.breached':
      return { did: `marked the escalation to ${words(escalation?.department ?? 'a department')} overdue` };
    case 'proposal.created': {
      const offer = typeof d === 'object' && d !== null ? (d as { offer?: unknown }).offer : undefined;
      const offeredTo = field(offer, 'checker');
      return {
        did: `proposed lifting ${count(list(d, 'controlIds').length || (proposal?.controlIds.length ?? 0), 'control')}`,
        quote: proposal?.justification,
        facts: [
          ...evidenceFacts(proposal),
          ...(offeredTo
            ? [`offered first to ${name(offeredTo)}, drawn at random, until ${when(field(offer, 'until'))}`]
            : []),
        ],
      };
    }
    case 'proposal.passed_on':
      return {
        did: 'passed the proposal on: every eligible checker may decide it',
        quote: field(d, 'comment'),
      };
    case 'proposal.offer_expired': {
      const to = field(d, 'offeredTo');
      return {
        did: `let the offer to ${to ? name(to) : 'the drawn checker'} run out: every eligible checker may decide the proposal`,
      };
    }
    case 'proposal.approval_recorded': {
      const approval = proposal?.approvals.find((a) => a.by === item.actor);
      return {
        did: `approved the proposal${field(d, 'quorumReached') === 'true' ? ', completing its quorum' : ''}`,
        quote: approval?.comment,
        facts: approval?.countsAs ? [`counts as the ${approval.countsAs} approval`] : [],
      };
    }
    case 'proposal.rejected':
      return { did: 'rejected the proposal', quote: field(d, 'comment') };
    case 'proposal.withdrawn':
      return { did: 'withdrew the proposal', quote: field(d, 'comment') };
    case 'proposal.reminded':
      return { did: 'reminded the checkers of the proposal still waiting for them' };
    case 'proposal.expired':
      return { did: 'let the proposal expire: not enough approvals in time' };
    case 'proposal.voided':
      return { did: 'voided the proposal: its controls changed after it was made' };
    case 'controls.lifted': {
      const kinds = list(d, 'controls').map((k) => words(field(k, 'kind') ?? '?'));
      return {
        did: `lifted ${count(kinds.length, 'control')}${kinds.length ? `: ${kinds.join(', ')}` : ''}`,
        facts: field(d, 'monitoringUntil') ? [`watched until ${when(field(d, 'monitoringUntil'))}`] : [],
      };
    }
    case 'cooling_off.applied':
      return { did: 'put on a cooling-off withdrawal lock' };
    case 'cooling_off.ended':
      return {
        did:
          field(d, 'lifted') === 'true'
            ? 'took the cooling-off withdrawal lock off'
            : 'left the withdrawal lock on: someone changed it meanwhile',
      };
    case 'revert.requested':
      return { did: 'asked for the lift to be reverted', quote: field(d, 'reason') };
    case 'risk_signal.received':
      return {
        did: `reported risk signal ${words(field(d, 'signal') ?? '')}`,
        facts: [
          `severity ${field(d, 'severity') ?? 'unknown'}`,
          field(d, 'actedOn') === 'true' ? 'it reverts the lift' : 'no lift to revert',
        ],
      };
    case 'revert.completed':
    case 'revert.completed_late':
      return {
        did: `put the lifted controls back${item.action === 'revert.completed_late' ? ' after the case had closed' : ''}`,
        quote: field(d, 'reason') ?? lift?.revert?.reason ?? c.lifts.at(-1)?.revert?.reason,
      };
    case 'case.resolved':
      return {
        did: `resolved the case: ${words(field(d, 'outcome') ?? c.outcome ?? '')}`,
        quote: c.resolution?.summary,
      };
    case 'case.closed':
      return { did: 'closed the case after the monitoring window' };
    case 'after_review.requested':
      return {
        did: `applied a ${words(field(d, 'kind') ?? 'control')}`,
        quote: c.afterReviews.find((r) => r.controlId === field(d, 'controlId'))?.reason,
        facts: ['a review of it is due'],
      };
    case 'after_review.overdue':
      return { did: 'marked the review of an applied restriction overdue' };
    case 'reverification.requested':
      return { did: 'asked the user to prove again that they own the account' };
    case 'reverification.recorded':
      return {
        did: `recorded the user’s re-verification: ${field(d, 'outcome') ?? ''}`,
        facts: field(d, 'method') ? [`by ${words(field(d, 'method') ?? '')}`] : [],
      };
    case 'reverification.expired':
      return { did: 'let the re-verification lapse' };
    case 'notification.retried':
      return {
        did: `retried the ${kindWords(field(d, 'kind') ?? '')} notification`,
        quote: field(d, 'comment'),
        facts: [`it was ${words(field(d, 'was') ?? '')}`, field(d, 'lastError') ?? ''],
      };
    default:
      return { did: words(item.action.replaceAll('.', ' ')) };
  }
}

/** The timeline entry as a sentence, for the live region: "Approved by Lee Okafor". */
export function announcement(item: TimelineItem, name: Name): string | null {
  const who = name(item.actor);
  switch (item.action) {
    case 'proposal.approval_recorded':
      return `Approved by ${who}`;
    case 'proposal.rejected':
      return `Rejected by ${who}`;
    case 'proposal.created':
      return `Lift proposed by ${who}`;
    case 'proposal.withdrawn':
      return `Proposal withdrawn by ${who}`;
    case 'escalation.answered':
      return `Escalation answered by ${who}`;
    case 'info.answered':
      return `User’s answer recorded by ${who}`;
    case 'revert.requested':
      return `Revert asked for by ${who}`;
    case 'revert.completed':
      return 'Lift reverted: the controls are back';
    case 'controls.lifted':
      return 'Controls lifted';
    case 'note.added':
      return `Note added by ${who}`;
    case 'case.claimed':
      return `Claimed by ${who}`;
    case 'case.assigned':
      return `Assigned by ${who}`;
    case 'case.resolved':
      return `Resolved by ${who}`;
    case 'risk_signal.received':
      return `Risk signal ${words(field(item.details, 'signal') ?? '')}, severity ${field(item.details, 'severity') ?? 'unknown'}`;
    default:
      return null;
  }
}

export function TimelineEntry(props: { item: TimelineItem; told: Told; name: Name; named: Name }) {
  const { item, told, named } = props;
  const facts = (told.facts ?? []).filter(Boolean).map(named);
  return (
    <>
      <time dateTime={item.at}>{when(item.at)}</time>{' '}
      <strong title={item.actor}>{props.name(item.actor)}</strong> {named(told.did)}
      {item.outcome === 'denied' ? ' — refused' : ''}
      {told.quote ? <q>{named(told.quote)}</q> : null}
      {facts.length ? <span className="facts-inline">{facts.join(' · ')}</span> : null}
    </>
  );
}

/**
 * The audit rows and the notifications' deliveries as one list, in time order; a delivery sits where it
 * was queued and tells what became of it since. Audit rows keep their own order among themselves.
 */
export function inTimeOrder(
  items: readonly TimelineItem[],
  deliveries: readonly Delivery[],
): ({ item: TimelineItem; delivery?: undefined } | { delivery: Delivery; item?: undefined })[] {
  const merged: ({ item: TimelineItem; delivery?: undefined } | { delivery: Delivery; item?: undefined })[] =
    [];
  let next = 0;
  for (const item of items) {
    while (next < deliveries.length && deliveries[next]!.queuedAt < item.at) {
      merged.push({ delivery: deliveries[next]! });
      next += 1;
    }
    merged.push({ item });
  }
  for (const delivery of deliveries.slice(next)) merged.push({ delivery });
  return merged;
}

export function DeliveryEntry({ delivery }: { delivery: Delivery }) {
  return (
    <>
      <time dateTime={delivery.queuedAt}>{when(delivery.queuedAt)}</time> Notification{' '}
      <strong>{kindWords(delivery.kind)}</strong> to {deliveryTarget(delivery)}: {deliveryState(delivery)}
      {delivery.state === 'failing' || delivery.state === 'given_up' ? (
        <span className="facts-inline">{delivery.lastError}</span>
      ) : null}
    </>
  );
}
