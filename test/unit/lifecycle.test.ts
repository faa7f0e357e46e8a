import { describe, expect, it } from 'vitest';
import type { CreateCaseInput } from '../../src/domain/schemas/actions.js';
import type { Case } from '../../src/domain/case.js';
import { changesSince } from '../../src/domain/case.js';
import type { Control } from '../../src/domain/controls.js';
import type { DomainError } from '../../src/domain/errors.js';
import {
  afterReviewOverdue,
  closeLifted,
  completeLift,
  completeRevert,
  currentLift,
  endCoolingOff,
  receiveRiskSignal,
  requestAfterReview,
  requestRevert,
  startCoolingOff,
} from '../../src/domain/lifecycle/execution.js';
import {
  approve,
  expireProposal,
  findProposal,
  pendingProposal,
  propose,
  reject,
  voidProposal,
} from '../../src/domain/lifecycle/approval.js';
import type { ProposeStep } from '../../src/domain/lifecycle/approval.js';
import {
  answerEscalation,
  breachEscalation,
  escalate,
  findEscalation,
  remindEscalation,
} from '../../src/domain/lifecycle/escalations.js';
import { assessIntake, checkNamedControls, openCase } from '../../src/domain/lifecycle/intake.js';
import {
  addNote,
  assign,
  assignByPolicy,
  assigneeRefusal,
  claim,
  expireInfoRequest,
  release,
  requestInfo,
  resolve,
  respondInfo,
  answerAsOwner,
} from '../../src/domain/lifecycle/review.js';
import type { Context, Rule } from '../../src/domain/lifecycle/rule.js';
import { describeStep, run } from '../../src/domain/lifecycle/rule.js';
import { owedDeadline } from '../../src/domain/waits.js';
import type { Actor } from '../../src/domain/permissions.js';
import { accountOwnerActor, systemActor } from '../../src/domain/permissions.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import type { RiskTier } from '../../src/domain/vocabulary.js';
import { RiskTier as RiskTierSchema } from '../../src/domain/schemas/vocabulary.js';
import { DAY, HOUR, actor, control, domainError, plus } from './fixtures.js';

const T0 = '2025-03-01T09:00:00.000Z';
const T1 = plus(T0, HOUR);
const T2 = plus(T0, 2 * HOUR);
const T3 = plus(T0, 3 * HOUR);

const creator = actor('u-creator', ['agent', 'checker']);
const agent = actor('u-agent', ['agent']);
const agent2 = actor('u-agent2', ['agent']);
const cardAgent = actor('u-card-agent', ['agent'], { businessLines: ['card'] });
const lead = actor('u-lead', ['senior']);
const checker = actor('u-checker', ['checker']);
const checker2 = actor('u-checker2', ['checker']);
const cardChecker = actor('u-card-checker', ['checker'], { businessLines: ['card'] });
const senior = actor('u-senior', ['checker', 'senior']);
const compliance = actor('u-compliance', ['compliance']);
const security = actor('u-security', ['department'], { departments: ['security'] });
const legalDept = actor('u-legal', ['department'], { departments: ['legal'] });
const riskEngine = actor('u-risk', ['risk_engine']);
const auditor = actor('u-auditor', ['auditor']);

const lock = control('ctl-1', 'withdrawal_lock', { version: 3 });
const login = control('ctl-2', 'login_lock');

const intake: CreateCaseInput = {
  type: 'unfreeze',
  accountId: 'acct-1',
  businessLine: 'spot',
  channel: 'email',
  subject: 'Please lift the locks on my account',
  description: 'The user verified their identity on a video call.',
  controlIds: ['ctl-1', 'ctl-2'],
};

function ctx(who: Actor, now: string = T1): Context {
  return { actor: who, now, policy: defaultPolicy };
}

function newCase(tier: RiskTier = 'low', overrides: Partial<CreateCaseInput> = {}): Case {
  return openCase(
    'case-1',
    { ...intake, ...overrides },
    { tier, reasons: [`set to ${tier} by the test`] },
    creator.id,
    T0,
  );
}

function act<I>(rule: Rule<I>, c: Case, input: I, who: Actor, now: string = T1): Case {
  return run(rule, c, input, ctx(who, now)).next;
}

function refusal<I>(rule: Rule<I>, c: Case, input: I, who: Actor, now: string = T1): DomainError {
  return domainError(() => run(rule, c, input, ctx(who, now)));
}

const proposeInput: ProposeStep = {
  controlIds: ['ctl-1', 'ctl-2'],
  reasonCode: 'verified_owner',
  justification: 'Identity verified on a video call.',
  controls: [lock, login],
};

const inReview = (tier: RiskTier = 'low') => act(claim, newCase(tier), {}, agent);
const awaitingApproval = (tier: RiskTier = 'low') => act(propose, inReview(tier), proposeInput, agent);

/** The checkers who together reach the default quorum of a tier, in an order the rules allow. */
const quorumOf: Record<RiskTier, Actor[]> = {
  low: [checker],
  medium: [checker],
  high: [checker, senior],
  critical: [checker, compliance],
};

function executing(tier: RiskTier = 'low'): Case {
  let c = awaitingApproval(tier);
  for (const who of quorumOf[tier]) c = act(approve, c, { proposalId: 'prop-1' }, who, T2);
  return c;
}

const monitoring = (tier: RiskTier = 'low') =>
  act(completeLift, executing(tier), { proposalId: 'prop-1', snapshot: [lock, login] }, systemActor, T3);

function reverted(): Case {
  const asked = act(requestRevert, monitoring(), { reason: 'the user reports a new login' }, compliance, T3);
  return act(completeRevert, asked, { reapplied: [lock, login], withdrawalLockId: null }, systemActor, T3);
}

describe('intake', () => {
  it('openCase starts an unclaimed open case at revision 0', () => {
    const c = newCase('high');
    expect(c).toMatchObject({
      id: 'case-1',
      type: 'unfreeze',
      status: 'open',
      outcome: null,
      accountId: 'acct-1',
      businessLine: 'spot',
      channel: 'email',
      riskTier: 'high',
      riskReasons: ['set to high by the test'],
      controlIds: ['ctl-1', 'ctl-2'],
      externalRef: null,
      hints: {},
      assignee: null,
      createdBy: 'u-creator',
      slaBreached: false,
      escalations: [],
      proposals: [],
      notes: [],
      infoRequests: [],
      lifts: [],
      riskSignals: [],
      afterReviews: [],
      revertRequest: null,
      resolution: null,
      step: 'waiting for an agent to claim it',
      revision: 0,
      workflowId: 'case-case-1',
      createdAt: T0,
      updatedAt: T0,
      firstClaimedAt: null,
      closedAt: null,
    });
  });

  it('openCase keeps the external reference, hints and an empty control list of a complaint', () => {
    const c = openCase(
      'case-9',
      {
        ...intake,
        type: 'complaint',
        controlIds: undefined,
        externalRef: 'ZD-1234',
        hints: { highValueAccount: true },
      },
      { tier: 'medium', reasons: [] },
      'u-creator',
      T0,
    );
    expect(c).toMatchObject({ controlIds: [], externalRef: 'ZD-1234', hints: { highValueAccount: true } });
  });

  it('checkNamedControls accepts active restrictions of the account on an unfreeze case', () => {
    expect(() => checkNamedControls(intake, [lock, login])).not.toThrow();
  });

  it.each(['unfreeze', 'unbind'] as const)('a %s case must name the controls to lift', (type) => {
    const error = domainError(() => checkNamedControls({ ...intake, type, controlIds: [] }, []));
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([{ path: 'controlIds', message: 'required for unfreeze and unbind cases' }]);
  });

  it('a complaint may name no controls', () => {
    expect(() =>
      checkNamedControls({ ...intake, type: 'complaint', controlIds: undefined }, []),
    ).not.toThrow();
  });

  it('a complaint may name a restriction and a binding together', () => {
    const totp = control('ctl-3', 'totp');
    expect(() =>
      checkNamedControls({ ...intake, type: 'complaint', controlIds: ['ctl-1', 'ctl-3'] }, [lock, totp]),
    ).not.toThrow();
  });

  it('naming a control twice is refused', () => {
    const error = domainError(() =>
      checkNamedControls({ ...intake, controlIds: ['ctl-1', 'ctl-1'] }, [lock]),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([{ path: 'controlIds', message: 'must not repeat a control' }]);
  });

  it('every control that cannot be lifted is named with its position', () => {
    const foreign = control('ctl-4', 'login_lock', { accountId: 'acct-2' });
    const lifted = control('ctl-5', 'trading_lock', { status: 'lifted' });
    const binding = control('ctl-6', 'device');
    const error = domainError(() =>
      checkNamedControls({ ...intake, controlIds: ['ctl-1', 'ctl-404', 'ctl-4', 'ctl-5', 'ctl-6'] }, [
        lock,
        foreign,
        lifted,
        binding,
      ]),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([
      { path: 'controlIds.1', message: 'ctl-404 is not a control of account acct-1' },
      { path: 'controlIds.2', message: 'ctl-4 is not a control of account acct-1' },
      { path: 'controlIds.3', message: 'ctl-5 is not active' },
      { path: 'controlIds.4', message: 'ctl-6 is a binding; a unfreeze case cannot lift it' },
    ]);
  });

  it('an unbind case cannot name a restriction', () => {
    const error = domainError(() =>
      checkNamedControls({ ...intake, type: 'unbind', controlIds: ['ctl-1'] }, [lock]),
    );
    expect(error.errors).toEqual([
      { path: 'controlIds.0', message: 'ctl-1 is a restriction; a unbind case cannot lift it' },
    ]);
  });

  it('assessIntake rates only the controls the case names', () => {
    const freeze = control('ctl-7', 'account_freeze', { reason: 'court order' });
    const risk = assessIntake({ ...intake, controlIds: ['ctl-2'] }, [login, freeze]);
    expect(risk).toEqual({ tier: 'low', reasons: ['unfreeze case starts at low'] });
    expect(assessIntake({ ...intake, controlIds: ['ctl-2', 'ctl-7'] }, [login, freeze]).tier).toBe(
      'critical',
    );
  });
});

describe('run: one accepted step', () => {
  it('returns the next case and the audit entry of the step', () => {
    const { next, event } = run(claim, newCase(), {}, ctx(agent, T1));
    expect(next.status).toBe('in_review');
    expect(event).toEqual({
      action: 'case.claimed',
      actor: 'u-agent',
      at: T1,
      details: { accountId: 'acct-1', status: 'in_review' },
    });
  });

  it('adds the rule’s own details to the entry', () => {
    const { event } = run(addNote, inReview(), { text: 'called the user' }, ctx(agent, T2));
    expect(event).toEqual({
      action: 'note.added',
      actor: 'u-agent',
      at: T2,
      details: { accountId: 'acct-1', status: 'in_review', noteId: 'note-1', length: 15 },
    });
  });

  it('never changes the case it was given', () => {
    const before = awaitingApproval('high');
    const copy = structuredClone(before);
    run(approve, before, { proposalId: 'prop-1' }, ctx(senior, T2));
    run(addNote, before, { text: 'looked at it' }, ctx(agent, T2));
    expect(before).toEqual(copy);
  });

  it('a refused step throws before anything is applied', () => {
    const c = newCase();
    expect(refusal(addNote, c, { text: 'hello' }, checker).code).toBe('forbidden');
    expect(c.notes).toEqual([]);
    expect(c.revision).toBe(0);
  });

  it('each accepted step raises the revision by one and stamps updatedAt', () => {
    const steps: [string, (c: Case) => Case, string][] = [
      ['claim', (c) => act(claim, c, {}, agent, T1), T1],
      ['note', (c) => act(addNote, c, { text: 'n' }, agent, T1), T1],
      ['escalate', (c) => act(escalate, c, { department: 'security', question: 'q?' }, agent, T1), T1],
      ['propose', (c) => act(propose, c, proposeInput, agent, T2), T2],
      ['approve', (c) => act(approve, c, { proposalId: 'prop-1' }, checker, T2), T2],
      ['lift', (c) => act(completeLift, c, { proposalId: 'prop-1', snapshot: [lock] }, systemActor, T3), T3],
      [
        'signal',
        (c) =>
          act(receiveRiskSignal, c, { signal: 'login.new', severity: 'low', occurredAt: T3 }, riskEngine, T3),
        T3,
      ],
      ['close', (c) => act(closeLifted, c, {}, systemActor, plus(T3, DAY)), plus(T3, DAY)],
    ];
    let c = newCase();
    for (const [index, [name, step, at]] of steps.entries()) {
      c = step(c);
      expect({ name, revision: c.revision, updatedAt: c.updatedAt }).toEqual({
        name,
        revision: index + 1,
        updatedAt: at,
      });
    }
    expect(c).toMatchObject({ status: 'closed', outcome: 'lifted', createdAt: T0 });
  });
});

describe('changesSince: what a record of progress carries', () => {
  it('is the fields a step changed, with the id, account and revision, and merges back to the case', () => {
    const before = newCase();
    const { next } = run(claim, before, {}, ctx(agent, T1));
    const changes = changesSince(before, next);
    expect(Object.keys(changes ?? {}).sort()).toEqual(
      ['accountId', 'assignee', 'firstClaimedAt', 'id', 'revision', 'status', 'step', 'updatedAt'].sort(),
    );
    expect({ ...before, ...changes }).toEqual(next);
  });

  it('leaves out what the step did not touch', () => {
    const before = inReview();
    const { next } = run(addNote, before, { text: 'called the user' }, ctx(agent, T2));
    const changes = changesSince(before, next);
    expect(changes).toHaveProperty('notes', next.notes);
    expect(changes).not.toHaveProperty('proposals');
    expect(changes).not.toHaveProperty('status');
  });

  it('has no answer when a field is gone, which merging could not remove', () => {
    const before = newCase();
    const { linkedTo: _gone, ...after } = before;
    expect(changesSince(before, after as Case)).toBeUndefined();
  });
});

describe('assigning a case', () => {
  it('a senior hands an open case to an agent: in review, assigned, audited with the comment', () => {
    const { next, event } = run(
      assign,
      newCase(),
      { assignee: 'u-agent2', comment: 'Cover.' },
      ctx(lead, T2),
    );
    expect(next).toMatchObject({ status: 'in_review', assignee: 'u-agent2', firstClaimedAt: T2 });
    expect(event).toMatchObject({
      action: 'case.assigned',
      actor: 'u-lead',
      details: { assignee: 'u-agent2', comment: 'Cover.' },
    });
  });

  it('reassigning a claimed case keeps its status and first claim time', () => {
    const c = act(
      assign,
      act(requestInfo, inReview(), { question: 'ID?' }, agent, T2),
      { assignee: 'u-agent2' },
      lead,
      T3,
    );
    expect(c).toMatchObject({ status: 'awaiting_info', assignee: 'u-agent2', firstClaimedAt: T1 });
  });

  it('an agent cannot assign, and no one can assign to the current assignee or on a closed case', () => {
    expect(refusal(assign, inReview(), { assignee: 'u-agent2' }, agent).code).toBe('forbidden');
    expect(refusal(assign, inReview(), { assignee: 'u-agent' }, lead).detail).toBe(
      'the case is already assigned to u-agent',
    );
    const closed = act(resolve, inReview(), { outcome: 'resolved_no_action', summary: 'done' }, agent, T2);
    expect(refusal(assign, closed, { assignee: 'u-agent2' }, lead).code).toBe('invalid_state');
  });

  it.each([
    ['an enabled agent in scope', { enabled: true, roles: ['agent'], businessLines: ['*'] }, undefined],
    ['a disabled agent', { enabled: false, roles: ['agent'], businessLines: ['*'] }, 'u-x is disabled'],
    [
      'a checker',
      { enabled: true, roles: ['checker'], businessLines: ['*'] },
      'u-x does not review cases (case.review)',
    ],
    [
      'an agent of another line',
      { enabled: true, roles: ['agent'], businessLines: ['card'] },
      "business line spot is not in u-x's scopes",
    ],
    ['a senior', { enabled: true, roles: ['senior'], businessLines: ['spot'] }, undefined],
  ] as const)('%s may take a spot case or is told why not', (_who, person, why) => {
    expect(
      assigneeRefusal(
        { id: 'u-x', ...person, roles: [...person.roles], businessLines: [...person.businessLines] },
        'spot',
      ),
    ).toBe(why);
  });
});

describe('a hand-over by the assignment policy', () => {
  const atIntake = {
    assignee: 'u-agent',
    from: null,
    policy: 'round_robin',
    policyVersion: 'v1',
    why: 'intake',
    awayUntil: null,
  } as const;
  const dueOpen = () => ({ ...newCase(), firstResponseDueAt: plus(T0, 4 * HOUR) });

  it('assigns like a senior’s assignment, but is no first response: the time and its deadline wait for a person', () => {
    const policyAssigned = act(assignByPolicy, dueOpen(), atIntake, systemActor, T1);
    const seniorAssigned = act(assign, dueOpen(), { assignee: 'u-agent' }, lead, T1);
    expect(policyAssigned).toEqual({ ...seniorAssigned, firstClaimedAt: null });
    expect(policyAssigned).toMatchObject({ status: 'in_review', assignee: 'u-agent', firstClaimedAt: null });
    expect(owedDeadline(policyAssigned, 'first_response')).toBe(plus(T0, 4 * HOUR));
  });

  it('the assignee’s claim is the first response', () => {
    const policyAssigned = act(assignByPolicy, dueOpen(), atIntake, systemActor, T1);
    const claimed = act(claim, policyAssigned, {}, agent, T2);
    expect(claimed).toMatchObject({ assignee: 'u-agent', firstClaimedAt: T2 });
    expect(owedDeadline(claimed, 'first_response')).toBeUndefined();
  });

  it('a senior’s assignment after it is the first response', () => {
    const policyAssigned = act(assignByPolicy, dueOpen(), atIntake, systemActor, T1);
    expect(act(assign, policyAssigned, { assignee: 'u-agent2' }, lead, T2).firstClaimedAt).toBe(T2);
  });

  it('handing over a claimed case keeps its first response', () => {
    const away = { ...atIntake, from: 'u-agent', assignee: 'u-agent2', why: 'assignee_away' } as const;
    const c = act(assignByPolicy, inReview(), away, systemActor, T2);
    expect(c).toMatchObject({ assignee: 'u-agent2', firstClaimedAt: T1 });
  });

  it('back to the queue, it changes nothing but the assignee', () => {
    const back = { ...atIntake, from: 'u-agent', assignee: null, why: 'assignee_away' } as const;
    const before = inReview();
    expect(act(assignByPolicy, before, back, systemActor, T2)).toMatchObject({
      assignee: null,
      status: before.status,
      firstClaimedAt: T1,
    });
  });

  it('runs replaying from before the change counted it as the first response', () => {
    const c = act(assignByPolicy, dueOpen(), { ...atIntake, countsAsFirstResponse: true }, systemActor, T1);
    expect(c.firstClaimedAt).toBe(T1);
  });
});

describe('claim and release', () => {
  it('claiming an open case puts it in review with the agent as assignee', () => {
    const c = act(claim, newCase(), {}, agent, T1);
    expect(c).toMatchObject({
      status: 'in_review',
      assignee: 'u-agent',
      firstClaimedAt: T1,
      step: 'in review by u-agent',
      revision: 1,
    });
  });

  it('a second agent cannot claim a claimed case', () => {
    const error = refusal(claim, inReview(), {}, agent2);
    expect(error.code).toBe('invalid_state');
    expect(error.detail).toBe('the case is already claimed by u-agent');
  });

  it('claiming again as the assignee keeps the first claim time', () => {
    const c = act(claim, inReview(), {}, agent, T3);
    expect(c).toMatchObject({ assignee: 'u-agent', firstClaimedAt: T1, status: 'in_review' });
  });

  it('claiming after a release keeps the first claim time and the status', () => {
    const released = act(
      release,
      act(requestInfo, inReview(), { question: 'ID?' }, agent, T2),
      {},
      agent,
      T2,
    );
    const c = act(claim, released, {}, agent2, T3);
    expect(c).toMatchObject({ status: 'awaiting_info', assignee: 'u-agent2', firstClaimedAt: T1 });
  });

  it('a checker cannot claim a case', () => {
    expect(refusal(claim, newCase(), {}, checker).code).toBe('forbidden');
  });

  it('an agent cannot claim a case outside their business lines', () => {
    expect(refusal(claim, newCase(), {}, cardAgent).code).toBe('out_of_scope');
  });

  it.each([
    ['executing', () => executing()],
    ['closed', () => act(resolve, inReview(), { outcome: 'resolved_no_action', summary: 'done' }, agent, T2)],
  ])('a case that is %s cannot be claimed', (_status, build) => {
    expect(refusal(claim, build(), {}, agent).code).toBe('invalid_state');
  });

  it('the assignee releases a case: it stays in review, unassigned', () => {
    const c = act(release, inReview(), {}, agent, T2);
    expect(c).toMatchObject({
      status: 'in_review',
      assignee: null,
      step: 'in review, unassigned',
      firstClaimedAt: T1,
    });
  });

  it('another agent cannot release someone else’s case', () => {
    const error = refusal(release, inReview(), {}, agent2);
    expect(error.code).toBe('forbidden');
    expect(error.detail).toBe('only u-agent or a senior may release this case');
  });

  it('a senior may release another’s case through case.release_any', () => {
    const c = act(release, inReview(), {}, lead, T2);
    expect(c.assignee).toBeNull();
    expect(run(release, inReview(), {}, ctx(lead, T2)).event.actor).toBe('u-lead');
  });

  it('an unclaimed case cannot be released', () => {
    const unclaimed = act(release, inReview(), {}, agent, T2);
    expect(refusal(release, unclaimed, {}, agent).detail).toBe('the case is not claimed');
    expect(refusal(release, newCase(), {}, agent).code).toBe('invalid_state');
  });

  it('a checker cannot release a case', () => {
    expect(refusal(release, inReview(), {}, checker).code).toBe('forbidden');
  });
});

describe('notes', () => {
  it('notes are numbered and record who and when', () => {
    let c = act(addNote, inReview(), { text: 'first' }, agent, T1);
    c = act(addNote, c, { text: 'second' }, agent2, T2);
    expect(c.notes).toEqual([
      { id: 'note-1', text: 'first', by: 'u-agent', at: T1 },
      { id: 'note-2', text: 'second', by: 'u-agent2', at: T2 },
    ]);
    expect(c.status).toBe('in_review');
  });

  it('an agent who is not the assignee may add a note', () => {
    expect(act(addNote, inReview(), { text: 'fyi' }, agent2).notes).toHaveLength(1);
  });

  it('a note may be added to an open, unclaimed case', () => {
    expect(act(addNote, newCase(), { text: 'fyi' }, agent).status).toBe('open');
  });

  it('a closed case takes no notes', () => {
    const closed = act(resolve, inReview(), { outcome: 'withdrawn', summary: 'user withdrew' }, agent, T2);
    expect(refusal(addNote, closed, { text: 'late' }, agent).code).toBe('invalid_state');
  });

  it('an auditor cannot add notes', () => {
    expect(refusal(addNote, inReview(), { text: 'x' }, auditor).code).toBe('forbidden');
  });
});

describe('information requests', () => {
  const asked = () => act(requestInfo, inReview(), { question: 'Send a photo ID' }, agent, T1);

  it('asking the user waits for the answer until the policy deadline', () => {
    const c = asked();
    const dueAt = plus(T1, 72 * HOUR);
    expect(c.status).toBe('awaiting_info');
    expect(c.infoRequests).toEqual([
      {
        id: 'info-1',
        question: 'Send a photo ID',
        requestedBy: 'u-agent',
        requestedAt: T1,
        dueAt,
        status: 'open',
        answer: null,
        answeredBy: null,
        answeredVia: null,
      },
    ]);
    expect(c.step).toBe(`waiting for the user's answer until ${dueAt}`);
    expect(run(requestInfo, inReview(), { question: 'q' }, ctx(agent, T1)).event.details).toMatchObject({
      infoRequestId: 'info-1',
      dueAt,
    });
  });

  it('only the assignee may ask the user', () => {
    expect(refusal(requestInfo, inReview(), { question: 'q' }, agent2).detail).toBe(
      'only the assignee (u-agent) may ask the user for information',
    );
  });

  it('an unclaimed case must be claimed before asking the user', () => {
    const unclaimed = act(release, inReview(), {}, agent);
    expect(refusal(requestInfo, unclaimed, { question: 'q' }, agent).detail).toBe(
      'claim the case before you ask the user for information',
    );
  });

  it.each([
    ['open', () => newCase()],
    ['awaiting_info', () => asked()],
    ['awaiting_approval', () => awaitingApproval()],
  ])('the user cannot be asked while the case is %s', (status, build) => {
    const error = refusal(requestInfo, build(), { question: 'q' }, agent);
    expect(error.code).toBe('invalid_state');
    expect(error.detail).toBe(`cannot ask the user for information while the case is ${status}`);
  });

  it('the answer puts the case back in review', () => {
    const c = act(respondInfo, asked(), { answer: 'photo attached' }, agent, T2);
    expect(c.status).toBe('in_review');
    expect(c.infoRequests[0]).toMatchObject({
      status: 'answered',
      answer: 'photo attached',
      answeredBy: 'u-agent',
      answeredVia: 'phone',
    });
    expect(c.step).toBe('in review by u-agent');
  });

  it('an agent records how the user answered when it was not by phone', () => {
    const c = act(respondInfo, asked(), { answer: 'photo attached', via: 'ticket' }, agent, T2);
    expect(c.infoRequests[0]).toMatchObject({ answeredBy: 'u-agent', answeredVia: 'ticket' });
  });

  it('the account owner’s answer through the respond link is recorded as theirs', () => {
    const { next, event } = run(
      answerAsOwner,
      asked(),
      { infoRequestId: 'info-1', answer: 'here is my photo' },
      ctx(accountOwnerActor, T2),
    );
    expect(next.status).toBe('in_review');
    expect(next.infoRequests[0]).toMatchObject({
      status: 'answered',
      answer: 'here is my photo',
      answeredBy: 'account_owner',
      answeredVia: 'respond_link',
    });
    expect(event).toMatchObject({
      actor: 'account_owner',
      action: 'info.answered',
      details: { infoRequestId: 'info-1', answeredBy: 'account_owner', via: 'respond_link' },
    });
  });

  it('the account owner cannot answer a request that is no longer open', () => {
    const answered = act(respondInfo, asked(), { answer: 'by phone' }, agent, T2);
    expect(
      refusal(answerAsOwner, answered, { infoRequestId: 'info-1', answer: 'late' }, accountOwnerActor).code,
    ).toBe('invalid_state');
    expect(
      refusal(answerAsOwner, asked(), { infoRequestId: 'info-9', answer: 'wrong one' }, accountOwnerActor)
        .detail,
    ).toBe('information request info-9 is not open');
  });

  it('an answer with no question outstanding is refused', () => {
    expect(refusal(respondInfo, inReview(), { answer: 'x' }, agent).code).toBe('invalid_state');
  });

  it('a second request after an answer is numbered info-2', () => {
    const answered = act(respondInfo, asked(), { answer: 'a' }, agent, T2);
    const again = act(requestInfo, answered, { question: 'and a selfie' }, agent, T3);
    expect(again.infoRequests.map((r) => [r.id, r.status])).toEqual([
      ['info-1', 'answered'],
      ['info-2', 'open'],
    ]);
  });

  it('an unanswered request expires and closes the case as expired', () => {
    const due = plus(T1, 72 * HOUR);
    const c = act(expireInfoRequest, asked(), { infoRequestId: 'info-1' }, systemActor, due);
    expect(c).toMatchObject({
      status: 'closed',
      outcome: 'expired',
      closedAt: due,
      step: 'closed as expired',
    });
    expect(c.infoRequests[0]?.status).toBe('expired');
  });

  it('an answered request does not expire', () => {
    const answered = act(respondInfo, asked(), { answer: 'a' }, agent, T2);
    expect(refusal(expireInfoRequest, answered, { infoRequestId: 'info-1' }, systemActor).code).toBe(
      'invalid_state',
    );
  });

  it('expiring a request that is not the open one is refused', () => {
    const error = refusal(expireInfoRequest, asked(), { infoRequestId: 'info-9' }, systemActor);
    expect(error.code).toBe('invalid_state');
    expect(error.detail).toBe('information request info-9 is not open');
  });
});

describe('escalations', () => {
  const escalated = () =>
    act(escalate, inReview(), { department: 'security', question: 'Is this device known?' }, agent, T1);

  it('an escalation is due after the default SLA and leaves the status alone', () => {
    const c = escalated();
    expect(c.status).toBe('in_review');
    expect(c.escalations).toEqual([
      {
        id: 'esc-1',
        department: 'security',
        question: 'Is this device known?',
        requestedBy: 'u-agent',
        requestedAt: T1,
        dueAt: plus(T1, 4 * HOUR),
        status: 'open',
        reminded: false,
        breached: false,
        answer: null,
        answeredBy: null,
        answeredAt: null,
      },
    ]);
  });

  it.each([
    ['compliance', undefined, 8 * HOUR],
    ['legal', undefined, 24 * HOUR],
    ['technical', undefined, 4 * HOUR],
    ['legal', 30, 30 * 60_000],
  ] as const)('an escalation to %s with slaMinutes %s is due after its SLA', (department, slaMinutes, ms) => {
    const input =
      slaMinutes === undefined ? { department, question: 'q' } : { department, question: 'q', slaMinutes };
    expect(act(escalate, inReview(), input, agent, T1).escalations[0]?.dueAt).toBe(plus(T1, ms));
  });

  it('several escalations can be open at once, beside any status', () => {
    let c = act(escalate, awaitingApproval(), { department: 'security', question: 'a' }, agent, T2);
    c = act(escalate, c, { department: 'legal', question: 'b' }, agent2, T2);
    expect(c.status).toBe('awaiting_approval');
    expect(c.escalations.map((e) => [e.id, e.department, e.status])).toEqual([
      ['esc-1', 'security', 'open'],
      ['esc-2', 'legal', 'open'],
    ]);
  });

  it('a checker cannot escalate', () => {
    expect(refusal(escalate, inReview(), { department: 'security', question: 'q' }, checker).code).toBe(
      'forbidden',
    );
  });

  it('a closed case cannot be escalated', () => {
    const closed = act(resolve, inReview(), { outcome: 'resolved_no_action', summary: 's' }, agent, T2);
    expect(refusal(escalate, closed, { department: 'security', question: 'q' }, agent).code).toBe(
      'invalid_state',
    );
  });

  it('the reminder marks the escalation reminded and keeps it open', () => {
    const c = act(remindEscalation, escalated(), { escalationId: 'esc-1' }, systemActor, plus(T1, 2 * HOUR));
    expect(c.escalations[0]).toMatchObject({ status: 'open', reminded: true, breached: false });
    expect(c.slaBreached).toBe(false);
  });

  it('a breach flags the case and the escalation, which stays open, and the case stays in review', () => {
    const c = act(breachEscalation, escalated(), { escalationId: 'esc-1' }, systemActor, plus(T1, 4 * HOUR));
    expect(c.slaBreached).toBe(true);
    expect(c.status).toBe('in_review');
    expect(c.escalations[0]).toMatchObject({ status: 'open', breached: true });
  });

  it('a breached escalation can still be answered, and the case stays flagged', () => {
    const breached = act(breachEscalation, escalated(), { escalationId: 'esc-1' }, systemActor, T2);
    const c = act(
      answerEscalation,
      breached,
      { escalationId: 'esc-1', answer: 'late but known' },
      security,
      T3,
    );
    expect(c.escalations[0]).toMatchObject({ status: 'answered', breached: true });
    expect(c.slaBreached).toBe(true);
  });

  it('a member of the department answers the escalation', () => {
    const c = act(
      answerEscalation,
      escalated(),
      { escalationId: 'esc-1', answer: 'Known device' },
      security,
      T2,
    );
    expect(c.escalations[0]).toMatchObject({
      status: 'answered',
      answer: 'Known device',
      answeredBy: 'u-security',
      answeredAt: T2,
    });
    expect(c.status).toBe('in_review');
  });

  it('a member of another department cannot answer', () => {
    const error = refusal(answerEscalation, escalated(), { escalationId: 'esc-1', answer: 'x' }, legalDept);
    expect(error.code).toBe('forbidden');
    expect(error.detail).toBe('only members of security may answer esc-1');
  });

  it('an agent cannot answer an escalation', () => {
    expect(refusal(answerEscalation, escalated(), { escalationId: 'esc-1', answer: 'x' }, agent).code).toBe(
      'forbidden',
    );
  });

  it('a department member outside the case’s business line cannot answer', () => {
    const cardSecurity = actor('u-card-sec', ['department'], {
      departments: ['security'],
      businessLines: ['card'],
    });
    expect(
      refusal(answerEscalation, escalated(), { escalationId: 'esc-1', answer: 'x' }, cardSecurity).code,
    ).toBe('out_of_scope');
  });

  it('an escalation answered twice answers already_decided', () => {
    const answered = act(answerEscalation, escalated(), { escalationId: 'esc-1', answer: 'a' }, security, T2);
    const error = refusal(answerEscalation, answered, { escalationId: 'esc-1', answer: 'b' }, security);
    expect(error.code).toBe('already_decided');
    expect(error.detail).toBe('esc-1 is already answered');
  });

  it.each([
    ['reminded', remindEscalation],
    ['breached', breachEscalation],
  ] as const)('an answered escalation is not %s', (_what, rule) => {
    const answered = act(answerEscalation, escalated(), { escalationId: 'esc-1', answer: 'a' }, security, T2);
    expect(refusal(rule, answered, { escalationId: 'esc-1' }, systemActor).code).toBe('invalid_state');
  });

  it('an unknown escalation is not found', () => {
    expect(
      refusal(answerEscalation, escalated(), { escalationId: 'esc-9', answer: 'a' }, security).code,
    ).toBe('not_found');
    expect(refusal(remindEscalation, escalated(), { escalationId: 'esc-9' }, systemActor).code).toBe(
      'not_found',
    );
    expect(domainError(() => findEscalation(escalated(), 'esc-9')).detail).toBe(
      'case case-1 has no escalation esc-9',
    );
  });

  it('an escalation on a case closed meanwhile cannot be answered', () => {
    const closed = act(resolve, escalated(), { outcome: 'resolved_no_action', summary: 's' }, agent, T2);
    expect(refusal(answerEscalation, closed, { escalationId: 'esc-1', answer: 'a' }, security).code).toBe(
      'invalid_state',
    );
  });
});

describe('proposals', () => {
  it('the assignee proposes a lift; the quorum comes from the tier', () => {
    const c = act(
      propose,
      inReview('low'),
      { ...proposeInput, evidence: [{ kind: 'video_call_id', ref: 'call-recording-1' }] },
      agent,
      T2,
    );
    expect(c.status).toBe('awaiting_approval');
    expect(c.proposals).toEqual([
      {
        id: 'prop-1',
        controlIds: ['ctl-1', 'ctl-2'],
        controlVersions: { 'ctl-1': 3, 'ctl-2': 1 },
        reasonCode: 'verified_owner',
        justification: 'Identity verified on a video call.',
        evidence: [{ kind: 'video_call_id', ref: 'call-recording-1' }],
        maker: 'u-agent',
        requiredApprovals: 1,
        requiredRole: null,
        requiredRoles: [],
        approvals: [],
        rejection: null,
        status: 'pending',
        createdAt: T2,
        expiresAt: plus(T2, 24 * HOUR),
        decidedAt: null,
        offer: null,
      },
    ]);
    expect(c.step).toBe('waiting for 1 more approval of prop-1');
  });

  it.each([
    ['low', 1, null, 'waiting for 1 more approval of prop-1'],
    ['medium', 1, null, 'waiting for 1 more approval of prop-1'],
    ['high', 2, 'senior', 'waiting for 2 more approvals (one senior) of prop-1'],
    ['critical', 2, 'compliance', 'waiting for 2 more approvals (one compliance) of prop-1'],
  ] as const)('a %s proposal needs %i approval(s), role %s', (tier, approvals, role, step) => {
    const c = awaitingApproval(tier);
    expect(c.proposals[0]).toMatchObject({ requiredApprovals: approvals, requiredRole: role });
    expect(c.step).toBe(step);
  });

  it('the audit entry names the proposal, its controls and the quorum', () => {
    const { event } = run(propose, inReview('high'), proposeInput, ctx(agent, T2));
    expect(event.details).toEqual({
      accountId: 'acct-1',
      status: 'awaiting_approval',
      proposalId: 'prop-1',
      controlIds: ['ctl-1', 'ctl-2'],
      reasonCode: 'verified_owner',
      requiredApprovals: 2,
    });
  });

  it('evidence defaults to none, and versions to none when the registry was not read', () => {
    const { controls: _unused, ...withoutControls } = proposeInput;
    const c = act(propose, inReview(), withoutControls, agent);
    expect(c.proposals[0]).toMatchObject({ evidence: [], controlVersions: {} });
  });

  it('only the assignee may propose', () => {
    const error = refusal(propose, inReview(), proposeInput, agent2);
    expect(error.code).toBe('invalid_state');
    expect(error.detail).toBe('only the assignee (u-agent) may propose a lift');
  });

  it('an unclaimed case cannot get a proposal', () => {
    expect(refusal(propose, newCase(), proposeInput, agent).code).toBe('invalid_state');
    const released = act(release, inReview(), {}, agent);
    expect(refusal(propose, released, proposeInput, agent).detail).toBe(
      'claim the case before you propose a lift',
    );
  });

  it('a checker cannot propose', () => {
    expect(refusal(propose, inReview(), proposeInput, checker).code).toBe('forbidden');
  });

  it('a second proposal cannot be made while one is pending', () => {
    expect(refusal(propose, awaitingApproval(), proposeInput, agent).code).toBe('invalid_state');
  });

  it('a proposal may only name the case’s own controls', () => {
    const error = refusal(
      propose,
      inReview(),
      { ...proposeInput, controlIds: ['ctl-1', 'ctl-9', 'ctl-8'] },
      agent,
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([
      { path: 'controlIds', message: "ctl-9 is not one of this case's controls" },
      { path: 'controlIds', message: "ctl-8 is not one of this case's controls" },
    ]);
  });

  it('a control no longer active refuses the proposal with controls_changed', () => {
    const liftedLock = { ...lock, status: 'lifted' as const, version: 4 };
    const error = refusal(propose, inReview(), { ...proposeInput, controls: [liftedLock, login] }, agent);
    expect(error.code).toBe('controls_changed');
    expect(error.detail).toBe('not active any more: ctl-1');
  });

  it('a control missing from the registry refuses the proposal with controls_changed', () => {
    const error = refusal(propose, inReview(), { ...proposeInput, controls: [login] }, agent);
    expect(error.code).toBe('controls_changed');
    expect(error.detail).toBe('not active any more: ctl-1');
  });

  it('a proposal may name a subset of the case’s controls', () => {
    const c = act(propose, inReview(), { ...proposeInput, controlIds: ['ctl-2'], controls: [login] }, agent);
    expect(c.proposals[0]).toMatchObject({ controlIds: ['ctl-2'], controlVersions: { 'ctl-2': 1 } });
  });
});

describe('approvals', () => {
  it('one checker completes a low proposal: the case starts executing', () => {
    const c = act(
      approve,
      awaitingApproval('low'),
      { proposalId: 'prop-1', comment: 'looks right' },
      checker,
      T2,
    );
    expect(c.status).toBe('executing');
    expect(c.step).toBe('lifting the approved controls');
    expect(c.proposals[0]).toMatchObject({
      status: 'approved',
      decidedAt: T2,
      approvals: [{ by: 'u-checker', at: T2, comment: 'looks right', countsAs: null }],
    });
  });

  it('the audit entry says whether the quorum was reached', () => {
    const first = run(approve, awaitingApproval('high'), { proposalId: 'prop-1' }, ctx(senior, T2));
    expect(first.event.details).toEqual({
      accountId: 'acct-1',
      status: 'awaiting_approval',
      proposalId: 'prop-1',
      approvals: 1,
      countsAs: 'senior',
      quorumReached: false,
    });
    const second = run(approve, first.next, { proposalId: 'prop-1' }, ctx(checker, T2));
    expect(second.event.details).toEqual({
      accountId: 'acct-1',
      status: 'executing',
      proposalId: 'prop-1',
      approvals: 2,
      countsAs: null,
      quorumReached: true,
    });
  });

  it('a high proposal waits for its senior after a plain checker', () => {
    const c = act(approve, awaitingApproval('high'), { proposalId: 'prop-1' }, checker, T2);
    expect(c.status).toBe('awaiting_approval');
    expect(c.proposals[0]).toMatchObject({ status: 'pending', decidedAt: null });
    expect(c.step).toBe('waiting for 1 more approval (one senior) of prop-1');
    const error = refusal(approve, c, { proposalId: 'prop-1' }, checker2);
    expect(error.code).toBe('forbidden');
    const done = act(approve, c, { proposalId: 'prop-1' }, senior, T3);
    expect(done.status).toBe('executing');
    expect(done.proposals[0]?.approvals.map((a) => [a.by, a.countsAs])).toEqual([
      ['u-checker', null],
      ['u-senior', 'senior'],
    ]);
  });

  it('once the senior has approved, the step no longer asks for a senior', () => {
    const c = act(approve, awaitingApproval('high'), { proposalId: 'prop-1' }, senior, T2);
    expect(c.step).toBe('waiting for 1 more approval of prop-1');
    expect(act(approve, c, { proposalId: 'prop-1' }, checker, T3).status).toBe('executing');
  });

  it('a critical proposal needs compliance', () => {
    const c = act(approve, awaitingApproval('critical'), { proposalId: 'prop-1' }, senior, T2);
    expect(refusal(approve, c, { proposalId: 'prop-1' }, checker).code).toBe('forbidden');
    const done = act(approve, c, { proposalId: 'prop-1' }, compliance, T3);
    expect(done.status).toBe('executing');
    expect(done.proposals[0]?.approvals.at(-1)?.countsAs).toBe('compliance');
  });

  it('a maker cannot approve their own proposal', () => {
    const makerChecker = actor('u-maker', ['agent', 'checker']);
    const proposed = act(propose, act(claim, newCase(), {}, makerChecker), proposeInput, makerChecker);
    const error = refusal(approve, proposed, { proposalId: 'prop-1' }, makerChecker);
    expect(error.code).toBe('separation_of_duties');
  });

  it('the creator of a case cannot approve its proposals', () => {
    const error = refusal(approve, awaitingApproval(), { proposalId: 'prop-1' }, creator);
    expect(error.code).toBe('separation_of_duties');
    expect(error.detail).toBe('the creator of a case cannot approve its proposals');
  });

  it('the same checker cannot approve twice', () => {
    const once = act(approve, awaitingApproval('high'), { proposalId: 'prop-1' }, senior, T2);
    expect(refusal(approve, once, { proposalId: 'prop-1' }, senior).code).toBe('separation_of_duties');
  });

  it('an approved proposal takes no more approvals', () => {
    expect(refusal(approve, executing(), { proposalId: 'prop-1' }, checker2).code).toBe('already_decided');
  });

  it('an agent cannot approve', () => {
    expect(refusal(approve, awaitingApproval(), { proposalId: 'prop-1' }, agent2).code).toBe('forbidden');
  });

  it('a checker outside the business line cannot approve', () => {
    expect(refusal(approve, awaitingApproval(), { proposalId: 'prop-1' }, cardChecker).code).toBe(
      'out_of_scope',
    );
  });

  it('a senior without the checker role cannot approve', () => {
    expect(refusal(approve, awaitingApproval('high'), { proposalId: 'prop-1' }, lead).code).toBe('forbidden');
  });

  it('an unknown proposal is not found', () => {
    expect(refusal(approve, awaitingApproval(), { proposalId: 'prop-9' }, checker).code).toBe('not_found');
    expect(domainError(() => findProposal(awaitingApproval(), 'prop-9')).detail).toBe(
      'case case-1 has no proposal prop-9',
    );
  });
});

describe('rejection, expiry and voiding', () => {
  it('a rejection sends the case back to review and records who, when and why', () => {
    const c = act(
      reject,
      awaitingApproval(),
      { proposalId: 'prop-1', comment: 'ID does not match' },
      checker,
      T2,
    );
    expect(c.status).toBe('in_review');
    expect(c.step).toBe('in review by u-agent');
    expect(c.proposals[0]).toMatchObject({
      status: 'rejected',
      decidedAt: T2,
      rejection: { by: 'u-checker', at: T2, comment: 'ID does not match' },
    });
    expect(pendingProposal(c)).toBeUndefined();
  });

  it('after a rejection the maker may propose again', () => {
    const rejected = act(reject, awaitingApproval(), { proposalId: 'prop-1', comment: 'no' }, checker, T2);
    const again = act(propose, rejected, proposeInput, agent, T3);
    expect(again.proposals.map((p) => [p.id, p.status])).toEqual([
      ['prop-1', 'rejected'],
      ['prop-2', 'pending'],
    ]);
    expect(pendingProposal(again)?.id).toBe('prop-2');
  });

  it('a maker cannot reject their own proposal', () => {
    const makerChecker = actor('u-maker', ['agent', 'checker']);
    const proposed = act(propose, act(claim, newCase(), {}, makerChecker), proposeInput, makerChecker);
    expect(refusal(reject, proposed, { proposalId: 'prop-1', comment: 'x' }, makerChecker).code).toBe(
      'separation_of_duties',
    );
  });

  it('a decided proposal cannot be rejected', () => {
    expect(refusal(reject, executing(), { proposalId: 'prop-1', comment: 'x' }, checker2).code).toBe(
      'already_decided',
    );
  });

  it('an agent cannot reject', () => {
    expect(refusal(reject, awaitingApproval(), { proposalId: 'prop-1', comment: 'x' }, agent2).code).toBe(
      'forbidden',
    );
  });

  it('a pending proposal expires back to review', () => {
    const at = plus(T1, 24 * HOUR);
    const c = act(expireProposal, awaitingApproval(), { proposalId: 'prop-1' }, systemActor, at);
    expect(c.status).toBe('in_review');
    expect(c.proposals[0]).toMatchObject({ status: 'expired', decidedAt: at });
  });

  it('a half-approved proposal expires too', () => {
    const half = act(approve, awaitingApproval('high'), { proposalId: 'prop-1' }, checker, T2);
    expect(act(expireProposal, half, { proposalId: 'prop-1' }, systemActor).proposals[0]?.status).toBe(
      'expired',
    );
  });

  it('a decided proposal does not expire', () => {
    expect(refusal(expireProposal, executing(), { proposalId: 'prop-1' }, systemActor).code).toBe(
      'already_decided',
    );
  });

  it.each([
    ['pending', () => awaitingApproval()],
    ['approved', () => executing()],
  ])('a %s proposal whose controls changed is voided, back to review', (_status, build) => {
    const changes = [{ id: 'ctl-1', expectedVersion: 3, actual: { status: 'lifted' as const, version: 4 } }];
    const { next, event } = run(
      voidProposal,
      build(),
      { proposalId: 'prop-1', changes },
      ctx(systemActor, T3),
    );
    expect(next.status).toBe('in_review');
    expect(next.revertRequest).toBeNull();
    expect(next.proposals[0]).toMatchObject({ status: 'voided', decidedAt: T3 });
    expect(event.details).toMatchObject({ proposalId: 'prop-1', changes });
  });

  it('voiding clears a revert asked for while executing', () => {
    const asked = act(requestRevert, executing(), { reason: 'second thoughts' }, compliance, T2);
    expect(asked.revertRequest).not.toBeNull();
    expect(
      act(voidProposal, asked, { proposalId: 'prop-1', changes: [] }, systemActor, T3).revertRequest,
    ).toBeNull();
  });

  it('a rejected proposal cannot be voided', () => {
    const rejected = act(reject, awaitingApproval(), { proposalId: 'prop-1', comment: 'no' }, checker, T2);
    expect(refusal(voidProposal, rejected, { proposalId: 'prop-1', changes: [] }, systemActor).code).toBe(
      'already_decided',
    );
  });
});

describe('lifting and monitoring', () => {
  const windows: Record<RiskTier, number> = {
    low: 24 * HOUR,
    medium: 72 * HOUR,
    high: 7 * DAY,
    critical: 14 * DAY,
  };

  it.each(RiskTierSchema.options)('a %s lift is watched for the policy window of its tier', (tier) => {
    const c = monitoring(tier);
    const until = plus(T3, windows[tier]);
    expect(c.status).toBe('monitoring');
    expect(c.lifts).toEqual([
      {
        id: 'lift-1',
        proposalId: 'prop-1',
        status: 'monitoring',
        liftedAt: T3,
        snapshot: [lock, login],
        monitoringUntil: until,
        coolingOff: null,
        revert: null,
      },
    ]);
    expect(c.step).toBe(`watching the account until ${until}`);
    expect(currentLift(c)?.id).toBe('lift-1');
  });

  it('the audit entry lists the lifted controls and their versions', () => {
    const { event } = run(
      completeLift,
      executing(),
      { proposalId: 'prop-1', snapshot: [lock, login] },
      ctx(systemActor, T3),
    );
    expect(event.details).toMatchObject({
      proposalId: 'prop-1',
      liftId: 'lift-1',
      controls: [
        { id: 'ctl-1', kind: 'withdrawal_lock', version: 3 },
        { id: 'ctl-2', kind: 'login_lock', version: 1 },
      ],
      monitoringUntil: plus(T3, 24 * HOUR),
    });
  });

  it('a lift is only recorded for an executing case', () => {
    expect(
      refusal(completeLift, awaitingApproval(), { proposalId: 'prop-1', snapshot: [] }, systemActor).code,
    ).toBe('invalid_state');
  });

  it('monitoring ends by closing the case as lifted', () => {
    const end = plus(T3, 24 * HOUR);
    const c = act(closeLifted, monitoring(), {}, systemActor, end);
    expect(c).toMatchObject({ status: 'closed', outcome: 'lifted', closedAt: end, step: 'closed as lifted' });
    expect(c.lifts[0]?.status).toBe('settled');
    expect(currentLift(c)).toBeUndefined();
  });

  it('a case with a revert under way is not closed as lifted', () => {
    const asked = act(requestRevert, monitoring(), { reason: 'r' }, compliance, T3);
    const error = refusal(closeLifted, asked, {}, systemActor);
    expect(error.code).toBe('invalid_state');
    expect(error.detail).toBe('a revert is under way');
  });

  it('only a monitored case closes as lifted', () => {
    expect(refusal(closeLifted, executing(), {}, systemActor).code).toBe('invalid_state');
  });
});

describe('cooling-off after an unbind', () => {
  const withdrawalLock: Control = control('ctl-cool', 'withdrawal_lock');

  it('puts a withdrawal lock on for the policy period, once', () => {
    const c = act(
      startCoolingOff,
      monitoring(),
      { liftId: 'lift-1', control: withdrawalLock },
      systemActor,
      T3,
    );
    expect(c.lifts[0]?.coolingOff).toEqual({
      controlId: 'ctl-cool',
      until: plus(T3, 24 * HOUR),
      status: 'active',
    });
    expect(refusal(startCoolingOff, c, { liftId: 'lift-1', control: withdrawalLock }, systemActor).code).toBe(
      'invalid_state',
    );
  });

  it.each([
    [true, 'lifted'],
    [false, 'kept'],
  ] as const)('ending it with lifted=%s leaves the lock %s', (lifted, status) => {
    const cooling = act(
      startCoolingOff,
      monitoring(),
      { liftId: 'lift-1', control: withdrawalLock },
      systemActor,
      T3,
    );
    const c = act(endCoolingOff, cooling, { liftId: 'lift-1', lifted }, systemActor, plus(T3, DAY));
    expect(c.lifts[0]?.coolingOff?.status).toBe(status);
    expect(refusal(endCoolingOff, c, { liftId: 'lift-1', lifted }, systemActor).code).toBe('invalid_state');
  });

  it('ending a cooling-off that never started is refused', () => {
    expect(refusal(endCoolingOff, monitoring(), { liftId: 'lift-1', lifted: true }, systemActor).code).toBe(
      'invalid_state',
    );
  });

  it('an unknown lift is not found', () => {
    expect(
      refusal(startCoolingOff, monitoring(), { liftId: 'lift-9', control: withdrawalLock }, systemActor).code,
    ).toBe('not_found');
  });
});

describe('risk signals', () => {
  const signal = (severity: 'low' | 'medium' | 'high' | 'critical') => ({
    signal: 'login.anomaly',
    severity,
    occurredAt: T2,
  });

  it.each(['high', 'critical'] as const)('a %s signal while monitoring asks for a revert', (severity) => {
    const c = act(receiveRiskSignal, monitoring(), signal(severity), riskEngine, T3);
    expect(c.riskSignals).toEqual([
      { signal: 'login.anomaly', severity, occurredAt: T2, receivedAt: T3, actedOn: true },
    ]);
    expect(c.revertRequest).toEqual({
      requestedBy: 'u-risk',
      reason: `risk signal login.anomaly (${severity})`,
      requestedAt: T3,
    });
    expect(c.status).toBe('monitoring');
  });

  it.each(['low', 'medium'] as const)(
    'a %s signal while monitoring is recorded and does nothing else',
    (severity) => {
      const c = act(receiveRiskSignal, monitoring(), signal(severity), riskEngine, T3);
      expect(c.riskSignals).toEqual([
        { signal: 'login.anomaly', severity, occurredAt: T2, receivedAt: T3, actedOn: false },
      ]);
      expect(c.revertRequest).toBeNull();
    },
  );

  it('a high signal while executing asks for a revert', () => {
    expect(act(receiveRiskSignal, executing(), signal('high'), riskEngine, T3).revertRequest).not.toBeNull();
  });

  it.each([
    ['in review', () => inReview()],
    ['awaiting approval', () => awaitingApproval()],
    ['closed', () => act(closeLifted, monitoring(), {}, systemActor, plus(T3, DAY))],
  ])('a high signal on a case %s is recorded but nothing to revert', (_what, build) => {
    const c = act(receiveRiskSignal, build(), signal('high'), riskEngine, plus(T3, 2 * DAY));
    expect(c.riskSignals.at(-1)?.actedOn).toBe(false);
    expect(c.revertRequest).toBeNull();
  });

  it('a second high signal keeps the first revert request and is not acted on', () => {
    const first = act(receiveRiskSignal, monitoring(), signal('high'), riskEngine, T3);
    const second = act(
      receiveRiskSignal,
      first,
      { ...signal('critical'), signal: 'withdrawal.new_address' },
      riskEngine,
      plus(T3, HOUR),
    );
    expect(second.riskSignals.map((s) => s.actedOn)).toEqual([true, false]);
    expect(second.revertRequest?.reason).toBe('risk signal login.anomaly (high)');
  });

  it('the audit entry says whether the signal was acted on', () => {
    const { event } = run(receiveRiskSignal, monitoring(), signal('critical'), ctx(riskEngine, T3));
    expect(event.details).toMatchObject({ signal: 'login.anomaly', severity: 'critical', actedOn: true });
  });
});

describe('reverts', () => {
  it.each([
    ['compliance', compliance],
    ['a senior', lead],
  ])('%s may ask for a revert while monitoring', (_who, who) => {
    const c = act(requestRevert, monitoring(), { reason: 'the user reports a new login' }, who, T3);
    expect(c.revertRequest).toEqual({
      requestedBy: who.id,
      reason: 'the user reports a new login',
      requestedAt: T3,
    });
    expect(c.status).toBe('monitoring');
  });

  it.each([
    ['an agent', agent],
    ['a checker', checker],
    ['an auditor', auditor],
    ['the risk engine', riskEngine],
  ])('%s cannot ask for a revert', (_who, who) => {
    expect(refusal(requestRevert, monitoring(), { reason: 'r' }, who).code).toBe('forbidden');
  });

  it('a revert cannot be asked for a case with no lift', () => {
    expect(refusal(requestRevert, inReview(), { reason: 'r' }, compliance).code).toBe('invalid_state');
  });

  it('a second revert request answers already_decided', () => {
    const asked = act(requestRevert, monitoring(), { reason: 'r' }, compliance, T3);
    expect(refusal(requestRevert, asked, { reason: 'again' }, lead).code).toBe('already_decided');
  });

  it('a completed revert reopens the case as reverted and records the compensation', () => {
    const asked = act(
      requestRevert,
      monitoring(),
      { reason: 'the user reports a new login' },
      compliance,
      T3,
    );
    const done = plus(T3, HOUR);
    const c = act(
      completeRevert,
      asked,
      { reapplied: [lock, login], withdrawalLockId: 'ctl-wl' },
      systemActor,
      done,
    );
    expect(c).toMatchObject({
      status: 'reverted',
      revertRequest: null,
      step: 'lift reverted; waiting for review',
    });
    expect(c.lifts[0]).toMatchObject({
      status: 'reverted',
      revert: {
        requestedBy: 'u-compliance',
        reason: 'the user reports a new login',
        requestedAt: T3,
        completedAt: done,
        withdrawalLockId: 'ctl-wl',
      },
    });
    expect(currentLift(c)).toBeUndefined();
  });

  it('a risk signal’s revert request completes the same way', () => {
    const flagged = act(
      receiveRiskSignal,
      monitoring(),
      { signal: 'x', severity: 'high', occurredAt: T3 },
      riskEngine,
      T3,
    );
    const c = act(completeRevert, flagged, { reapplied: [lock], withdrawalLockId: null }, systemActor, T3);
    expect(c.status).toBe('reverted');
    expect(c.lifts[0]?.revert?.requestedBy).toBe('u-risk');
  });

  it('a revert nobody asked for is not completed', () => {
    const error = refusal(
      completeRevert,
      monitoring(),
      { reapplied: [], withdrawalLockId: null },
      systemActor,
    );
    expect(error.code).toBe('invalid_state');
    expect(error.detail).toBe('no revert was requested');
  });

  it('a reverted case may be claimed and get a new proposal', () => {
    const c = act(propose, reverted(), proposeInput, agent, plus(T3, DAY));
    expect(c.status).toBe('awaiting_approval');
    expect(pendingProposal(c)?.id).toBe('prop-2');
    expect(act(claim, reverted(), {}, agent).status).toBe('reverted');
  });
});

describe('resolving a case', () => {
  it('the assignee closes the case with an outcome and a summary', () => {
    const c = act(
      resolve,
      inReview(),
      { outcome: 'resolved_no_action', summary: 'explained the lock' },
      agent,
      T2,
    );
    expect(c).toMatchObject({
      status: 'closed',
      outcome: 'resolved_no_action',
      closedAt: T2,
      resolution: { by: 'u-agent', summary: 'explained the lock' },
      step: 'closed as resolved_no_action',
    });
  });

  it('only the assignee may resolve', () => {
    const error = refusal(resolve, inReview(), { outcome: 'rejected', summary: 's' }, agent2);
    expect(error.code).toBe('invalid_state');
    expect(error.detail).toBe('only the assignee (u-agent) may resolve the case');
  });

  it('a pending proposal is withdrawn when the case is resolved', () => {
    const c = act(resolve, awaitingApproval(), { outcome: 'withdrawn', summary: 'user withdrew' }, agent, T3);
    expect(c.proposals[0]).toMatchObject({ status: 'withdrawn', decidedAt: T3 });
    expect(c.outcome).toBe('withdrawn');
  });

  it('decided proposals keep their status when the case is resolved', () => {
    const rejected = act(reject, awaitingApproval(), { proposalId: 'prop-1', comment: 'no' }, checker, T2);
    const c = act(resolve, rejected, { outcome: 'rejected', summary: 's' }, agent, T3);
    expect(c.proposals[0]).toMatchObject({ status: 'rejected', decidedAt: T2 });
  });

  it('an open information request expires when the case is resolved', () => {
    const asked = act(requestInfo, inReview(), { question: 'q' }, agent, T2);
    const c = act(resolve, asked, { outcome: 'resolved_no_action', summary: 's' }, agent, T3);
    expect(c.infoRequests[0]?.status).toBe('expired');
  });

  it.each(['resolved_no_action', 'rejected', 'withdrawn'] as const)(
    'outcome %s is refused for a reverted case',
    (outcome) => {
      const error = refusal(resolve, reverted(), { outcome, summary: 's' }, agent);
      expect(error.code).toBe('invalid_state');
      expect(error.detail).toBe('a case whose lift was reverted closes with outcome reverted');
    },
  );

  it('a reverted case closes with outcome reverted', () => {
    const c = act(
      resolve,
      reverted(),
      { outcome: 'reverted', summary: 'lock back on' },
      agent,
      plus(T3, DAY),
    );
    expect(c).toMatchObject({ status: 'closed', outcome: 'reverted', step: 'closed as reverted' });
  });

  it('outcome reverted is refused for a case whose lift was not reverted', () => {
    const error = refusal(resolve, inReview(), { outcome: 'reverted', summary: 's' }, agent);
    expect(error.code).toBe('invalid_state');
    expect(error.detail).toBe('outcome reverted is only for a case whose lift was reverted');
  });

  it.each([
    ['open', () => newCase()],
    ['executing', () => executing()],
    ['monitoring', () => monitoring()],
  ])('a case that is %s cannot be resolved', (_status, build) => {
    expect(refusal(resolve, build(), { outcome: 'resolved_no_action', summary: 's' }, agent).code).toBe(
      'invalid_state',
    );
  });

  it('a checker cannot resolve', () => {
    expect(refusal(resolve, inReview(), { outcome: 'rejected', summary: 's' }, checker).code).toBe(
      'forbidden',
    );
  });
});

describe('after-reviews of break-glass restrictions', () => {
  const request = {
    controlId: 'ctl-bg',
    kind: 'withdrawal_lock' as const,
    appliedBy: 'u-risk',
    reason: 'burst of withdrawals',
  };

  it('an after-review is due within the policy period', () => {
    const c = act(requestAfterReview, inReview(), request, systemActor, T2);
    expect(c.afterReviews).toEqual([{ ...request, dueAt: plus(T2, 24 * HOUR), status: 'open' }]);
  });

  it('an overdue after-review flags the case', () => {
    const open = act(requestAfterReview, inReview(), request, systemActor, T2);
    const c = act(afterReviewOverdue, open, { controlId: 'ctl-bg' }, systemActor, plus(T2, DAY));
    expect(c.afterReviews[0]?.status).toBe('overdue');
    expect(c.slaBreached).toBe(true);
    expect(refusal(afterReviewOverdue, c, { controlId: 'ctl-bg' }, systemActor).code).toBe('invalid_state');
  });

  it('resolving the case counts as the after-review', () => {
    const open = act(requestAfterReview, inReview(), request, systemActor, T2);
    const c = act(resolve, open, { outcome: 'resolved_no_action', summary: 's' }, agent, T3);
    expect(c.afterReviews[0]?.status).toBe('done');
  });

  it('a closed case gets no after-review', () => {
    const closed = act(resolve, inReview(), { outcome: 'resolved_no_action', summary: 's' }, agent, T2);
    expect(refusal(requestAfterReview, closed, request, systemActor).code).toBe('invalid_state');
  });
});

describe('describeStep', () => {
  const base = newCase();
  const cases: [string, Case, string][] = [
    ['an open case', base, 'waiting for an agent to claim it'],
    ['a claimed case', { ...base, status: 'in_review', assignee: 'u-x' }, 'in review by u-x'],
    ['an unclaimed case in review', { ...base, status: 'in_review' }, 'in review, unassigned'],
    [
      'a case waiting for the user with no open request',
      { ...base, status: 'awaiting_info' },
      'waiting for the user',
    ],
    [
      'a case awaiting approval with no pending proposal',
      { ...base, status: 'awaiting_approval' },
      'waiting for approval',
    ],
    ['an executing case', { ...base, status: 'executing' }, 'lifting the approved controls'],
    ['a monitored case with no lift', { ...base, status: 'monitoring' }, 'watching the account'],
    ['a reverted case', { ...base, status: 'reverted' }, 'lift reverted; waiting for review'],
    ['a closed case', { ...base, status: 'closed', outcome: 'withdrawn' }, 'closed as withdrawn'],
    ['a closed case with no outcome', { ...base, status: 'closed' }, 'closed as unknown'],
  ];

  it.each(cases)('%s reads "%s"', (_what, c, text) => {
    expect(describeStep(c)).toBe(text);
  });

  it('a critical proposal with its compliance approval in waits for one more, any checker', () => {
    const c = act(approve, awaitingApproval('critical'), { proposalId: 'prop-1' }, compliance, T2);
    expect(describeStep(c)).toBe('waiting for 1 more approval of prop-1');
  });

  it('a critical proposal with a plain approval in still waits for compliance', () => {
    const c = act(approve, awaitingApproval('critical'), { proposalId: 'prop-1' }, checker, T2);
    expect(describeStep(c)).toBe('waiting for 1 more approval (one compliance) of prop-1');
  });

  it('the step stored on the case is always describeStep of it', () => {
    for (const c of [
      newCase(),
      inReview(),
      awaitingApproval('high'),
      executing('critical'),
      monitoring('medium'),
      reverted(),
    ]) {
      expect(c.step).toBe(describeStep(c));
    }
  });
});
