import { describe, expect, it } from 'vitest';
import type { RiskHints, RiskInput } from '../../src/domain/riskTier.js';
import { assessRiskTier } from '../../src/domain/riskTier.js';
import type { BusinessLine, CaseType, ControlKind, RiskTier } from '../../src/domain/vocabulary.js';
import {
  BusinessLine as BusinessLineSchema,
  CaseType as CaseTypeSchema,
  ControlKind as ControlKindSchema,
} from '../../src/domain/schemas/vocabulary.js';

const ROUTINE = 'routine review';

function input(overrides: Partial<RiskInput> = {}): RiskInput {
  return { type: 'complaint', businessLine: 'spot', controls: [], ...overrides };
}

describe('assessRiskTier: the case type sets the starting tier', () => {
  const expected: Record<CaseType, RiskTier> = { complaint: 'low', unfreeze: 'low', unbind: 'medium' };

  it('covers every case type', () => {
    expect(Object.keys(expected).sort()).toEqual([...CaseTypeSchema.options].sort());
  });

  it.each(CaseTypeSchema.options)('a %s case with nothing else to go on starts at its base tier', (type) => {
    expect(assessRiskTier(input({ type }))).toEqual({
      tier: expected[type],
      reasons: [`${type} case starts at ${expected[type]}`],
    });
  });
});

describe('assessRiskTier: lifting a control is as risky as the control', () => {
  // A withdrawal path or an account-recovery factor is high; a trading lock or a device is medium.
  const expected: Record<ControlKind, RiskTier> = {
    login_lock: 'low',
    trading_lock: 'medium',
    withdrawal_lock: 'high',
    account_freeze: 'high',
    device: 'medium',
    email: 'high',
    phone: 'high',
    totp: 'high',
    withdrawal_address: 'high',
  };

  it('covers every control kind', () => {
    expect(Object.keys(expected).sort()).toEqual([...ControlKindSchema.options].sort());
  });

  it.each(ControlKindSchema.options)('lifting %s on a low complaint sets the tier it names', (kind) => {
    const tier = expected[kind];
    const result = assessRiskTier(input({ controls: [{ kind, reason: ROUTINE }] }));
    expect(result.tier).toBe(tier);
    expect(result.reasons).toEqual(
      tier === 'low'
        ? ['complaint case starts at low']
        : ['complaint case starts at low', `lifting ${kind} is ${tier}`],
    );
  });

  it('a medium control on an unbind case does not move the tier and is not named', () => {
    expect(
      assessRiskTier(input({ type: 'unbind', controls: [{ kind: 'device', reason: ROUTINE }] })),
    ).toEqual({
      tier: 'medium',
      reasons: ['unbind case starts at medium'],
    });
  });

  it('the riskiest control wins whatever the order, and a lower one never lowers the tier', () => {
    const controls = [
      { kind: 'trading_lock' as const, reason: ROUTINE },
      { kind: 'withdrawal_lock' as const, reason: ROUTINE },
      { kind: 'login_lock' as const, reason: ROUTINE },
      { kind: 'account_freeze' as const, reason: ROUTINE },
    ];
    const result = assessRiskTier(input({ type: 'unfreeze', controls }));
    expect(result).toEqual({
      tier: 'high',
      reasons: [
        'unfreeze case starts at low',
        'lifting trading_lock is medium',
        'lifting withdrawal_lock is high',
      ],
    });
    expect(assessRiskTier(input({ type: 'unfreeze', controls: [...controls].reverse() })).tier).toBe('high');
  });
});

describe('assessRiskTier: the reason a control was put on', () => {
  const cases: { reason: string; tier: RiskTier; label: 'regulatory' | 'fraud' | null }[] = [
    { reason: 'OFAC sanctions screening hit', tier: 'critical', label: 'regulatory' },
    { reason: 'AML review pending', tier: 'critical', label: 'regulatory' },
    { reason: 'aml', tier: 'critical', label: 'regulatory' },
    { reason: 'suspected money laundering', tier: 'critical', label: 'regulatory' },
    { reason: 'law enforcement request', tier: 'critical', label: 'regulatory' },
    { reason: 'Law-Enforcement hold', tier: 'critical', label: 'regulatory' },
    { reason: 'lawenforcement ticket 42', tier: 'critical', label: 'regulatory' },
    { reason: 'court order 2024/17', tier: 'critical', label: 'regulatory' },
    { reason: 'SUBPOENA received', tier: 'critical', label: 'regulatory' },
    { reason: 'suspected fraud', tier: 'high', label: 'fraud' },
    { reason: 'account takeover reported', tier: 'high', label: 'fraud' },
    { reason: 'theft of funds', tier: 'high', label: 'fraud' },
    { reason: 'stolen phone', tier: 'high', label: 'fraud' },
    { reason: 'credentials compromised', tier: 'high', label: 'fraud' },
    { reason: 'romance scam victim', tier: 'high', label: 'fraud' },
    { reason: 'Phishing link clicked', tier: 'high', label: 'fraud' },
    { reason: 'FRAUD', tier: 'high', label: 'fraud' },
    // Both words: the regulatory row comes first and wins.
    { reason: 'fraud ring named in a court order', tier: 'critical', label: 'regulatory' },
    { reason: ROUTINE, tier: 'low', label: null },
    // "aml" only as a whole word: Hamlet and Amlodipine are not anti-money-laundering.
    { reason: 'moved to Hamlet street', tier: 'low', label: null },
    { reason: 'pharmacy purchase of amlodipine', tier: 'low', label: null },
    { reason: 'user asked for a break', tier: 'low', label: null },
  ];

  it.each(cases)('a login lock put on for "$reason" makes the case $tier', ({ reason, tier, label }) => {
    const result = assessRiskTier(input({ controls: [{ kind: 'login_lock', reason }] }));
    expect(result.tier).toBe(tier);
    expect(result.reasons).toEqual(
      label === null
        ? ['complaint case starts at low']
        : ['complaint case starts at low', `login_lock was applied for a ${label} reason`],
    );
  });

  it('a fraud reason on a control that is already high adds no reason', () => {
    const result = assessRiskTier(input({ controls: [{ kind: 'totp', reason: 'account takeover' }] }));
    expect(result).toEqual({
      tier: 'high',
      reasons: ['complaint case starts at low', 'lifting totp is high'],
    });
  });

  it('a regulatory reason on a high control raises it to critical and names both steps', () => {
    const result = assessRiskTier(
      input({ controls: [{ kind: 'account_freeze', reason: 'sanctions list' }] }),
    );
    expect(result).toEqual({
      tier: 'critical',
      reasons: [
        'complaint case starts at low',
        'lifting account_freeze is high',
        'account_freeze was applied for a regulatory reason',
      ],
    });
  });

  it('each control is judged on its own reason', () => {
    const result = assessRiskTier(
      input({
        controls: [
          { kind: 'login_lock', reason: ROUTINE },
          { kind: 'trading_lock', reason: 'phishing' },
        ],
      }),
    );
    expect(result).toEqual({
      tier: 'high',
      reasons: [
        'complaint case starts at low',
        'lifting trading_lock is medium',
        'trading_lock was applied for a fraud reason',
      ],
    });
  });
});

describe('assessRiskTier: business lines where money leaves quickly are at least medium', () => {
  const expected: Record<BusinessLine, RiskTier> = {
    spot: 'low',
    derivatives: 'low',
    margin: 'low',
    p2p: 'medium',
    earn: 'low',
    wallet: 'low',
    card: 'medium',
    fiat: 'medium',
  };

  it('covers every business line', () => {
    expect(Object.keys(expected).sort()).toEqual([...BusinessLineSchema.options].sort());
  });

  it.each(BusinessLineSchema.options)('a plain complaint on %s', (businessLine) => {
    const tier = expected[businessLine];
    expect(assessRiskTier(input({ businessLine }))).toEqual({
      tier,
      reasons:
        tier === 'low'
          ? ['complaint case starts at low']
          : ['complaint case starts at low', `business line ${businessLine} is at least medium`],
    });
  });

  it.each(['p2p', 'card', 'fiat'] as const)('%s does not lower a high case', (businessLine) => {
    const result = assessRiskTier(input({ businessLine, controls: [{ kind: 'totp', reason: ROUTINE }] }));
    expect(result).toEqual({
      tier: 'high',
      reasons: ['complaint case starts at low', 'lifting totp is high'],
    });
  });

  it('an unbind case on p2p is medium already, so the business line is not named', () => {
    expect(assessRiskTier(input({ type: 'unbind', businessLine: 'p2p' }))).toEqual({
      tier: 'medium',
      reasons: ['unbind case starts at medium'],
    });
  });
});

describe('assessRiskTier: hints from the intake', () => {
  const cases: { name: string; hints: RiskHints; tier: RiskTier; reasons: string[] }[] = [
    {
      name: 'a suspected account takeover makes a low case high',
      hints: { suspectedAccountTakeover: true },
      tier: 'high',
      reasons: ['complaint case starts at low', 'suspected account takeover'],
    },
    {
      name: 'a law-enforcement request makes a low case critical',
      hints: { lawEnforcementRequest: true },
      tier: 'critical',
      reasons: ['complaint case starts at low', 'law-enforcement request'],
    },
    {
      name: 'a high-value account raises a low case to medium',
      hints: { highValueAccount: true },
      tier: 'medium',
      reasons: ['complaint case starts at low', 'high-value account raises it to medium'],
    },
    {
      name: 'takeover and law enforcement together are critical, both named',
      hints: { suspectedAccountTakeover: true, lawEnforcementRequest: true },
      tier: 'critical',
      reasons: ['complaint case starts at low', 'suspected account takeover', 'law-enforcement request'],
    },
    {
      name: 'a takeover on a high-value account is raised one more level, to critical',
      hints: { suspectedAccountTakeover: true, highValueAccount: true },
      tier: 'critical',
      reasons: [
        'complaint case starts at low',
        'suspected account takeover',
        'high-value account raises it to critical',
      ],
    },
    {
      name: 'a law-enforcement request on a high-value account stays critical; the bump is not named',
      hints: { lawEnforcementRequest: true, highValueAccount: true },
      tier: 'critical',
      reasons: ['complaint case starts at low', 'law-enforcement request'],
    },
    {
      name: 'hints set to false change nothing',
      hints: { suspectedAccountTakeover: false, lawEnforcementRequest: false, highValueAccount: false },
      tier: 'low',
      reasons: ['complaint case starts at low'],
    },
    {
      name: 'an empty hints object changes nothing',
      hints: {},
      tier: 'low',
      reasons: ['complaint case starts at low'],
    },
  ];

  it.each(cases)('$name', ({ hints, tier, reasons }) => {
    expect(assessRiskTier(input({ hints }))).toEqual({ tier, reasons });
  });

  it('a takeover hint on a case that is already high is not named', () => {
    const result = assessRiskTier(
      input({ controls: [{ kind: 'email', reason: ROUTINE }], hints: { suspectedAccountTakeover: true } }),
    );
    expect(result).toEqual({
      tier: 'high',
      reasons: ['complaint case starts at low', 'lifting email is high'],
    });
  });
});

describe('assessRiskTier: the high-value bump raises one level and never past critical', () => {
  const cases: { from: RiskTier; given: Partial<RiskInput>; to: RiskTier }[] = [
    { from: 'low', given: {}, to: 'medium' },
    { from: 'medium', given: { type: 'unbind' }, to: 'high' },
    { from: 'high', given: { controls: [{ kind: 'withdrawal_lock', reason: ROUTINE }] }, to: 'critical' },
    {
      from: 'critical',
      given: { controls: [{ kind: 'login_lock', reason: 'court order' }] },
      to: 'critical',
    },
  ];

  it.each(cases)('a $from case on a high-value account becomes $to', ({ from, given, to }) => {
    const without = assessRiskTier(input(given));
    expect(without.tier).toBe(from);
    const withBump = assessRiskTier(input({ ...given, hints: { highValueAccount: true } }));
    expect(withBump.tier).toBe(to);
    expect(withBump.reasons).toEqual(
      from === to ? without.reasons : [...without.reasons, `high-value account raises it to ${to}`],
    );
  });

  it('the bump comes after every other input, so it raises the final tier', () => {
    const result = assessRiskTier(
      input({
        type: 'unbind',
        businessLine: 'card',
        controls: [{ kind: 'device', reason: ROUTINE }],
        hints: { highValueAccount: true },
      }),
    );
    expect(result).toEqual({
      tier: 'high',
      reasons: ['unbind case starts at medium', 'high-value account raises it to high'],
    });
  });
});

describe('assessRiskTier: tiers never go down', () => {
  const kinds = ControlKindSchema.options;
  const reasons = [ROUTINE, 'fraud', 'court order'];

  it.each(CaseTypeSchema.options)('adding any control to a %s case never lowers its tier', (type) => {
    const rank: Record<RiskTier, number> = { low: 0, medium: 1, high: 2, critical: 3 };
    for (const businessLine of BusinessLineSchema.options) {
      const base = assessRiskTier(input({ type, businessLine }));
      for (const kind of kinds) {
        for (const reason of reasons) {
          const withControl = assessRiskTier(input({ type, businessLine, controls: [{ kind, reason }] }));
          expect(rank[withControl.tier]).toBeGreaterThanOrEqual(rank[base.tier]);
          expect(withControl.reasons[0]).toBe(base.reasons[0]);
        }
      }
    }
  });
});
