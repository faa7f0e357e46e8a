import { describe, expect, it } from 'vitest';
import type { CreateCaseInput } from '../../src/domain/schemas/actions.js';
import type { Case } from '../../src/domain/case.js';
import type { AllowedAction, TargetIds } from '../../src/domain/schemas/caseActions.js';
import type { ActionName } from '../../src/domain/caseActions.js';
import { actionNames, caseActions } from '../../src/domain/caseActions.js';
import { DomainError } from '../../src/domain/errors.js';
import {
  allowedActions,
  allowedActionsFor,
  httpActions,
  payloadOf,
  publicActionNames,
} from '../../src/domain/schemas/caseActions.js';
import { propose, withdraw } from '../../src/domain/lifecycle/approval.js';
import { escalate } from '../../src/domain/lifecycle/escalations.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import { claim } from '../../src/domain/lifecycle/review.js';
import type { Context, Rule } from '../../src/domain/lifecycle/rule.js';
import { run } from '../../src/domain/lifecycle/rule.js';
import type { Actor } from '../../src/domain/permissions.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import { actor, control, domainError } from './fixtures.js';

const T0 = '2025-03-01T09:00:00.000Z';
const T1 = '2025-03-01T10:00:00.000Z';
const creator = actor('u-creator', ['agent']);
const maker = actor('u-maker', ['agent', 'checker']);
const checker = actor('u-checker', ['checker']);
const cardChecker = actor('u-card-checker', ['checker'], { businessLines: ['card'] });
const security = actor('u-security', ['department'], { departments: ['security'] });
const legal = actor('u-legal', ['department'], { departments: ['legal'] });

const intake: CreateCaseInput = {
  type: 'unfreeze',
  accountId: 'acct-1',
  businessLine: 'spot',
  channel: 'email',
  subject: 'Please lift the lock',
  description: 'Verified on a video call.',
  controlIds: ['ctl-1'],
};

function act<I>(rule: Rule<I>, c: Case, input: I, who: Actor): Case {
  return run(rule, c, input, { actor: who, now: T1, policy: defaultPolicy }).next;
}

const opened = () => openCase('UNF-1', intake, { tier: 'low', reasons: [] }, creator.id, T0);
const claimed = () => act(claim, opened(), {}, maker);
const pending = () =>
  act(
    propose,
    claimed(),
    {
      controlIds: ['ctl-1'],
      reasonCode: 'verified_owner',
      justification: 'Owner verified.',
      controls: [control('ctl-1', 'login_lock')],
    },
    maker,
  );

function entries(c: Case, who: Actor, action: AllowedAction['action']): AllowedAction[] {
  return allowedActions(c, { actor: who, now: T1, policy: defaultPolicy }).filter((a) => a.action === action);
}

describe('the case action registry', () => {
  it('names every update after its action', () => {
    for (const name of actionNames) expect(caseActions[name].update.name).toBe(name);
  });

  it('gives every route a permission, and every operationId and path once', () => {
    const routes = publicActionNames.map((name) => httpActions[name]);
    expect(routes.filter((a) => a.rule.permission === undefined).map((a) => a.name)).toEqual([]);
    const ids = routes.map((a) => a.route?.operationId);
    const paths = routes.map((a) => a.route?.path);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('puts the target of a proposal or escalation action in its path', () => {
    for (const name of publicActionNames) {
      const { target, route } = httpActions[name];
      if (target === 'proposal') expect(route?.path).toContain('{proposalId}');
      if (target === 'escalation') expect(route?.path).toContain('{escalationId}');
      if (target === 'case') expect(route?.path).not.toMatch(/\{(proposalId|escalationId)\}/);
    }
  });

  it('needs a body only where a field is required', () => {
    expect(httpActions.claim.bodyRequired).toBe(false);
    expect(httpActions.approve.bodyRequired).toBe(false);
    expect(httpActions.withdraw.bodyRequired).toBe(false);
    expect(httpActions.reject.bodyRequired).toBe(true);
    expect(httpActions.propose.bodyRequired).toBe(true);
  });

  it('offers every sample body its own schema accepts, so allowedActions checks the rule and not the sample', () => {
    for (const name of publicActionNames) {
      const { body, sample } = httpActions[name];
      expect(
        body.safeParse(sample(pending(), { actor: maker, now: T0, policy: defaultPolicy })).success,
        name,
      ).toBe(true);
    }
  });
});

describe('allowedActions', () => {
  it('lists each action once per case, and once per pending proposal or open escalation', () => {
    const c = act(escalate, pending(), { department: 'security', question: 'Seen this device?' }, maker);
    const two = act(escalate, c, { department: 'legal', question: 'Any order on file?' }, maker);
    const listed = allowedActions(two, { actor: checker, now: T1, policy: defaultPolicy });
    expect(listed.filter((a) => a.action === 'answerEscalation').map((a) => a.escalationId)).toEqual([
      'esc-1',
      'esc-2',
    ]);
    expect(listed.filter((a) => a.action === 'approve').map((a) => a.proposalId)).toEqual(['prop-1']);
    expect(listed.filter((a) => a.action === 'claim')).toHaveLength(1);
  });

  it('lets an agent claim an open case and tells a checker why not', () => {
    expect(entries(opened(), creator, 'claim')).toEqual([
      {
        action: 'claim',
        operationId: 'claimCase',
        allowed: true,
        awaited: true,
        code: null,
        reason: null,
        proposalId: null,
        escalationId: null,
      },
    ]);
    expect(entries(opened(), checker, 'claim')[0]).toMatchObject({ allowed: false, code: 'forbidden' });
  });

  it('tells the maker that another checker must approve, and lets a checker approve', () => {
    const [own] = entries(pending(), maker, 'approve');
    expect(own).toMatchObject({ allowed: false, code: 'separation_of_duties', proposalId: 'prop-1' });
    expect(own?.reason).toBe('u-maker made proposal prop-1; another checker must approve it');
    expect(entries(pending(), checker, 'approve')[0]).toMatchObject({ allowed: true, proposalId: 'prop-1' });
    expect(entries(pending(), cardChecker, 'approve')[0]).toMatchObject({
      allowed: false,
      code: 'out_of_scope',
    });
  });

  it('says who may not before it says there is nothing to decide', () => {
    expect(entries(claimed(), creator, 'approve')[0]).toMatchObject({ allowed: false, code: 'forbidden' });
  });

  it('says there is nothing to decide when no proposal is pending', () => {
    expect(entries(claimed(), checker, 'approve')).toEqual([
      expect.objectContaining({
        allowed: false,
        code: 'invalid_state',
        reason: 'no proposal is pending',
        proposalId: null,
        awaited: false,
      }),
    ]);
  });

  it("lets only the escalation's department answer it", () => {
    const c = act(escalate, claimed(), { department: 'security', question: 'Seen this device?' }, maker);
    expect(entries(c, security, 'answerEscalation')[0]).toMatchObject({
      allowed: true,
      escalationId: 'esc-1',
    });
    expect(entries(c, legal, 'answerEscalation')[0]).toMatchObject({ allowed: false, code: 'forbidden' });
  });

  it('agrees with the rule the workflow runs, action by action', () => {
    const c = pending();
    for (const who of [creator, maker, checker, cardChecker, security]) {
      for (const entry of allowedActions(c, { actor: who, now: T1, policy: defaultPolicy })) {
        if (entry.allowed) continue;
        expect(entry.code, `${who.id} ${entry.action}`).not.toBeNull();
        expect(entry.reason, `${who.id} ${entry.action}`).toMatch(/\S/);
      }
    }
  });
});

/** What the action's own rule says to the sample body `allowedActions` checks it with. */
function refusalByRule<A extends ActionName>(
  name: A,
  c: Case,
  ids: TargetIds,
  ctx: Context,
): DomainError | null {
  const { rule, sample } = httpActions[name];
  try {
    rule.check(c, payloadOf(name, sample(c, ctx), ids), ctx);
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

describe('allowedActionsFor, over a page of cases', () => {
  const auditor = actor('u-auditor', ['auditor']);
  const page = (): Case[] => {
    const escalated = act(
      escalate,
      pending(),
      { department: 'security', question: 'Seen this device?' },
      maker,
    );
    const spot = [opened(), claimed(), pending(), escalated];
    return [...spot, ...spot.map((c): Case => ({ ...c, businessLine: 'card' })), ...spot];
  };

  it('answers each case as its rules do, whatever business line the cases before it were in', () => {
    for (const who of [creator, maker, checker, cardChecker, security, legal, auditor]) {
      const ctx = { actor: who, now: T1, policy: defaultPolicy };
      const answer = allowedActionsFor(ctx);
      for (const c of page()) {
        for (const entry of answer(c)) {
          const target = entry.proposalId ?? entry.escalationId;
          // Entries about no proposal or escalation at all are the tests above.
          if (target === null && httpActions[entry.action].target !== 'case') continue;
          const refusal = refusalByRule(entry.action, c, entry, ctx);
          const where = `${who.id} ${entry.action} on a ${c.businessLine} case ${c.status}`;
          expect(entry.code, where).toBe(refusal?.code ?? null);
          expect(entry.reason, where).toBe(refusal?.detail ?? null);
          expect(entry.allowed, where).toBe(refusal === null);
        }
      }
    }
  });
});

describe('withdrawing a proposal', () => {
  it('takes a pending proposal back and returns the case to review', () => {
    const next = act(withdraw, pending(), { proposalId: 'prop-1', comment: 'Named the wrong lock.' }, maker);
    expect(next.status).toBe('in_review');
    expect(next.proposals[0]).toMatchObject({ status: 'withdrawn', decidedAt: T1 });
  });

  it('is for the maker alone, and only while the proposal is pending', () => {
    const other = actor('u-other', ['agent']);
    expect(domainError(() => act(withdraw, pending(), { proposalId: 'prop-1' }, other))).toMatchObject({
      code: 'forbidden',
      detail: 'only u-maker, who made proposal prop-1, may withdraw it',
    });
    const withdrawn = act(withdraw, pending(), { proposalId: 'prop-1' }, maker);
    expect(domainError(() => act(withdraw, withdrawn, { proposalId: 'prop-1' }, maker)).code).toBe(
      'already_decided',
    );
    expect(domainError(() => act(withdraw, pending(), { proposalId: 'prop-9' }, maker)).code).toBe(
      'not_found',
    );
    expect(domainError(() => act(withdraw, pending(), { proposalId: 'prop-1' }, checker)).code).toBe(
      'forbidden',
    );
  });
});
