import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import { DomainError } from '../../src/domain/errors.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import {
  expireReverification,
  recordReverification,
  requestReverification,
} from '../../src/domain/lifecycle/reverification.js';
import type { Context } from '../../src/domain/lifecycle/rule.js';
import { run } from '../../src/domain/lifecycle/rule.js';
import type { Actor, Role } from '../../src/domain/permissions.js';
import { systemActor } from '../../src/domain/permissions.js';
import { defaultPolicy } from '../../src/domain/policy.js';

const now = '2026-11-24T10:00:00.000Z';
const actor = (id: string, roles: Role[]): Actor => ({
  id,
  name: id,
  roles,
  businessLines: ['*'],
  departments: [],
});
const ctx = (who: Actor): Context => ({ actor: who, now, policy: defaultPolicy });

function executingUnbind(): Case {
  const base = openCase(
    'UNB-1',
    {
      type: 'unbind',
      accountId: 'acct-1',
      businessLine: 'spot',
      channel: 'email',
      subject: 's',
      description: 'd',
      controlIds: ['ctl_1'],
    },
    { tier: 'medium', reasons: [] },
    'creator',
    now,
  );
  return {
    ...base,
    status: 'executing',
    assignee: 'maker',
    proposals: [
      {
        id: 'prop-1',
        controlIds: ['ctl_1'],
        controlVersions: { ctl_1: 1 },
        reasonCode: 'verified_owner',
        justification: 'j',
        evidence: [],
        maker: 'maker',
        requiredApprovals: 1,
        requiredRole: null,
        requiredRoles: [],
        approvals: [{ by: 'checker', at: now, comment: null, countsAs: null }],
        rejection: null,
        status: 'approved',
        createdAt: now,
        expiresAt: now,
        decidedAt: now,
        offer: null,
      },
    ],
  };
}

function requested(): Case {
  return run(requestReverification, executingUnbind(), { proposalId: 'prop-1' }, ctx(systemActor)).next;
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('re-verification rules', () => {
  it('a request is pending until the policy’s wait', () => {
    expect(requested().reverifications).toEqual([
      {
        id: 'rev-1',
        proposalId: 'prop-1',
        requestedAt: now,
        dueAt: '2026-11-26T10:00:00.000Z',
        status: 'pending',
        method: null,
        recordedBy: null,
      },
    ]);
  });

  it.each([
    [
      'another agent records a pass',
      actor('agent2', ['agent']),
      'passed',
      'accepted',
      'executing',
      'approved',
    ],
    [
      'another agent records a failure',
      actor('agent2', ['agent']),
      'failed',
      'accepted',
      'in_review',
      'voided',
    ],
    [
      'the maker records it',
      actor('maker', ['agent']),
      'passed',
      'separation_of_duties',
      'executing',
      'approved',
    ],
    [
      'a checker without case.review records it',
      actor('c', ['checker']),
      'passed',
      'forbidden',
      'executing',
      'approved',
    ],
  ] as const)('%s', (_name, who, outcome, verdict, status, proposalStatus) => {
    let c = requested();
    expect(
      refusal(() => {
        c = run(recordReverification, c, { outcome, method: 'video_call' }, ctx(who)).next;
      }),
    ).toBe(verdict);
    expect(c.status).toBe(status);
    expect(c.proposals[0]?.status).toBe(proposalStatus);
  });

  it('expiry returns the case to review and voids the proposal', () => {
    const expired = run(
      expireReverification,
      requested(),
      { reverificationId: 'rev-1' },
      ctx(systemActor),
    ).next;
    expect(expired.status).toBe('in_review');
    expect(expired.reverifications[0]?.status).toBe('expired');
    expect(expired.proposals[0]?.status).toBe('voided');
  });

  it('nothing to record when no re-verification is pending', () => {
    expect(
      refusal(() =>
        run(
          recordReverification,
          executingUnbind(),
          { outcome: 'passed', method: 'selfie' },
          ctx(actor('a', ['agent'])),
        ),
      ),
    ).toBe('invalid_state');
  });
});
