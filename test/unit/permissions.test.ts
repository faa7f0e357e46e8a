import { describe, expect, it } from 'vitest';
import type { Permission, Role } from '../../src/domain/permissions.js';
import {
  authorize,
  hasPermission,
  inScope,
  permissionsOf,
  requirePermission,
  requireScope,
  rolePermissions,
  systemActor,
} from '../../src/domain/permissions.js';
import {
  Actor as ActorSchema,
  Permission as PermissionSchema,
  Role as RoleSchema,
} from '../../src/domain/schemas/permissions.js';
import type { BusinessLine } from '../../src/domain/vocabulary.js';
import { BusinessLine as BusinessLineSchema } from '../../src/domain/schemas/vocabulary.js';
import { actor, domainError } from './fixtures.js';

/**
 * The role table of docs/api.md, written out again: the code's table must match the
 * documented one, so a change to either fails here. `approval.senior` / `approval.compliance` are the
 * table's "counts as the senior/compliance approval"; the senior's "case.review of others' cases
 * (release)" is `case.review` plus `case.release_any`.
 */
const documented: Record<Role, readonly Permission[]> = {
  agent: ['case.create', 'case.read', 'case.review', 'case.escalate', 'removal.propose', 'controls.apply'],
  checker: ['case.read', 'removal.approve', 'campaign.read', 'campaign.check'],
  senior: [
    'approval.senior',
    'case.review',
    'case.release_any',
    'removal.revert',
    'reports.read',
    'campaign.read',
    'campaign.propose',
    'campaign.approve',
  ],
  compliance: [
    'case.read',
    'removal.approve',
    'removal.revert',
    'audit.read',
    'reports.read',
    'approval.compliance',
    'campaign.read',
    'campaign.approve',
  ],
  department: ['case.read', 'department.respond'],
  auditor: ['case.read', 'audit.read', 'reports.read', 'campaign.read'],
  risk_engine: ['signals.ingest', 'controls.apply'],
  admin: ['admin.users', 'case.read', 'audit.read', 'reports.read', 'controls.apply', 'campaign.read'],
};

const grid = RoleSchema.options.flatMap((role) =>
  PermissionSchema.options.map((permission) => ({
    role,
    permission,
    granted: documented[role].includes(permission),
  })),
);

describe('the role table', () => {
  it('documents every role, and only known permissions', () => {
    expect(Object.keys(documented).sort()).toEqual([...RoleSchema.options].sort());
    for (const permissions of Object.values(documented)) {
      for (const permission of permissions) expect(PermissionSchema.options).toContain(permission);
    }
  });

  it.each(RoleSchema.options)('the code grants %s exactly the documented permissions', (role) => {
    expect([...rolePermissions[role]].sort()).toEqual([...documented[role]].sort());
  });

  it('every permission is granted by at least one role', () => {
    const granted = new Set(Object.values(documented).flat());
    expect(PermissionSchema.options.filter((p) => !granted.has(p))).toEqual([]);
  });

  it('an admin is not a checker unless also given checker', () => {
    expect(hasPermission(actor('u-admin', ['admin']), 'removal.approve')).toBe(false);
    expect(hasPermission(actor('u-admin', ['admin', 'checker']), 'removal.approve')).toBe(true);
  });

  it('only compliance counts as the compliance approval and only senior as the senior approval', () => {
    expect(RoleSchema.options.filter((r) => rolePermissions[r].includes('approval.compliance'))).toEqual([
      'compliance',
    ]);
    expect(RoleSchema.options.filter((r) => rolePermissions[r].includes('approval.senior'))).toEqual([
      'senior',
    ]);
  });
});

describe('hasPermission: every role × every permission', () => {
  it.each(grid)('$role has $permission: $granted', ({ role, permission, granted }) => {
    expect(hasPermission({ roles: [role] }, permission)).toBe(granted);
  });
});

describe('requirePermission: every role × every permission', () => {
  it.each(grid)(
    '$role asking for $permission is refused unless granted ($granted)',
    ({ role, permission, granted }) => {
      const who = actor(`u-${role}`, [role]);
      if (granted) {
        expect(() => requirePermission(who, permission)).not.toThrow();
      } else {
        const error = domainError(() => requirePermission(who, permission));
        expect(error.code).toBe('forbidden');
        expect(error.detail).toBe(`this action needs the permission ${permission}, which u-${role} lacks`);
      }
    },
  );
});

describe('permissions add up across roles', () => {
  it('permissionsOf is the union of the roles', () => {
    expect([...permissionsOf(['agent', 'checker'])].sort()).toEqual(
      [...new Set([...documented.agent, ...documented.checker])].sort(),
    );
  });

  it('a user with no roles has no permissions', () => {
    expect(permissionsOf([]).size).toBe(0);
    for (const permission of PermissionSchema.options) {
      expect(hasPermission({ roles: [] }, permission)).toBe(false);
    }
  });

  it.each(RoleSchema.options.flatMap((a) => RoleSchema.options.map((b) => [a, b] as const)))(
    '%s + %s has exactly the permissions of either',
    (a, b) => {
      for (const permission of PermissionSchema.options) {
        const expected = documented[a].includes(permission) || documented[b].includes(permission);
        expect(hasPermission({ roles: [a, b] }, permission)).toBe(expected);
        expect(permissionsOf([a, b]).has(permission)).toBe(expected);
      }
    },
  );

  it('the system actor holds no permission at all', () => {
    for (const permission of PermissionSchema.options)
      expect(hasPermission(systemActor, permission)).toBe(false);
  });
});

describe('business-line scopes', () => {
  const lines = BusinessLineSchema.options;

  it.each(lines)('"*" covers %s', (line) => {
    expect(inScope({ businessLines: ['*'] }, line)).toBe(true);
  });

  it.each(lines)('a scope of spot and p2p covers %s only if it is one of them', (line) => {
    expect(inScope({ businessLines: ['spot', 'p2p'] }, line)).toBe(line === 'spot' || line === 'p2p');
  });

  it.each(lines)('no scopes cover nothing, not even %s', (line) => {
    expect(inScope({ businessLines: [] }, line)).toBe(false);
  });

  it('"*" next to named lines still covers everything', () => {
    for (const line of lines) expect(inScope({ businessLines: ['card', '*'] }, line)).toBe(true);
  });

  it('requireScope names the business line and the actor', () => {
    const error = domainError(() =>
      requireScope(actor('u-card', ['agent'], { businessLines: ['card'] }), 'spot'),
    );
    expect(error.code).toBe('out_of_scope');
    expect(error.detail).toBe("business line spot is not in u-card's scopes");
  });

  it('the system actor is in scope everywhere', () => {
    for (const line of lines) expect(inScope(systemActor, line)).toBe(true);
  });
});

describe('authorize: permission first, then scope', () => {
  const cardAgent = actor('u-card-agent', ['agent'], { businessLines: ['card'] });
  const cardChecker = actor('u-card-checker', ['checker'], { businessLines: ['card'] });

  const cases: {
    name: string;
    who: ReturnType<typeof actor>;
    permission: Permission;
    line: BusinessLine;
    code: 'forbidden' | 'out_of_scope' | null;
  }[] = [
    {
      name: 'an agent may review a case in their line',
      who: cardAgent,
      permission: 'case.review',
      line: 'card',
      code: null,
    },
    {
      name: 'an agent may not review a case outside their line',
      who: cardAgent,
      permission: 'case.review',
      line: 'spot',
      code: 'out_of_scope',
    },
    {
      name: 'an agent may not approve even in their line',
      who: cardAgent,
      permission: 'removal.approve',
      line: 'card',
      code: 'forbidden',
    },
    {
      name: 'lacking both, the missing permission is what is reported',
      who: cardAgent,
      permission: 'removal.approve',
      line: 'spot',
      code: 'forbidden',
    },
    {
      name: 'a checker may approve in their line',
      who: cardChecker,
      permission: 'removal.approve',
      line: 'card',
      code: null,
    },
    {
      name: 'a checker may not approve outside their line',
      who: cardChecker,
      permission: 'removal.approve',
      line: 'fiat',
      code: 'out_of_scope',
    },
    {
      name: 'a checker with "*" may approve anywhere',
      who: actor('u-any', ['checker']),
      permission: 'removal.approve',
      line: 'fiat',
      code: null,
    },
    {
      name: 'the system actor may not act through authorize',
      who: systemActor,
      permission: 'case.read',
      line: 'spot',
      code: 'forbidden',
    },
  ];

  it.each(cases)('$name', ({ who, permission, line, code }) => {
    if (code === null) {
      expect(() => authorize(who, permission, line)).not.toThrow();
    } else {
      expect(domainError(() => authorize(who, permission, line)).code).toBe(code);
    }
  });
});

describe('the Actor schema', () => {
  it('accepts a well-formed actor with "*" scope', () => {
    expect(ActorSchema.safeParse(actor('u-1', ['agent'])).success).toBe(true);
  });

  it.each([
    ['an unknown role', { ...actor('u-1', []), roles: ['root'] }],
    ['an unknown business line', { ...actor('u-1', []), businessLines: ['casino'] }],
    ['an unknown department', { ...actor('u-1', []), departments: ['marketing'] }],
    ['an empty id', { ...actor('u-1', []), id: '' }],
    ['an extra key', { ...actor('u-1', []), superuser: true }],
  ])('rejects %s', (_what, value) => {
    expect(ActorSchema.safeParse(value).success).toBe(false);
  });
});
