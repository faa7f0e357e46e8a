import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import type { CreateCaseInput } from '../../src/domain/schemas/actions.js';
import { propose } from '../../src/domain/lifecycle/approval.js';
import { missDeadline } from '../../src/domain/lifecycle/deadlines.js';
import { escalate } from '../../src/domain/lifecycle/escalations.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import { requestReverification } from '../../src/domain/lifecycle/reverification.js';
import { claim, requestInfo, resolve } from '../../src/domain/lifecycle/review.js';
import type { Rule } from '../../src/domain/lifecycle/rule.js';
import { describeStep, run } from '../../src/domain/lifecycle/rule.js';
import type { Actor } from '../../src/domain/permissions.js';
import { caseDeadlinesMs, defaultPolicy } from '../../src/domain/policy.js';
import { allowedActions } from '../../src/domain/schemas/caseActions.js';
import { resolvePolicy } from '../../src/domain/schemas/policy.js';
import { holdingItem, isAwaited, nextDueAt, pendingItems } from '../../src/domain/waits.js';
import { HOUR, actor, control, domainError, plus } from './fixtures.js';

const T0 = '2025-03-01T09:00:00.000Z';
const agent = actor('u-agent', ['agent']);
const checker = actor('u-checker', ['checker']);
const senior = actor('u-senior', ['agent', 'senior']);

const intake: CreateCaseInput = {
  type: 'unfreeze',
  accountId: 'acct-1',
  businessLine: 'spot',
  channel: 'email',
  subject: 'Please lift the lock',
  description: 'Verified on a video call.',
  controlIds: ['ctl-1'],
};

const at = (hours: number) => plus(T0, hours * HOUR);

function act<I>(rule: Rule<I>, c: Case, input: I, who: Actor, now = at(1)): Case {
  return run(rule, c, input, { actor: who, now, policy: defaultPolicy }).next;
}

const opened = (overrides: Partial<CreateCaseInput> = {}, tier: Case['riskTier'] = 'low') =>
  openCase('UNF-1', { ...intake, ...overrides }, { tier, reasons: [] }, agent.id, T0, {
    policy: defaultPolicy,
  });
const claimed = () => act(claim, opened(), {}, agent);
const proposed = () =>
  act(
    propose,
    claimed(),
    {
      controlIds: ['ctl-1'],
      reasonCode: 'verified_owner',
      justification: 'Owner verified.',
      controls: [control('ctl-1', 'login_lock')],
    },
    agent,
  );

describe('case deadlines', () => {
  it('are set at intake from the tier, unless an override for the type, channel and tier names one', () => {
    expect(opened()).toMatchObject({ firstResponseDueAt: at(24), resolutionDueAt: at(240) });
    expect(opened({}, 'critical')).toMatchObject({ firstResponseDueAt: at(0.5), resolutionDueAt: at(24) });
    expect(opened({ channel: 'phone' })).toMatchObject({
      firstResponseDueAt: at(4),
      resolutionDueAt: at(240),
    });
    expect(opened({ channel: 'phone' }, 'high').firstResponseDueAt).toBe(at(2));
  });

  it('take the first override that names a due time, per type, channel and tier', () => {
    const result = resolvePolicy({
      caseDeadlines: {
        overrides: [
          { type: 'unbind', resolution: '1d' },
          { type: 'unbind', channel: 'chat', firstResponse: '10m' },
          { firstResponse: '1h' },
        ],
      },
    });
    if (!result.success) throw result.error;
    const policy = result.data;
    expect(caseDeadlinesMs(policy, { type: 'unbind', channel: 'chat', riskTier: 'low' })).toEqual({
      first_response: HOUR / 6,
      resolution: 24 * HOUR,
    });
    expect(caseDeadlinesMs(policy, { type: 'complaint', channel: 'chat', riskTier: 'low' })).toEqual({
      first_response: HOUR,
      resolution: 240 * HOUR,
    });
  });

  it('are none for a case opened without a policy, as cases opened before them', () => {
    const c = openCase('UNF-1', intake, { tier: 'low', reasons: [] }, agent.id, T0);
    expect(c).toMatchObject({ firstResponseDueAt: null, resolutionDueAt: null, missedDeadlines: [] });
    expect(pendingItems(c)).toEqual([]);
    expect(nextDueAt(c)).toBeNull();
  });

  it('a first response is owed until the first claim, a resolution until the lift or the close', () => {
    expect(pendingItems(opened()).map((p) => p.wait)).toEqual(['firstResponse', 'resolution']);
    expect(pendingItems(claimed()).map((p) => p.wait)).toEqual(['resolution']);
    const resolved = act(resolve, claimed(), { outcome: 'resolved_no_action', summary: 'Explained.' }, agent);
    expect(pendingItems(resolved)).toEqual([]);
  });

  it('a missed one flags the case like a missed SLA, once, and only once it is due', () => {
    const early = domainError(() => act(missDeadline, opened(), { deadline: 'first_response' }, agent));
    expect(early.detail).toBe(`the first_response is due only at ${at(24)}`);
    const missed = act(missDeadline, opened(), { deadline: 'first_response' }, agent, at(25));
    expect(missed).toMatchObject({ slaBreached: true, missedDeadlines: ['first_response'] });
    expect(
      domainError(() => act(missDeadline, missed, { deadline: 'first_response' }, agent, at(26))).code,
    ).toBe('invalid_state');
    expect(
      domainError(() => act(missDeadline, claimed(), { deadline: 'first_response' }, agent, at(25))).detail,
    ).toBe('the case owes no first_response now');
  });
});

describe('what a case waits for', () => {
  it('reports each pending item with who must act and by when, and the nearest as next due', () => {
    const c = act(escalate, proposed(), { department: 'security', question: 'Seen this device?' }, agent);
    expect(pendingItems(c)).toEqual([
      {
        wait: 'escalation',
        id: 'esc-1',
        what: 'an answer to esc-1',
        who: 'security',
        dueAt: at(5),
        actions: ['answerEscalation'],
      },
      {
        wait: 'proposal',
        id: 'prop-1',
        what: '1 more approval of prop-1',
        who: 'a checker',
        dueAt: at(25),
        actions: ['approve', 'reject', 'withdraw'],
      },
      expect.objectContaining({ wait: 'resolution', who: 'u-agent', dueAt: at(240) }),
    ]);
    expect(nextDueAt(c)).toBe(at(5));
  });

  it('words the step from the wait that holds the case in its status', () => {
    expect(describeStep(proposed())).toBe('waiting for 1 more approval of prop-1');
    const asked = act(requestInfo, claimed(), { question: 'Your ID, please?' }, agent);
    expect(describeStep(asked)).toBe(`waiting for the user's answer until ${at(73)}`);
    expect(holdingItem(asked)?.item.wait).toBe('infoRequest');
    const executing: Case = { ...proposed(), status: 'executing' };
    expect(holdingItem(executing)).toBeUndefined();
    expect(describeStep(executing)).toBe('lifting the approved controls');
    const reverifying = act(requestReverification, executing, { proposalId: 'prop-1' }, agent);
    expect(describeStep(reverifying)).toBe(`waiting for the user to re-verify until ${at(49)}`);
    expect(holdingItem(reverifying)?.item).toMatchObject({
      wait: 'reverification',
      actions: ['recordReverification'],
    });
  });

  it('marks an action that answers nothing pending, so its refusal can be left unsaid', () => {
    const c = claimed();
    expect(isAwaited(c, 'recordReverification')).toBe(false);
    expect(isAwaited(c, 'approve')).toBe(false);
    expect(isAwaited(c, 'claim')).toBe(true);
    expect(isAwaited(proposed(), 'approve')).toBe(true);
    const listed = allowedActions(c, { actor: checker, now: at(1), policy: defaultPolicy });
    expect(listed.find((a) => a.action === 'recordReverification')).toMatchObject({
      allowed: false,
      code: 'forbidden',
      awaited: false,
    });
    const seniorView = allowedActions(proposed(), { actor: senior, now: at(1), policy: defaultPolicy });
    expect(seniorView.find((a) => a.action === 'approve')).toMatchObject({ awaited: true });
  });
});
