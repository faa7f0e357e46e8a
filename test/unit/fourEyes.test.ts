import { describe, expect, it } from 'vitest';
import type { FourEyesDecision } from '../../src/domain/fourEyes.js';
import { fourEyesReport, percentile } from '../../src/domain/fourEyes.js';
import { T0, WEEK_SECONDS, at, decisionsOf, expected, thresholds } from '../ops/fixtures/fourEyesHistory.js';

const week = { from: new Date(T0), to: new Date(at(WEEK_SECONDS)) };

describe('percentile', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.5, 7],
    [[10, 60], 0.5, 35],
    [[95, 10, 50, 20, 60, 30], 0.5, 40],
    [[10, 20], 0.9, 19],
    [[1, 2, 3, 4, 5], 0.9, 4.6],
  ])('of %j at %d is %d, as percentile_cont', (samples, p, value) => {
    if (value === null) expect(percentile(samples, p)).toBeNull();
    else expect(percentile(samples, p)).toBeCloseTo(value, 9);
  });
});

describe('the four-eyes report of the fixed week', () => {
  const report = fourEyesReport(decisionsOf(), week, thresholds);

  it('gives the team’s figures, leaving out the decision before the window', () => {
    expect(report.team).toEqual(expected.team);
  });

  it('gives each checker’s figures and their approval rate against the team’s', () => {
    expect(report.checkers.map((c) => c.checker)).toEqual(['carl', 'cat', 'cleo']);
    for (const row of report.checkers) {
      const { approvalRateVsTeam, ...rest } =
        expected.checkers[row.checker as keyof typeof expected.checkers];
      expect(row).toMatchObject(rest);
      expect(row.approvalRateVsTeam).toBeCloseTo(approvalRateVsTeam, 9);
    }
  });

  it('names the checkers who rejected nothing', () => {
    expect(report.neverRejected).toEqual(expected.neverRejected);
  });

  it('gives each maker–checker pair, by maker then checker', () => {
    expect(report.pairs.map((p) => [p.maker, p.checker])).toEqual([
      ['max', 'carl'],
      ['max', 'cleo'],
      ['mia', 'carl'],
      ['mia', 'cat'],
    ]);
    for (const pair of expected.pairs) {
      expect(report.pairs.find((p) => p.maker === pair.maker && p.checker === pair.checker)).toMatchObject(
        pair,
      );
    }
  });

  it('flags a maker whose proposals one checker mostly decides, and breaks a tie by the lower id', () => {
    expect(report.concentration).toEqual([
      { maker: 'mia', ...expected.concentration.mia, topChecker: 'cat' },
      { maker: 'max', ...expected.concentration.max, topChecker: 'carl' },
    ]);
  });

  it('does not flag a concentrated maker below the minimum number of proposals', () => {
    const strict = fourEyesReport(decisionsOf(), week, {
      ...thresholds,
      concentration: { share: 0.5, minProposals: 5 },
    });
    expect(strict.concentration.map((c) => c.flagged)).toEqual([false, false]);
  });

  it('states the thresholds it judged by', () => {
    expect(report.thresholds).toEqual({
      quickDecisionSeconds: 20,
      concentrationShare: 0.5,
      concentrationMinProposals: 4,
    });
  });
});

describe('the four-eyes report at its edges', () => {
  const decision = (overrides: Partial<FourEyesDecision>): FourEyesDecision => ({
    caseId: 'c1',
    proposalId: 'prop-1',
    maker: 'mia',
    checker: 'cat',
    decision: 'approved',
    at: at(100),
    viewedAt: null,
    evidenceCount: 0,
    evidenceOpenedAt: null,
    remindedAt: null,
    ...overrides,
  });

  it('has no rates without decisions', () => {
    const empty = fourEyesReport([], week, thresholds);
    expect(empty.team).toMatchObject({
      decisions: 0,
      approvalRate: null,
      medianSecondsFromView: null,
      quickShare: null,
    });
    expect([empty.checkers, empty.pairs, empty.concentration, empty.neverRejected]).toEqual([[], [], [], []]);
  });

  it('counts a decision at the window’s start and leaves out one at its end', () => {
    const report = fourEyesReport(
      [decision({ caseId: 'start', at: at(0) }), decision({ caseId: 'end', at: at(WEEK_SECONDS) })],
      week,
      thresholds,
    );
    expect(report.team.decisions).toBe(1);
  });

  it('counts a view at the moment of deciding as viewed and quick', () => {
    const report = fourEyesReport([decision({ viewedAt: at(100) })], week, thresholds);
    expect(report.team).toMatchObject({ viewed: 1, quickDecisions: 1, medianSecondsFromView: 0 });
  });

  it('does not count a rejection after a reminder as an approval after one', () => {
    const report = fourEyesReport([decision({ decision: 'rejected', remindedAt: at(50) })], week, thresholds);
    expect(report.team.approvalsAfterReminder).toBe(0);
  });

  it('does not count a proposal without evidence as evidence never opened', () => {
    const report = fourEyesReport([decision({ evidenceCount: 0 })], week, thresholds);
    expect(report.team.evidenceNeverOpened).toBe(0);
  });
});
