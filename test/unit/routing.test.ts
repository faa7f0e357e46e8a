import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/domain/assignment.js';
import type { Case } from '../../src/domain/case.js';
import { drawOne } from '../../src/domain/draw.js';
import type { ProposeStep } from '../../src/domain/lifecycle/approval.js';
import {
  approve,
  expireOffer,
  passOn,
  propose,
  reject,
  withdraw,
} from '../../src/domain/lifecycle/approval.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import { claim } from '../../src/domain/lifecycle/review.js';
import type { Rule } from '../../src/domain/lifecycle/rule.js';
import { run } from '../../src/domain/lifecycle/rule.js';
import type { Actor } from '../../src/domain/permissions.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import { bindingOffer, checkerRoutingOf, eligibleCheckers } from '../../src/domain/routing.js';
import { resolvePolicy } from '../../src/domain/schemas/policy.js';
import type { RiskTier } from '../../src/domain/vocabulary.js';
import { HOUR, actor, control, domainError, plus } from './fixtures.js';

const T0 = '2026-12-07T09:00:00.000Z';
const MINUTE = 60_000;
/** Within the offer's 30 minutes. */
const T1 = plus(T0, 10 * MINUTE);

describe('eligibleCheckers', () => {
  const now = T0;
  const agent = (id: string, extra: Partial<Agent> = {}): Agent => ({
    id,
    roles: ['checker'],
    businessLines: ['spot'],
    enabled: true,
    awayUntil: null,
    ...extra,
  });
  const cases: [string, Agent, boolean][] = [
    ['a checker in scope', agent('c'), true],
    ['a compliance officer in scope', agent('c', { roles: ['compliance'] }), true],
    ['a checker for every line', agent('c', { businessLines: ['*'] }), true],
    ['a checker for another line', agent('c', { businessLines: ['p2p'] }), false],
    ['an agent (no removal.approve)', agent('c', { roles: ['agent'] }), false],
    ['a senior without checker (no removal.approve)', agent('c', { roles: ['senior'] }), false],
    ['a disabled checker', agent('c', { enabled: false }), false],
    ['a checker away until tomorrow', agent('c', { awayUntil: plus(now, 24 * HOUR) }), false],
    ['a checker whose absence ended', agent('c', { awayUntil: plus(now, -HOUR) }), true],
    ['the maker', agent('maker'), false],
    ['the creator', agent('creator'), false],
  ];
  it.each(cases)('%s: %s', (_name, who, eligible) => {
    const ids = eligibleCheckers([who], { businessLine: 'spot', exclude: ['maker', 'creator'], now });
    expect(ids).toEqual(eligible ? [who.id] : []);
  });

  it('lists them in id order, whatever order the directory gave', () => {
    const ids = eligibleCheckers([agent('z'), agent('a'), agent('m')], {
      businessLine: 'spot',
      exclude: [],
      now,
    });
    expect(ids).toEqual(['a', 'm', 'z']);
  });
});

describe('checker routing policy', () => {
  it('is open for every tier by default', () => {
    for (const tier of ['low', 'medium', 'high', 'critical'] as const) {
      expect(checkerRoutingOf(defaultPolicy, tier)).toBe('open');
    }
    expect(defaultPolicy.checkerRouting.offerExpiry).toBe(30 * MINUTE);
  });

  it('a tier set to random_first in the policy file routes so, the others stay open', () => {
    const parsed = resolvePolicy({ checkerRouting: { tiers: { high: 'random_first' }, offerExpiry: '10m' } });
    expect(parsed.success).toBe(true);
    expect(checkerRoutingOf(parsed.data!, 'high')).toBe('random_first');
    expect(checkerRoutingOf(parsed.data!, 'low')).toBe('open');
    expect(parsed.data!.checkerRouting.offerExpiry).toBe(10 * MINUTE);
  });

  it('refuses an unknown routing', () => {
    expect(resolvePolicy({ checkerRouting: { tiers: { high: 'first_come' } } }).success).toBe(false);
  });
});

describe('a proposal offered to one checker', () => {
  const creator = actor('u-creator', ['agent']);
  const maker = actor('u-maker', ['agent']);
  const drawn = actor('u-drawn', ['checker']);
  const other = actor('u-other', ['checker']);
  const senior = actor('u-senior', ['checker', 'senior']);
  const candidates = ['u-drawn', 'u-other', 'u-senior'];
  // A seed whose draw lands on u-drawn, found once and kept: the draw itself is drawOne's to test.
  const seed = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'].find(
    (s) => drawOne(s, candidates) === 'u-drawn',
  )!;

  const act = <I>(rule: Rule<I>, c: Case, input: I, who: Actor, now = T1) =>
    run(rule, c, input, { actor: who, now, policy: defaultPolicy }).next;
  const ctxOf = (who: Actor) => ({ actor: who, now: T1, policy: defaultPolicy });
  const refusal = <I>(rule: Rule<I>, c: Case, input: I, who: Actor, now = T1) =>
    domainError(() => run(rule, c, input, { actor: who, now, policy: defaultPolicy }));

  const proposeInput: ProposeStep = {
    controlIds: ['ctl-1'],
    reasonCode: 'verified_owner',
    justification: 'j',
    controls: [control('ctl-1', 'withdrawal_lock')],
  };

  const opened = (tier: RiskTier = 'low') =>
    openCase(
      'case-1',
      {
        type: 'unfreeze',
        accountId: 'acct-1',
        businessLine: 'spot',
        channel: 'email',
        subject: 's',
        description: 'd',
        controlIds: ['ctl-1'],
      },
      { tier, reasons: [] },
      creator.id,
      T0,
    );

  function offered(
    tier: RiskTier = 'low',
    routing: ProposeStep['routing'] | null = { candidates, seed },
  ): Case {
    const claimed = act(claim, opened(tier), {}, maker, T0);
    return act(propose, claimed, { ...proposeInput, ...(routing ? { routing } : {}) }, maker, T0);
  }
  const until = plus(T0, 30 * MINUTE);
  const proposalId = 'prop-1';

  it('goes to the checker the seed draws from the eligible set, until the policy’s expiry, and the audit row holds the draw', () => {
    const claimed = act(claim, opened(), {}, maker, T0);
    const { next, event } = run(
      propose,
      claimed,
      { ...proposeInput, routing: { candidates, seed } },
      { actor: maker, now: T0, policy: defaultPolicy },
    );
    const offer = next.proposals[0]?.offer;
    expect(offer).toEqual({
      checker: 'u-drawn',
      until,
      status: 'offered',
      seed,
      candidates,
      policyVersion: defaultPolicy.checkerRouting.version,
    });
    expect(event.details.offer).toEqual(offer);
    expect(drawOne(offer!.seed, offer!.candidates)).toBe(offer!.checker);
  });

  it('nobody eligible: no offer, open to all', () => {
    const c = offered('low', { candidates: [], seed });
    expect(c.proposals[0]?.offer).toBeNull();
    expect(act(approve, c, { proposalId }, other).status).toBe('executing');
  });

  it('an open tier makes no offer', () => {
    expect(offered('low', null).proposals[0]?.offer).toBeNull();
  });

  const decisions = [
    ['approve', (c: Case, who: Actor) => run(approve, c, { proposalId }, ctxOf(who)).next],
    ['reject', (c: Case, who: Actor) => run(reject, c, { proposalId, comment: 'no' }, ctxOf(who)).next],
  ] as const;

  it.each(decisions)(
    'while it binds, another checker may not %s it, and is told whom it is offered to and until when',
    (_name, decide) => {
      const error = domainError(() => decide(offered(), other));
      expect(error.code).toBe('forbidden');
      expect(error.detail).toContain('offered to u-drawn until 2026-12-07T09:30:00.000Z');
    },
  );

  it.each(decisions)('the drawn checker may %s it, which fulfils the offer', (_name, decide) => {
    expect(decide(offered(), drawn).proposals[0]?.offer?.status).toBe('decided');
  });

  it('after the drawn checker approved, the rest of a quorum is open to all', () => {
    const c = act(approve, offered('high'), { proposalId }, drawn);
    expect(c.proposals[0]?.status).toBe('pending');
    expect(act(approve, c, { proposalId }, senior).proposals[0]?.status).toBe('approved');
  });

  it('once its time has passed, anyone eligible may decide, even before the timer marks it expired', () => {
    const late = plus(until, 1);
    expect(bindingOffer(offered().proposals[0]!, late)).toBeNull();
    expect(act(approve, offered(), { proposalId }, other, late).status).toBe('executing');
  });

  it('expiry opens it to all and says whom it was offered to', () => {
    const { next, event } = run(
      expireOffer,
      offered(),
      { proposalId },
      {
        actor: actor('system', []),
        now: until,
        policy: defaultPolicy,
      },
    );
    expect(next.proposals[0]?.offer?.status).toBe('expired');
    expect(event.details).toMatchObject({ proposalId, offeredTo: 'u-drawn' });
    expect(act(approve, next, { proposalId }, other, until).status).toBe('executing');
    expect(
      domainError(() =>
        run(expireOffer, next, { proposalId }, { actor: other, now: until, policy: defaultPolicy }),
      ).code,
    ).toBe('invalid_state');
  });

  it('the drawn checker passes it on, and then anyone eligible may decide', () => {
    const passed = act(passOn, offered(), { proposalId, comment: 'I know the user' }, drawn);
    expect(passed.proposals[0]?.offer?.status).toBe('passed');
    expect(passed.status).toBe('awaiting_approval');
    expect(act(approve, passed, { proposalId }, other).status).toBe('executing');
  });

  it.each([
    ['another checker', () => refusal(passOn, offered(), { proposalId }, other), 'forbidden'],
    [
      'the drawn checker twice',
      () => refusal(passOn, act(passOn, offered(), { proposalId }, drawn), { proposalId }, drawn),
      'invalid_state',
    ],
    [
      'the drawn checker after expiry',
      () => refusal(passOn, offered(), { proposalId }, drawn, plus(until, 1)),
      'invalid_state',
    ],
    [
      'anyone on an open proposal',
      () => refusal(passOn, offered('low', null), { proposalId }, drawn),
      'invalid_state',
    ],
    ['the maker', () => refusal(passOn, offered(), { proposalId }, maker), 'forbidden'],
  ] as const)('%s may not pass it on', (_name, attempt, code) => {
    expect(attempt().code).toBe(code);
  });

  it('the maker may still withdraw it while it is offered', () => {
    expect(act(withdraw, offered(), { proposalId }, maker).proposals[0]?.status).toBe('withdrawn');
  });
});
