import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadSsoMapping } from '../../src/config/ssoMapping.js';
import type { Access } from '../../src/domain/grants.js';
import type { SsoMapping } from '../../src/domain/sso.js';
import { accessForGroups } from '../../src/domain/sso.js';

const mapping: SsoMapping = {
  groups: {
    agents: { roles: ['agent'], businessLines: ['spot'], departments: [] },
    'agents-p2p': { roles: ['agent'], businessLines: ['p2p'], departments: [] },
    checkers: { roles: ['checker'], businessLines: ['*'], departments: [] },
    security: { roles: ['department'], businessLines: [], departments: ['security'] },
    'scope-only': { roles: [], businessLines: ['earn'], departments: [] },
  },
};

describe('accessForGroups: groups become roles, business lines and departments', () => {
  it.each<[string, string[], Access | undefined]>([
    ['one group', ['agents'], { roles: ['agent'], businessLines: ['spot'], departments: [] }],
    [
      'the union of several',
      ['agents', 'agents-p2p', 'security'],
      { roles: ['agent', 'department'], businessLines: ['spot', 'p2p'], departments: ['security'] },
    ],
    [
      '* absorbs other lines',
      ['agents', 'checkers'],
      { roles: ['agent', 'checker'], businessLines: ['*'], departments: [] },
    ],
    [
      'unknown groups are ignored',
      ['agents', 'canteen'],
      { roles: ['agent'], businessLines: ['spot'], departments: [] },
    ],
    ['no mapped group', ['canteen', 'staff'], undefined],
    ['no groups at all', [], undefined],
    ['scopes without a role map to nothing', ['scope-only'], undefined],
  ])('%s', (_, groups, expected) => {
    expect(accessForGroups(mapping, groups)).toEqual(expected);
  });

  it('does not depend on the order of the groups', () => {
    expect(accessForGroups(mapping, ['security', 'checkers', 'agents'])).toEqual(
      accessForGroups(mapping, ['agents', 'checkers', 'security']),
    );
  });
});

describe('loadSsoMapping: the mapping file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dualkey-sso-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads YAML with defaults for missing lists', () => {
    const path = file(
      'ok.yaml',
      'groups:\n  risk-checkers:\n    roles: [checker]\n    businessLines: ["*"]\n',
    );
    expect(loadSsoMapping(path)).toEqual({
      groups: { 'risk-checkers': { roles: ['checker'], businessLines: ['*'], departments: [] } },
    });
  });

  it('reads JSON', () => {
    const path = file(
      'ok.json',
      JSON.stringify({ groups: { sec: { roles: ['department'], departments: ['security'] } } }),
    );
    expect(loadSsoMapping(path).groups.sec?.departments).toEqual(['security']);
  });

  it('names the entry that is wrong', () => {
    const path = file('bad.yaml', 'groups:\n  wizards:\n    roles: [wizard]\n');
    expect(() => loadSsoMapping(path)).toThrow(ConfigError);
    expect(() => loadSsoMapping(path)).toThrow(/groups\.wizards\.roles\.0/);
  });

  it('refuses unknown keys and a missing file', () => {
    expect(() => loadSsoMapping(file('extra.yaml', 'groups: {}\nusers: {}\n'))).toThrow(
      /not a valid mapping/,
    );
    expect(() => loadSsoMapping(join(dir, 'missing.yaml'))).toThrow(/cannot read/);
  });
});
