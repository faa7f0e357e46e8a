import type { FourEyesReport } from './schemas/fourEyes.js';
import type { BusinessLine } from './vocabulary.js';

export type { FourEyesReport, ProposalView } from './schemas/fourEyes.js';

/** What a person can open of a proposal: the proposal itself, or the evidence it carries. */
export const proposalViewKinds = ['proposal', 'evidence'] as const;
export type ProposalViewKind = (typeof proposalViewKinds)[number];

/**
 * The audit action of a reminder about a pending proposal (its `details.proposalId` names it). An approval
 * given after one is counted: a nudge is when a second look is most likely to be skipped.
 */
export const PROPOSAL_REMINDED = 'proposal.reminded';

/** One checker's decision on one proposal, with what they had opened before it. */
export interface FourEyesDecision {
  caseId: string;
  proposalId: string;
  maker: string;
  checker: string;
  decision: 'approved' | 'rejected';
  at: string;
  /** The checker's first view of the proposal; null when never recorded. */
  viewedAt: string | null;
  evidenceCount: number;
  /** The checker's first opening of the evidence; null when never recorded. */
  evidenceOpenedAt: string | null;
  /** The first reminder about the proposal; null when none went out. */
  remindedAt: string | null;
}

/** The policy the report judges by (`fourEyes` in the policy, durations in milliseconds). */
export interface FourEyesThresholds {
  quickDecision: number;
  concentration: { share: number; minProposals: number };
}

export interface FourEyesWindow {
  from: Date;
  to: Date;
  businessLine?: BusinessLine | undefined;
}

/** Continuous percentile (linear interpolation between neighbours), as PostgreSQL's percentile_cont. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low]!;
  return lowValue + (rank - low) * (sorted[high]! - lowValue);
}

/** Seconds with millisecond precision, as the operations report gives them. */
const roundSeconds = (value: number | null) => (value === null ? null : Math.round(value * 1_000) / 1_000);

/**
 * A decision with its instants parsed, once: a decision counts in the team's, its checker's and its pair's
 * figures, and parsing the same text for each was most of the report's time.
 */
interface Timed {
  decision: FourEyesDecision;
  at: number;
  viewedAt: number | null;
  evidenceOpenedAt: number | null;
  remindedAt: number | null;
}

const parsed = (moment: string | null) => (moment === null ? null : Date.parse(moment));

const before = (moment: number | null, at: number) => moment !== null && moment <= at;

type Figures = FourEyesReport['team'];

function figuresOf(decisions: readonly Timed[], quickDecisionMs: number): Figures {
  const approvals = decisions.filter((t) => t.decision.decision === 'approved');
  const viewed = decisions.filter((t) => before(t.viewedAt, t.at));
  const fromView = viewed.map((t) => t.at - t.viewedAt!);
  const quick = fromView.filter((ms) => ms < quickDecisionMs).length;
  const median = percentile(fromView, 0.5);
  return {
    decisions: decisions.length,
    approvals: approvals.length,
    rejections: decisions.length - approvals.length,
    approvalRate: decisions.length === 0 ? null : approvals.length / decisions.length,
    viewed: viewed.length,
    unviewed: decisions.length - viewed.length,
    medianSecondsFromView: roundSeconds(median === null ? null : median / 1_000),
    quickDecisions: quick,
    quickShare: viewed.length === 0 ? null : quick / viewed.length,
    approvalsAfterReminder: approvals.filter((t) => before(t.remindedAt, t.at)).length,
    evidenceNeverOpened: decisions.filter(
      (t) => t.decision.evidenceCount > 0 && !before(t.evidenceOpenedAt, t.at),
    ).length,
  };
}

function groupBy<K extends string>(
  decisions: readonly Timed[],
  key: (d: FourEyesDecision) => K,
): Map<K, Timed[]> {
  const groups = new Map<K, Timed[]>();
  for (const t of decisions) {
    const k = key(t.decision);
    const group = groups.get(k);
    if (group) group.push(t);
    else groups.set(k, [t]);
  }
  return groups;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The four-eyes report over decisions taken in [from, to): how long checkers looked, how often they said
 * no, and whether makers keep reaching the same checker. Decisions outside the window are ignored, so a
 * caller may pass a superset.
 */
export function fourEyesReport(
  all: readonly FourEyesDecision[],
  window: FourEyesWindow,
  thresholds: FourEyesThresholds,
): FourEyesReport {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const decisions = all
    .map((d): Timed => ({
      decision: d,
      at: Date.parse(d.at),
      viewedAt: parsed(d.viewedAt),
      evidenceOpenedAt: parsed(d.evidenceOpenedAt),
      remindedAt: parsed(d.remindedAt),
    }))
    .filter((t) => t.at >= from && t.at < to);
  const { quickDecision } = thresholds;
  const team = figuresOf(decisions, quickDecision);

  const checkers = [...groupBy(decisions, (d) => d.checker)]
    .sort(([a], [b]) => byText(a, b))
    .map(([checker, own]) => {
      const figures = figuresOf(own, quickDecision);
      return {
        checker,
        ...figures,
        approvalRateVsTeam:
          figures.approvalRate === null || team.approvalRate === null
            ? null
            : figures.approvalRate - team.approvalRate,
        rejectedNothing: figures.rejections === 0,
      };
    });

  const byMaker = groupBy(decisions, (d) => d.maker);
  const pairs = [...groupBy(decisions, (d) => JSON.stringify([d.maker, d.checker]))]
    .map(([, own]) => {
      const { maker, checker } = own[0]!.decision;
      return {
        maker,
        checker,
        ...figuresOf(own, quickDecision),
        shareOfMaker: own.length / byMaker.get(maker)!.length,
      };
    })
    .sort((a, b) => byText(a.maker, b.maker) || byText(a.checker, b.checker));

  const concentration = [...byMaker]
    .map(([maker, own]) => {
      const proposal = ({ decision: d }: Timed) => JSON.stringify([d.caseId, d.proposalId]);
      const decided = new Set(own.map(proposal)).size;
      const perChecker = [...groupBy(own, (d) => d.checker)]
        .map(([checker, theirs]) => ({ checker, proposals: new Set(theirs.map(proposal)).size }))
        .sort((a, b) => b.proposals - a.proposals || byText(a.checker, b.checker));
      const top = perChecker[0]!;
      const share = top.proposals / decided;
      return {
        maker,
        decidedProposals: decided,
        topChecker: top.checker,
        topCheckerProposals: top.proposals,
        share,
        flagged: share > thresholds.concentration.share && decided >= thresholds.concentration.minProposals,
      };
    })
    .sort((a, b) => b.share - a.share || byText(a.maker, b.maker));

  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    businessLine: window.businessLine ?? null,
    thresholds: {
      quickDecisionSeconds: quickDecision / 1_000,
      concentrationShare: thresholds.concentration.share,
      concentrationMinProposals: thresholds.concentration.minProposals,
    },
    team,
    checkers,
    neverRejected: checkers.filter((c) => c.rejectedNothing).map((c) => c.checker),
    pairs,
    concentration,
  };
}
