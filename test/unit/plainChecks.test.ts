import { describe, expect, it } from 'vitest';
import { isRiskSignal } from '../../src/domain/actions.js';
import { withOwner } from '../../src/domain/controls.js';
import { isActor, systemActor } from '../../src/domain/permissions.js';
import { defaultPolicy, defaultPolicyInput } from '../../src/domain/policy.js';
import { RiskSignalInput } from '../../src/domain/schemas/actions.js';
import { Control } from '../../src/domain/schemas/controls.js';
import { Actor } from '../../src/domain/schemas/permissions.js';
import { Policy } from '../../src/domain/schemas/policy.js';

/*
 * Workflow code loads no zod, so it uses plain values and checks beside the schemas the API parses with.
 * Each pair must agree, or a case would see one thing in its workflow and another at the edge.
 */
describe('what workflow code uses in place of a schema', () => {
  it('the default policy is what the Policy schema makes of the defaults', () => {
    expect(defaultPolicy).toEqual(Policy.parse(defaultPolicyInput));
  });

  it('a control without an owner gets the owner the Control schema defaults to', () => {
    const bare = {
      id: 'ctl-1',
      accountId: 'acct-1',
      category: 'restriction',
      kind: 'login_lock',
      businessLine: 'spot',
      status: 'active',
      reason: 'routine review',
      version: 1,
    } as const;
    expect(withOwner(bare)).toEqual(Control.parse(bare));
    const owned = { ...bare, source: 'law_enforcement', externalRef: 'ORDER-7' } as const;
    expect(withOwner(owned)).toEqual(Control.parse(owned));
  });

  const actor = { id: 'u-1', name: 'Ann', roles: ['agent'], businessLines: ['spot'], departments: [] };
  it.each([
    ['a user', actor],
    ['the engine', systemActor],
    ['every business line', { ...actor, businessLines: ['*'] }],
    ['an empty id', { ...actor, id: '' }],
    ['an unknown role', { ...actor, roles: ['owner'] }],
    ['an unknown business line', { ...actor, businessLines: ['moon'] }],
    ['an unknown department', { ...actor, departments: ['sales'] }],
    ['no roles list', { ...actor, roles: 'agent' }],
    ['no name', { id: 'u-1', roles: [], businessLines: [], departments: [] }],
    ['nothing', null],
  ])('an actor with %s is one exactly when the Actor schema says so', (_what, value) => {
    expect(isActor(value)).toBe(Actor.safeParse(value).success);
  });

  const signal = { signal: 'login.anomaly', severity: 'high', occurredAt: '2026-11-24T09:41:00Z' };
  it.each([
    ['a well-formed signal', signal],
    ['an offset', { ...signal, occurredAt: '2026-11-24T10:41:00.250+01:00' }],
    ['a date without a time', { ...signal, occurredAt: '2026-11-24' }],
    ['no offset', { ...signal, occurredAt: '2026-11-24T09:41:00' }],
    ['an impossible date', { ...signal, occurredAt: '2026-13-45T09:41:00Z' }],
    ['an upper-case name', { ...signal, signal: 'Login.Anomaly' }],
    ['an unknown severity', { ...signal, severity: 'severe' }],
    ['no time', { signal: 'login.anomaly', severity: 'high' }],
  ])('a risk signal with %s is dropped exactly when the API would refuse it', (_what, value) => {
    const withActor = { ...value, actor: 'risk-engine' };
    expect(isRiskSignal(withActor)).toBe(
      RiskSignalInput.safeParse({ ...value, accountId: 'acct-1' }).success,
    );
  });

  it('a risk signal without an actor is dropped', () => {
    expect(isRiskSignal({ ...signal, actor: '' })).toBe(false);
    expect(isRiskSignal(signal)).toBe(false);
  });
});
