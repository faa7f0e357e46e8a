import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/errors.js';
import {
  auditJsonLines,
  caseDetails,
  caseTable,
  errorMessage,
  formatRate,
  formatSeconds,
  formatTimestamp,
  reportLines,
  table,
  verdictLine,
} from '../../src/cli/format.js';
import { parseInstant, parseLimit } from '../../src/cli/options.js';
import { bufferWriter } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/program.js';
import type { OperationsReport } from '../../src/db/reports.js';
import { GENESIS_HASH, chainHash } from '../../src/domain/auditChain.js';
import type { StoredEvent } from '../../src/domain/auditChain.js';
import type { Case } from '../../src/domain/case.js';
import { assessIntake, openCase } from '../../src/domain/lifecycle/intake.js';

function sampleCase(overrides: Partial<Case> = {}): Case {
  const input = {
    type: 'unfreeze',
    accountId: 'acct-1',
    businessLine: 'spot',
    channel: 'email',
    subject: 'Please lift the freeze',
    description: 'Verified on a call.',
  } as const;
  return {
    ...openCase('UNF-20261124-K7M2QX', input, assessIntake(input, []), 'agent-1', '2026-11-24T09:05:00.123Z'),
    ...overrides,
  };
}

function sampleReport(overrides: Partial<OperationsReport> = {}): OperationsReport {
  return {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
    businessLine: null,
    opened: [{ type: 'unfreeze', businessLine: 'spot', count: 12 }],
    closed: [{ type: 'unfreeze', businessLine: 'spot', outcome: 'lifted', count: 9 }],
    timeToFirstClaim: { samples: 11, medianSeconds: 65, p90Seconds: 182.4 },
    timeToClose: { samples: 9, medianSeconds: 7_380, p90Seconds: 100_800 },
    responseTimes: [
      {
        channel: 'email',
        riskTier: 'low',
        timeToFirstResponse: { samples: 11, medianSeconds: 65, p90Seconds: 182.4 },
        timeToResolution: { samples: 9, medianSeconds: 7_380, p90Seconds: 100_800 },
      },
    ],
    slaBreachRate: [{ department: 'security', escalations: 4, breached: 1, rate: 0.25 }],
    lifts: 10,
    reverts: 1,
    lateReverts: 1,
    revertRate: 0.2,
    lateRevertRate: 0.1,
    campaignLifts: 40,
    campaignReverts: 3,
    campaignRevertRate: 0.075,
    ...overrides,
  };
}

describe('table', () => {
  it('aligns columns two spaces apart and leaves no trailing blanks', () => {
    expect(
      table(
        ['ID', 'NAME'],
        [
          ['1', 'alpha'],
          ['22', ''],
        ],
      ),
    ).toEqual(['ID  NAME', '1   alpha', '22']);
  });

  it('widens a column to its longest cell', () => {
    expect(table(['A', 'B'], [['long value', 'x']])).toEqual(['A           B', 'long value  x']);
  });
});

describe('formatTimestamp', () => {
  it.each([
    ['2026-11-24T09:05:00.123Z', '2026-11-24 09:05:00Z'],
    ['2026-11-24T10:05:00+01:00', '2026-11-24 09:05:00Z'],
    [null, '-'],
    [undefined, '-'],
    ['not a time', 'not a time'],
  ])('%s reads as %s', (input, expected) => {
    expect(formatTimestamp(input)).toBe(expected);
  });
});

describe('formatSeconds', () => {
  it.each([
    [null, '-'],
    [0, '0s'],
    [2.345, '2.3s'],
    [45, '45s'],
    [59.6, '1m 00s'],
    [65, '1m 05s'],
    [3_600, '1h 00m'],
    [7_380, '2h 03m'],
    [100_800, '1d 04h'],
    [Number.NaN, '-'],
  ])('%s seconds reads as %s', (input, expected) => {
    expect(formatSeconds(input)).toBe(expected);
  });
});

describe('formatRate', () => {
  it.each([
    [null, '-'],
    [0, '0.0%'],
    [0.25, '25.0%'],
    [1 / 3, '33.3%'],
    [1.5, '150.0%'],
  ])('%s reads as %s', (input, expected) => {
    expect(formatRate(input)).toBe(expected);
  });
});

describe('caseTable', () => {
  it('shows one row per case with status, outcome and SLA state', () => {
    const open = sampleCase();
    const closed = sampleCase({
      id: 'UNF-20261124-AAAAAA',
      status: 'closed',
      outcome: 'lifted',
      assignee: 'agent-2',
      slaBreached: true,
    });
    const lines = caseTable([open, closed]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ID\s+TYPE\s+STATUS\s+LINE\s+TIER\s+ACCOUNT\s+ASSIGNEE\s+SLA\s+CREATED$/);
    expect(lines[1]).toMatch(
      /^UNF-20261124-K7M2QX\s+unfreeze\s+open\s+spot\s+\w+\s+acct-1\s+-\s+ok\s+2026-11-24 09:05:00Z$/,
    );
    expect(lines[2]).toContain('closed (lifted)');
    expect(lines[2]).toContain('agent-2');
    expect(lines[2]).toContain('BREACHED');
  });

  it('says so when nothing matches', () => {
    expect(caseTable([])).toEqual(['no cases match']);
  });
});

describe('caseDetails', () => {
  it('shows the fields an operator looks for, and sections only when they have entries', () => {
    const lines = caseDetails(sampleCase());
    expect(lines[0]).toBe('case:           UNF-20261124-K7M2QX (unfreeze)');
    expect(lines).toContain('assignee:       -');
    expect(lines).toContain('created:        2026-11-24 09:05:00Z by agent-1');
    expect(lines).toContain('workflow:       case-UNF-20261124-K7M2QX');
    expect(lines.join('\n')).not.toContain('escalations:');
  });

  it('lists escalations, lifts with their revert, and the resolution', () => {
    const c = sampleCase({
      status: 'closed',
      outcome: 'reverted',
      escalations: [
        {
          id: 'esc-1',
          department: 'security',
          question: 'Is the device known?',
          requestedBy: 'agent-1',
          requestedAt: '2026-11-24T09:10:00Z',
          dueAt: '2026-11-24T13:10:00Z',
          status: 'open',
          reminded: true,
          breached: true,
          answer: null,
          answeredBy: null,
          answeredAt: null,
        },
      ],
      lifts: [
        {
          id: 'lift-1',
          proposalId: 'prop-1',
          status: 'reverted',
          liftedAt: '2026-11-24T10:00:00Z',
          snapshot: [],
          monitoringUntil: '2026-11-25T10:00:00Z',
          coolingOff: null,
          revert: {
            requestedBy: 'risk-engine',
            reason: 'risk signal login.anomaly (high)',
            requestedAt: '2026-11-24T11:00:00Z',
            completedAt: '2026-11-24T11:00:02Z',
            withdrawalLockId: null,
          },
        },
      ],
      resolution: { by: 'agent-1', summary: 'Account taken over; kept frozen.' },
    });
    const text = caseDetails(c).join('\n');
    expect(text).toContain('status:         closed, outcome reverted');
    expect(text).toContain('escalations:\n  esc-1 security open BREACHED, due 2026-11-24 13:10:00Z');
    expect(text).toContain(
      'lifts:\n  lift-1 reverted, lifted 2026-11-24 10:00:00Z, reverted 2026-11-24 11:00:02Z: risk signal login.anomaly (high)',
    );
    expect(text).toContain('resolution:     Account taken over; kept frozen. (agent-1)');
  });
});

describe('caseDetails names who made and who decided each proposal', () => {
  it('names the maker and every checker, with the role an approval counted as', () => {
    const text = caseDetails(
      sampleCase({
        proposals: [
          {
            id: 'prop-1',
            controlIds: ['ctl-1'],
            controlVersions: { 'ctl-1': 1 },
            reasonCode: 'verified_owner',
            justification: 'Video call passed.',
            evidence: [],
            maker: 'lee.maker',
            requiredApprovals: 2,
            requiredRole: 'senior',
            requiredRoles: ['senior'],
            approvals: [
              { by: 'chen.checker', at: '2026-11-24T09:30:00Z', comment: null, countsAs: null },
              { by: 'sam.senior', at: '2026-11-24T09:40:00Z', comment: 'KYC matches.', countsAs: 'senior' },
            ],
            rejection: null,
            status: 'approved',
            createdAt: '2026-11-24T09:20:00Z',
            expiresAt: '2026-11-25T09:20:00Z',
            decidedAt: '2026-11-24T09:40:00Z',
            offer: null,
          },
          {
            id: 'prop-2',
            controlIds: ['ctl-2'],
            controlVersions: { 'ctl-2': 1 },
            reasonCode: 'verified_owner',
            justification: 'Second device.',
            evidence: [],
            maker: 'lee.maker',
            requiredApprovals: 1,
            requiredRole: null,
            requiredRoles: [],
            approvals: [],
            rejection: { by: 'chen.checker', at: '2026-11-24T10:00:00Z', comment: 'No recording.' },
            status: 'rejected',
            createdAt: '2026-11-24T09:50:00Z',
            expiresAt: '2026-11-25T09:50:00Z',
            decidedAt: '2026-11-24T10:00:00Z',
            offer: null,
          },
        ],
      }),
    ).join('\n');
    expect(text).toContain(
      [
        'proposals:',
        '  prop-1 approved, 2/2 approvals: ctl-1',
        '    made by lee.maker at 2026-11-24 09:20:00Z',
        '    approved by chen.checker at 2026-11-24 09:30:00Z',
        '    approved by sam.senior (as senior) at 2026-11-24 09:40:00Z: KYC matches.',
        '  prop-2 rejected, 0/1 approvals: ctl-2',
        '    made by lee.maker at 2026-11-24 09:50:00Z',
        '    rejected by chen.checker at 2026-11-24 10:00:00Z: No recording.',
      ].join('\n'),
    );
  });
});

describe('verdictLine', () => {
  it('reports an intact chain with its length', () => {
    expect(verdictLine('C-1', { ok: true, events: 6 })).toBe(
      'OK case C-1: 6 audit events, hash chain intact',
    );
  });

  it('names the first bad seq and the problem', () => {
    expect(verdictLine('C-1', { ok: false, seq: 3, problem: 'hash does not match the row' })).toBe(
      'BROKEN case C-1: seq 3: hash does not match the row',
    );
  });
});

describe('auditJsonLines', () => {
  it('writes one JSON object per row with exactly the exported fields, in order', () => {
    const first = {
      stream: 'C-1',
      seq: 1,
      at: '2026-11-24T09:05:00.000Z',
      actor: 'agent-1',
      action: 'case.opened',
      outcome: 'accepted' as const,
      details: { type: 'unfreeze' },
    };
    const event: StoredEvent = { ...first, prevHash: GENESIS_HASH, hash: chainHash(GENESIS_HASH, first) };
    const lines = auditJsonLines([event, { ...event, seq: 2 }]);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'seq',
      'at',
      'actor',
      'action',
      'outcome',
      'details',
      'prevHash',
      'hash',
    ]);
    expect(parsed).toMatchObject({ seq: 1, action: 'case.opened', details: { type: 'unfreeze' } });
    expect(JSON.parse(lines[1]!)).toMatchObject({ seq: 2 });
  });
});

describe('reportLines', () => {
  it('prints every figure of the report', () => {
    const text = reportLines(sampleReport()).join('\n');
    expect(text).toContain(
      'Operations report 2026-11-01 00:00:00Z to 2026-12-01 00:00:00Z, all business lines',
    );
    expect(text).toMatch(/Opened\nTYPE\s+LINE\s+COUNT\nunfreeze\s+spot\s+12/);
    expect(text).toMatch(/Closed\nTYPE\s+LINE\s+OUTCOME\s+COUNT\nunfreeze\s+spot\s+lifted\s+9/);
    expect(text).toMatch(/Time to first claim\s+11 cases\s+median 1m 05s\s+p90 3m 02s/);
    expect(text).toMatch(/Time to close\s+9 cases\s+median 2h 03m\s+p90 1d 04h/);
    expect(text).toMatch(
      /Response times by channel and tier\nCHANNEL\s+TIER\s+RESPONDED\s+P50\s+P90\s+RESOLVED\s+P50\s+P90\nemail\s+low\s+11\s+1m 05s\s+3m 02s\s+9\s+2h 03m\s+1d 04h/,
    );
    expect(text).toMatch(/security\s+4\s+1\s+25\.0%/);
    expect(text).toContain('Lifts 10, reverts 1, revert rate (wrong unfreezes) 20.0%');
    expect(text).toContain('Late reverts (after the case closed) 1, late revert rate 10.0%');
    expect(text).toContain('Campaign lifts 40, reverts 3, revert rate 7.5%');
  });

  it('says "none" for empty sections and "-" for figures without samples', () => {
    const text = reportLines(
      sampleReport({
        businessLine: 'earn',
        opened: [],
        closed: [],
        timeToFirstClaim: { samples: 0, medianSeconds: null, p90Seconds: null },
        timeToClose: { samples: 0, medianSeconds: null, p90Seconds: null },
        responseTimes: [],
        slaBreachRate: [],
        lifts: 0,
        reverts: 0,
        lateReverts: 0,
        revertRate: null,
        lateRevertRate: null,
      }),
    ).join('\n');
    expect(text).toContain('business line earn');
    expect(text).toContain('Opened\nnone');
    expect(text).toContain('Closed\nnone');
    expect(text).toMatch(/Time to first claim\s+0 cases\s+median -\s+p90 -/);
    expect(text).toContain('Response times by channel and tier\nnone');
    expect(text).toContain('SLA breaches by department\nno escalations');
    expect(text).toContain('Lifts 0, reverts 0, revert rate (wrong unfreezes) -');
  });
});

describe('errorMessage', () => {
  it('uses the message of an Error', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
  });

  it('joins the distinct inner messages of an AggregateError without its own', () => {
    const refused = new AggregateError([
      new Error('connect ECONNREFUSED ::1:5432'),
      new Error('connect ECONNREFUSED 127.0.0.1:5432'),
      new Error('connect ECONNREFUSED 127.0.0.1:5432'),
    ]);
    expect(errorMessage(refused)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('gives the reason of a failed query rather than its SQL', () => {
    const failed = new DrizzleQueryError(
      'select "data" from "cases"',
      [],
      new Error('connect ECONNREFUSED 127.0.0.1:1'),
    );
    expect(errorMessage(failed)).toBe('database: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('prints anything else as a string', () => {
    expect(errorMessage('plain')).toBe('plain');
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T09:30:00Z', '2026-11-01T09:30:00.000Z'],
    ['2026-11-01T09:30Z', '2026-11-01T09:30:00.000Z'],
    ['2026-11-01T10:30:00.250+01:00', '2026-11-01T09:30:00.250Z'],
  ])('accepts %s', (input, expected) => {
    expect(parseInstant(input).toISOString()).toBe(expected);
  });

  it.each(['yesterday', '2026-11-01T09:30:00', '2026-02-30', '2026-13-01', '01/11/2026', ''])(
    'refuses %j',
    (input) => {
      expect(() => parseInstant(input)).toThrow(/expected a date such as 2026-11-01/);
    },
  );
});

describe('parseLimit', () => {
  it.each([
    ['1', 1],
    ['50', 50],
    ['1000', 1_000],
  ])('accepts %s', (input, expected) => {
    expect(parseLimit(input)).toBe(expected);
  });

  it.each(['0', '-1', '1001', '2.5', 'ten', '1e3'])('refuses %j', (input) => {
    expect(() => parseLimit(input)).toThrow(/whole number from 1 to 1000/);
  });
});

describe('command-line arguments', () => {
  const noContext = () => {
    throw new Error('a bad command line must not reach the database');
  };

  it.each([
    [['cases', 'list', '--status', 'bogus'], /'--status <status>' argument 'bogus' is invalid/],
    [['cases', 'list', '--limit', '0'], /'--limit <n>' argument '0' is invalid/],
    [['report', 'operations', '--to', '2026-11-01'], /required option '--from <time>' not specified/],
    [['report', 'operations', '--from', 'nope', '--to', '2026-11-01'], /expected a date/],
    [['audit', 'verify'], /missing required argument 'caseId'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j is refused with one message and exit code 2', async (argv, message) => {
    const writer = bufferWriter();
    const code = await runCli(argv, { writer, context: noContext });
    expect(code).toBe(ExitCode.usage);
    expect(writer.stderr.join('\n')).toMatch(message);
    expect(writer.stderr.join('\n')).not.toMatch(/\n\s+at /);
    expect(writer.stdout).toEqual([]);
  });

  it('prints help with exit code 0', async () => {
    const writer = bufferWriter();
    expect(await runCli(['report', 'operations', '--help'], { writer, context: noContext })).toBe(0);
    expect(writer.stdout.join('\n')).toContain('--from <time>');
  });

  it('refuses a window that ends before it starts, before any query', async () => {
    const writer = bufferWriter();
    let closed = false;
    const code = await runCli(['report', 'operations', '--from', '2026-12-01', '--to', '2026-11-01'], {
      writer,
      context: () => ({
        writer,
        database: () => {
          throw new Error('no database in a unit test');
        },
        temporal: () => Promise.reject(new Error('no Temporal in a unit test')),
        dataConverter: () => ({}),
        close: () => {
          closed = true;
          return Promise.resolve();
        },
      }),
    });
    expect(code).toBe(ExitCode.usage);
    expect(writer.stderr).toEqual(['error: --from must be before --to']);
    expect(closed).toBe(true);
  });
});
