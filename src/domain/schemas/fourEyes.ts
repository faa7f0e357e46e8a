import { z } from 'zod';
import { proposalViewKinds } from '../fourEyes.js';
import { Timestamp } from './case.js';
import { BusinessLine } from './vocabulary.js';

export const ProposalViewKind = z
  .enum(proposalViewKinds)
  .describe('`proposal`: the proposal was shown; `evidence`: its evidence was opened')
  .meta({ id: 'ProposalViewKind' });

export const ProposalView = z
  .object({
    caseId: z.string(),
    proposalId: z.string(),
    userId: z.string(),
    what: ProposalViewKind,
    firstViewedAt: Timestamp.describe('when this person first opened it; later views leave it unchanged'),
    first: z
      .boolean()
      .describe('true when this request was the first view, false when one was recorded before'),
  })
  .meta({ id: 'ProposalView' });
export type ProposalView = z.infer<typeof ProposalView>;

const count = z.number().int().min(0);
const rate = z.number().min(0).max(1);

/** What every row of the report says about a set of decisions. */
const DecisionFigures = z.object({
  decisions: count.describe('approvals and rejections in the window'),
  approvals: count,
  rejections: count,
  approvalRate: rate.nullable().describe('approvals / decisions; null without decisions'),
  viewed: count.describe('decisions whose checker had opened the proposal before deciding'),
  unviewed: count.describe(
    'decisions whose checker never opened the proposal first (a script or a client that does not say so)',
  ),
  medianSecondsFromView: z
    .number()
    .nullable()
    .describe('median time from the checker’s first view to the decision, over viewed decisions'),
  quickDecisions: count.describe('viewed decisions taken in less than the policy’s quick-decision threshold'),
  quickShare: rate.nullable().describe('quickDecisions / viewed; null when none was viewed'),
  approvalsAfterReminder: count.describe('approvals given after a reminder about the proposal'),
  evidenceNeverOpened: count.describe(
    'decisions on proposals carrying evidence that the checker had not opened before deciding',
  ),
});

export const FourEyesChecker = DecisionFigures.extend({
  checker: z.string().describe('user id of the checker'),
  approvalRateVsTeam: z
    .number()
    .nullable()
    .describe('this checker’s approval rate minus the team’s; positive approves more often than the team'),
  rejectedNothing: z.boolean().describe('true when the checker decided something and rejected none of it'),
}).meta({ id: 'FourEyesChecker' });

export const FourEyesPair = DecisionFigures.extend({
  maker: z.string(),
  checker: z.string(),
  shareOfMaker: rate.describe('this pair’s decisions / all decisions on the maker’s proposals'),
}).meta({ id: 'FourEyesPair' });

export const FourEyesConcentration = z
  .object({
    maker: z.string(),
    decidedProposals: count.describe('the maker’s proposals with a decision in the window'),
    topChecker: z.string().describe('the checker who decided most of them (the lowest id on a tie)'),
    topCheckerProposals: count,
    share: rate.describe('topCheckerProposals / decidedProposals'),
    flagged: z
      .boolean()
      .describe('share above the policy’s threshold with at least the policy’s minimum of decided proposals'),
  })
  .meta({ id: 'FourEyesConcentration' });

export const FourEyesReport = z
  .object({
    from: z.iso.datetime().describe('start of the window, inclusive'),
    to: z.iso.datetime().describe('end of the window, exclusive'),
    businessLine: z.union([BusinessLine, z.null()]).describe('the business line reported on; null for all'),
    thresholds: z
      .object({
        quickDecisionSeconds: z.number().describe('a viewed decision faster than this counts as quick'),
        concentrationShare: rate.describe('a maker whose top checker’s share is above this is flagged'),
        concentrationMinProposals: count.describe('…when the maker has at least this many decided proposals'),
      })
      .describe('the policy the figures were judged by'),
    team: DecisionFigures.describe('every decision in the window'),
    checkers: z.array(FourEyesChecker).describe('per checker, by user id'),
    neverRejected: z.array(z.string()).describe('checkers who decided in the window and rejected nothing'),
    pairs: z.array(FourEyesPair).describe('per maker and checker, by maker then checker'),
    concentration: z
      .array(FourEyesConcentration)
      .describe('per maker, the largest share of their proposals one checker decided; highest share first'),
  })
  .describe('how real the second look of maker-checker decisions was, over a time window')
  .meta({ id: 'FourEyesReport' });
export type FourEyesReport = z.infer<typeof FourEyesReport>;
