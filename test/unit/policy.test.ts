import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/domain/policy.js';
import {
  defaultPolicy,
  escalationSlaMs,
  monitoringWindowMs,
  parseDuration,
} from '../../src/domain/policy.js';
import { Duration, resolvePolicy } from '../../src/domain/schemas/policy.js';
import type { RiskTier } from '../../src/domain/vocabulary.js';
import {
  Department as DepartmentSchema,
  RiskTier as RiskTierSchema,
} from '../../src/domain/schemas/vocabulary.js';
import { DAY, HOUR } from './fixtures.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

function resolved(override: unknown): Policy {
  const result = resolvePolicy(override);
  if (!result.success) throw new Error(`expected a valid policy: ${result.error.message}`);
  return result.data;
}

function problemPaths(override: unknown): string[] {
  const result = resolvePolicy(override);
  if (result.success) throw new Error('expected the policy to be rejected');
  return result.error.issues.map((issue) => issue.path.join('.'));
}

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1ms', 1],
    ['90s', 90 * SECOND],
    ['15m', 15 * MINUTE],
    ['24h', 24 * HOUR],
    ['7d', 7 * DAY],
    ['1.5h', 90 * MINUTE],
    ['0.5s', 500],
    ['2 h', 2 * HOUR],
    ['  30s  ', 30 * SECOND],
    ['0s', 0],
    ['1.0004ms', 1],
  ])('reads "%s" as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    ' ',
    '24',
    'h',
    '24H',
    '1D',
    '-5s',
    '+5s',
    '.5h',
    '1e3s',
    '1,5h',
    '5 sec',
    '5min',
    'soon',
    '24h later',
    '1h30m',
  ])('does not read "%s"', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('the Duration schema', () => {
  it.each([
    ['24h', 24 * HOUR],
    ['7d', 7 * DAY],
    ['30s', 30 * SECOND],
    [1_500, 1_500],
    [1, 1],
  ] as const)('accepts %s as %i ms', (value, ms) => {
    expect(Duration.parse(value)).toBe(ms);
  });

  it.each([
    ['zero seconds', '0s'],
    ['zero milliseconds as a number', 0],
    ['a duration that rounds to zero', '0.0001ms'],
    ['a negative duration', '-1h'],
    ['a negative number', -5],
    ['a fractional number of milliseconds', 1.5],
    ['garbage', 'soon'],
    ['an empty string', ''],
    ['null', null],
    ['a boolean', true],
    ['an object', { hours: 1 }],
  ])('rejects %s', (_what, value) => {
    expect(Duration.safeParse(value).success).toBe(false);
  });

  it('rejects a duration too long to be a finite number, as it rejects Infinity as a number', () => {
    expect(Duration.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
    expect(Duration.safeParse(`${'9'.repeat(400)}s`).success).toBe(false);
  });

  it('explains what a duration looks like when a string is wrong', () => {
    const result = Duration.safeParse('soon');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(
      'expected a positive duration such as "30s", "24h" or "7d"',
    );
  });
});

describe('the default policy', () => {
  it('has the durations and quorums docs/api.md describes', () => {
    const { reasonCodes, ...rest } = defaultPolicy;
    expect(reasonCodes.version).toBe('2026-12-01');
    expect(rest).toEqual({
      approval: {
        expiry: 24 * HOUR,
        reminder: 4 * HOUR,
        quorum: {
          low: { approvals: 1 },
          medium: { approvals: 1 },
          high: { approvals: 2, requiredRole: 'senior' },
          critical: { approvals: 2, requiredRole: 'compliance' },
        },
      },
      infoRequest: { wait: 72 * HOUR },
      escalation: { defaultSla: 4 * HOUR, departmentSla: { compliance: 8 * HOUR, legal: 24 * HOUR } },
      monitoring: { window: { low: 24 * HOUR, medium: 72 * HOUR, high: 7 * DAY, critical: 14 * DAY } },
      coolingOff: { withdrawalLock: 24 * HOUR },
      breakGlass: { afterReviewWithin: 24 * HOUR },
      caseDeadlines: {
        firstResponse: { low: 24 * HOUR, medium: 8 * HOUR, high: 2 * HOUR, critical: 30 * MINUTE },
        resolution: { low: 10 * DAY, medium: 5 * DAY, high: 3 * DAY, critical: DAY },
        overrides: [
          { channel: 'phone', riskTier: 'low', firstResponse: 4 * HOUR },
          { channel: 'phone', riskTier: 'medium', firstResponse: 2 * HOUR },
        ],
      },
      reverification: { wait: 48 * HOUR },
      revert: { window: 90 * DAY },
      activities: { attemptTimeout: 30 * SECOND },
      access: { grantExpiry: 24 * HOUR },
      fourEyes: { quickDecision: 20_000, concentration: { share: 0.5, minProposals: 5 } },
      campaigns: {
        approval: { approvals: 2, roles: ['senior', 'compliance'] },
        sample: { minimum: 20 },
        canary: { share: 0.01, minimum: 10 },
        soak: 30 * MINUTE,
        liftsPerSecond: 20,
        signalLookBack: 7 * DAY,
        monitoringWindow: 24 * HOUR,
        historyLimit: 2_000,
      },
      assignment: { version: '2026-12-07', default: 'manual', businessLines: {} },
      checkerRouting: {
        version: '2026-12-07',
        tiers: { low: 'open', medium: 'open', high: 'open', critical: 'open' },
        offerExpiry: 30 * MINUTE,
      },
    });
  });

  it('is what resolvePolicy gives with no override', () => {
    expect(resolved({})).toEqual(defaultPolicy);
    expect(resolvePolicy()).toEqual({ success: true, data: defaultPolicy });
  });
});

describe('resolvePolicy: overrides are deep-merged over the defaults', () => {
  it('one duration changes and its siblings stay', () => {
    const policy = resolved({ approval: { expiry: '2h' } });
    expect(policy.approval.expiry).toBe(2 * HOUR);
    expect(policy.approval.quorum).toEqual(defaultPolicy.approval.quorum);
    expect(policy.infoRequest).toEqual(defaultPolicy.infoRequest);
  });

  it('one monitoring window changes and the other tiers keep theirs', () => {
    const policy = resolved({ monitoring: { window: { low: '4s' } } });
    expect(policy.monitoring.window).toEqual({
      low: 4 * SECOND,
      medium: 72 * HOUR,
      high: 7 * DAY,
      critical: 14 * DAY,
    });
  });

  it('overriding the approvals of a tier keeps its required role', () => {
    const policy = resolved({ approval: { quorum: { high: { approvals: 3 } } } });
    expect(policy.approval.quorum.high).toEqual({ approvals: 3, requiredRole: 'senior' });
    expect(policy.approval.quorum.critical).toEqual({ approvals: 2, requiredRole: 'compliance' });
  });

  it('a required role can be added to a tier that had none', () => {
    const policy = resolved({ approval: { quorum: { medium: { requiredRole: 'senior' } } } });
    expect(policy.approval.quorum.medium).toEqual({ approvals: 1, requiredRole: 'senior' });
  });

  it('a new department SLA is added next to the default ones', () => {
    const policy = resolved({ escalation: { departmentSla: { security: '2h' } } });
    expect(policy.escalation.departmentSla).toEqual({
      compliance: 8 * HOUR,
      legal: 24 * HOUR,
      security: 2 * HOUR,
    });
    expect(policy.escalation.defaultSla).toBe(4 * HOUR);
  });

  it('numbers of milliseconds are accepted as durations', () => {
    expect(resolved({ infoRequest: { wait: 60_000 } }).infoRequest.wait).toBe(60_000);
  });

  it('an undefined value in the override keeps the default', () => {
    expect(resolved({ approval: { expiry: undefined } }).approval.expiry).toBe(24 * HOUR);
  });

  it('resolving an override leaves the defaults untouched for the next caller', () => {
    resolved({
      approval: { expiry: '1s', quorum: { low: { approvals: 5 } } },
      monitoring: { window: { critical: '1s' } },
    });
    expect(resolved({})).toEqual(defaultPolicy);
    expect(defaultPolicy.approval.quorum.low.approvals).toBe(1);
  });

  it('the whole test policy in seconds resolves', () => {
    const policy = resolved({
      approval: { expiry: '60s' },
      infoRequest: { wait: '60s' },
      escalation: { defaultSla: '60s' },
      monitoring: { window: { low: '4s', medium: '4s', high: '4s', critical: '4s' } },
      coolingOff: { withdrawalLock: '3s' },
      breakGlass: { afterReviewWithin: '60s' },
      activities: { attemptTimeout: '5s' },
    });
    expect(policy.approval.expiry).toBe(60 * SECOND);
    expect(policy.monitoring.window.critical).toBe(4 * SECOND);
    expect(policy.coolingOff.withdrawalLock).toBe(3 * SECOND);
  });
});

describe('resolvePolicy: bad values are rejected and located', () => {
  it.each([
    ['zero approvals', { approval: { quorum: { low: { approvals: 0 } } } }, 'approval.quorum.low.approvals'],
    ['six approvals', { approval: { quorum: { high: { approvals: 6 } } } }, 'approval.quorum.high.approvals'],
    [
      'fractional approvals',
      { approval: { quorum: { medium: { approvals: 1.5 } } } },
      'approval.quorum.medium.approvals',
    ],
    [
      'approvals as a string',
      { approval: { quorum: { low: { approvals: '1' } } } },
      'approval.quorum.low.approvals',
    ],
    [
      'an unknown required role',
      { approval: { quorum: { critical: { requiredRole: 'admin' } } } },
      'approval.quorum.critical.requiredRole',
    ],
    [
      'a null required role',
      { approval: { quorum: { high: { requiredRole: null } } } },
      'approval.quorum.high.requiredRole',
    ],
    ['a negative duration', { approval: { expiry: '-1h' } }, 'approval.expiry'],
    ['a negative number of milliseconds', { infoRequest: { wait: -1 } }, 'infoRequest.wait'],
    ['a zero duration', { coolingOff: { withdrawalLock: '0s' } }, 'coolingOff.withdrawalLock'],
    ['a garbage duration', { escalation: { defaultSla: 'soon' } }, 'escalation.defaultSla'],
    [
      'a garbage department SLA',
      { escalation: { departmentSla: { legal: 'tomorrow' } } },
      'escalation.departmentSla.legal',
    ],
    ['a garbage monitoring window', { monitoring: { window: { high: '7 days' } } }, 'monitoring.window.high'],
    ['an unknown top-level key', { retention: { days: 30 } }, ''],
    ['an unknown nested key', { approval: { expiry: '1h', escalateAfter: '2h' } }, 'approval'],
    ['an unknown tier', { monitoring: { window: { extreme: '30d' } } }, 'monitoring.window'],
    [
      'an unknown quorum key',
      { approval: { quorum: { low: { approvals: 1, vetoes: 1 } } } },
      'approval.quorum.low',
    ],
  ])('%s', (_what, override, path) => {
    expect(problemPaths(override)).toContain(path);
  });

  it('an SLA for an unknown department is rejected', () => {
    expect(resolvePolicy({ escalation: { departmentSla: { marketing: '1h' } } }).success).toBe(false);
  });

  it.each([
    ['null', null],
    ['a string', 'approval: 1h'],
    ['an array', []],
    ['a number', 42],
  ])('an override document that is %s is rejected', (_what, override) => {
    expect(resolvePolicy(override).success).toBe(false);
  });

  it('a section replaced by a scalar is rejected', () => {
    expect(problemPaths({ approval: '24h' })).toContain('approval');
  });
});

describe('escalationSlaMs', () => {
  const withoutOwnSla = DepartmentSchema.options.filter((d) => d !== 'compliance' && d !== 'legal');

  it.each([
    ['compliance', 8 * HOUR],
    ['legal', 24 * HOUR],
  ] as const)('%s has its own SLA', (department, ms) => {
    expect(escalationSlaMs(defaultPolicy, department)).toBe(ms);
  });

  it.each(withoutOwnSla)('%s falls back to the default SLA of 4h', (department) => {
    expect(escalationSlaMs(defaultPolicy, department)).toBe(4 * HOUR);
  });

  it.each([
    [30, 30 * MINUTE],
    [0.5, 30 * SECOND],
    [1.25, 75 * SECOND],
    [0.00001, 1],
    [30 * 24 * 60, 30 * DAY],
  ])('an explicit SLA of %s minutes is %i ms, whatever the department', (minutes, ms) => {
    for (const department of DepartmentSchema.options) {
      expect(escalationSlaMs(defaultPolicy, department, minutes)).toBe(ms);
    }
  });

  it('follows a resolved policy', () => {
    const policy = resolved({ escalation: { defaultSla: '10m', departmentSla: { technical: '1m' } } });
    expect(escalationSlaMs(policy, 'technical')).toBe(MINUTE);
    expect(escalationSlaMs(policy, 'security')).toBe(10 * MINUTE);
    expect(escalationSlaMs(policy, 'legal')).toBe(24 * HOUR);
  });
});

describe('monitoringWindowMs', () => {
  const expected: Record<RiskTier, number> = {
    low: 24 * HOUR,
    medium: 72 * HOUR,
    high: 7 * DAY,
    critical: 14 * DAY,
  };

  it.each(RiskTierSchema.options)('a %s lift is watched for its window', (tier) => {
    expect(monitoringWindowMs(defaultPolicy, tier)).toBe(expected[tier]);
  });
});
