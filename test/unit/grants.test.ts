import { describe, expect, it } from 'vitest';
import type { Access, AccessChange, Grant, GrantDecision } from '../../src/domain/grants.js';
import {
  additions,
  applyGrant,
  checkDecision,
  checkRevocation,
  grantRequest,
  isExpired,
  revokeAccess,
  splitNewUser,
} from '../../src/domain/grants.js';
import { isPrivileged } from '../../src/domain/permissions.js';
import { PrivilegedRole, Role } from '../../src/domain/schemas/permissions.js';
import { domainError } from './fixtures.js';

const access = (a: Partial<Access>): Access => ({ roles: [], businessLines: [], departments: [], ...a });
const now = new Date('2026-12-01T12:00:00.000Z');

describe('privileged roles', () => {
  it.each(Role.options.map((role) => [role, ['checker', 'senior', 'compliance', 'admin'].includes(role)]))(
    '%s is privileged: %s',
    (role, privileged) => {
      expect(isPrivileged(role)).toBe(privileged);
    },
  );

  it('the privileged roles are roles of the one role table', () => {
    for (const role of PrivilegedRole.options) expect(Role.options).toContain(role);
  });
});

describe('additions: what a grant would add', () => {
  it.each<[string, Access, AccessChange, Access]>([
    ['a new role', access({ roles: ['agent'] }), { roles: ['checker'] }, access({ roles: ['checker'] })],
    ['a role already held', access({ roles: ['agent'] }), { roles: ['agent'] }, access({})],
    [
      'a wider business line',
      access({ businessLines: ['spot'] }),
      { businessLines: ['spot', 'p2p'] },
      access({ businessLines: ['p2p'] }),
    ],
    [
      'the * scope',
      access({ businessLines: ['spot'] }),
      { businessLines: ['*'] },
      access({ businessLines: ['*'] }),
    ],
    ['any line for someone with *', access({ businessLines: ['*'] }), { businessLines: ['p2p'] }, access({})],
    [
      'a new department',
      access({ departments: ['security'] }),
      { departments: ['security', 'legal'] },
      access({ departments: ['legal'] }),
    ],
    ['a repeated entry, once', access({}), { roles: ['senior', 'senior'] }, access({ roles: ['senior'] })],
    ['nothing named', access({ roles: ['agent'] }), {}, access({})],
  ])('%s', (_, held, wanted, expected) => {
    expect(additions(held, wanted)).toEqual(expected);
  });

  it('asking for nothing new is refused as invalid_state', () => {
    const error = domainError(() => grantRequest(access({ roles: ['checker'] }), { roles: ['checker'] }));
    expect(error.code).toBe('invalid_state');
  });
});

describe('splitNewUser: a new user gets the unprivileged part at once', () => {
  it.each<[string, Access, Access, Access | null]>([
    [
      'an agent needs no second admin',
      access({ roles: ['agent'], businessLines: ['spot'] }),
      access({ roles: ['agent'], businessLines: ['spot'] }),
      null,
    ],
    [
      'an agent and checker waits for the checker role',
      access({ roles: ['agent', 'checker'], businessLines: ['*'] }),
      access({ roles: ['agent'], businessLines: ['*'] }),
      access({ roles: ['checker'] }),
    ],
    [
      'an admin starts with no role',
      access({ roles: ['admin'], businessLines: ['*'] }),
      access({ businessLines: ['*'] }),
      access({ roles: ['admin'] }),
    ],
    [
      'a department member keeps their departments',
      access({ roles: ['department', 'compliance'], departments: ['legal'] }),
      access({ roles: ['department'], departments: ['legal'] }),
      access({ roles: ['compliance'] }),
    ],
  ])('%s', (_, wanted, immediate, pending) => {
    expect(splitNewUser(wanted)).toEqual({ immediate, pending });
  });
});

describe('applyGrant and revokeAccess', () => {
  it.each<[string, Access, Access, Access]>([
    [
      'adds roles, lines and departments',
      access({ roles: ['agent'], businessLines: ['spot'] }),
      access({ roles: ['checker'], businessLines: ['p2p'], departments: ['legal'] }),
      access({ roles: ['agent', 'checker'], businessLines: ['spot', 'p2p'], departments: ['legal'] }),
    ],
    [
      'the * scope absorbs every line',
      access({ businessLines: ['spot', 'p2p'] }),
      access({ businessLines: ['*'] }),
      access({ businessLines: ['*'] }),
    ],
    [
      'adds nothing twice',
      access({ roles: ['checker'] }),
      access({ roles: ['checker'] }),
      access({ roles: ['checker'] }),
    ],
  ])('grant: %s', (_, held, granted, expected) => {
    expect(applyGrant(held, granted)).toEqual(expected);
  });

  it.each<[string, Access, AccessChange, Access]>([
    [
      'removes a role',
      access({ roles: ['agent', 'checker'] }),
      { roles: ['checker'] },
      access({ roles: ['agent'] }),
    ],
    [
      'narrows business lines',
      access({ businessLines: ['spot', 'p2p'] }),
      { businessLines: ['p2p'] },
      access({ businessLines: ['spot'] }),
    ],
    ['removes the * scope', access({ businessLines: ['*'] }), { businessLines: ['*'] }, access({})],
    ['may leave no role at all', access({ roles: ['admin'] }), { roles: ['admin'] }, access({})],
    [
      'ignores what is not held',
      access({ roles: ['agent'] }),
      { roles: ['senior'] },
      access({ roles: ['agent'] }),
    ],
  ])('revoke: %s', (_, held, revoked, expected) => {
    expect(revokeAccess(held, revoked)).toEqual(expected);
  });
});

describe('checkDecision: four eyes', () => {
  const grant: Pick<Grant, 'id' | 'status' | 'expiresAt' | 'requestedBy' | 'userId'> = {
    id: 'grt_1',
    status: 'pending',
    expiresAt: '2026-12-02T12:00:00.000Z',
    requestedBy: 'usr_alice',
    userId: 'usr_target',
  };

  it.each<[string, Partial<typeof grant>, string, GrantDecision, boolean, string | null]>([
    ['another admin approves', {}, 'usr_bob', 'approve', false, null],
    ['the requester approves', {}, 'usr_alice', 'approve', false, 'separation_of_duties'],
    ['the user it widens approves', {}, 'usr_target', 'approve', false, 'separation_of_duties'],
    ['the bootstrap key approves its own', {}, 'usr_alice', 'approve', true, null],
    ['the requester rejects (withdraws)', {}, 'usr_alice', 'reject', false, null],
    ['another admin rejects', {}, 'usr_bob', 'reject', false, null],
    ['approving an approved grant', { status: 'approved' }, 'usr_bob', 'approve', false, 'already_decided'],
    ['rejecting a rejected grant', { status: 'rejected' }, 'usr_bob', 'reject', false, 'already_decided'],
    ['approving an expired grant', { status: 'expired' }, 'usr_bob', 'approve', false, 'invalid_state'],
    [
      'approving past the deadline before any sweep',
      { expiresAt: '2026-12-01T12:00:00.000Z' },
      'usr_bob',
      'approve',
      false,
      'invalid_state',
    ],
    [
      'the bootstrap key past the deadline',
      { expiresAt: '2026-12-01T11:00:00.000Z' },
      'usr_alice',
      'approve',
      true,
      'invalid_state',
    ],
  ])('%s', (_, change, decider, decision, actsAlone, code) => {
    const run = () => checkDecision({ ...grant, ...change }, { id: decider }, decision, now, actsAlone);
    if (code === null) expect(run).not.toThrow();
    else expect(domainError(run).code).toBe(code);
  });

  it.each([
    ['pending, before the deadline', 'pending', '2026-12-01T12:00:00.001Z', false],
    ['pending, at the deadline', 'pending', '2026-12-01T12:00:00.000Z', true],
    ['already decided, past the deadline', 'approved', '2026-12-01T00:00:00.000Z', false],
  ] as const)('isExpired: %s', (_, status, expiresAt, expired) => {
    expect(isExpired({ status, expiresAt }, now)).toBe(expired);
  });
});

describe('checkRevocation: nobody locks the admins out', () => {
  const admin = { id: 'usr_a', roles: ['admin'] as Role[], status: 'active' as const };
  const agent = { id: 'usr_g', roles: ['agent'] as Role[], status: 'active' as const };
  const keepsAdmin = access({ roles: ['admin'] });
  const none = access({});
  it.each([
    ['disabling yourself', 'usr_a', admin, { after: keepsAdmin, disable: true }, 3, 'self_lockout'],
    ['disabling the last admin', 'usr_b', admin, { after: keepsAdmin, disable: true }, 0, 'last_admin'],
    ['removing admin from the last admin', 'usr_a', admin, { after: none, disable: false }, 0, 'last_admin'],
    [
      'disabling an admin while another remains',
      'usr_b',
      admin,
      { after: keepsAdmin, disable: true },
      1,
      null,
    ],
    [
      'removing your own admin while another remains',
      'usr_a',
      admin,
      { after: none, disable: false },
      1,
      null,
    ],
    ['narrowing the last admin, admin kept', 'usr_a', admin, { after: keepsAdmin, disable: false }, 0, null],
    ['disabling a non-admin when no other admin', 'usr_a', agent, { after: none, disable: true }, 0, null],
    [
      'disabling an already disabled admin',
      'usr_b',
      { ...admin, status: 'disabled' as const },
      { after: keepsAdmin, disable: true },
      0,
      null,
    ],
  ] as const)('%s', (_, actorId, target, change, otherAdmins, code) => {
    const run = () => checkRevocation({ id: actorId }, target, change, otherAdmins);
    if (code === null) expect(run).not.toThrow();
    else expect(domainError(run).code).toBe(code);
  });
});
