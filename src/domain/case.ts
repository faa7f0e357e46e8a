import type { Case, Evidence, Proposal } from './schemas/case.js';

export type {
  AccountHistoryEntry,
  AfterReview,
  Approval,
  Case,
  CampaignLink,
  CaseLink,
  LiftLink,
  Escalation,
  Evidence,
  InfoRequest,
  Lift,
  Note,
  Proposal,
  ProposalOffer,
  ProposalStatus,
  Reverification,
  RiskSignalRecord,
} from './schemas/case.js';

export function workflowIdFor(caseId: string): string {
  return `case-${caseId}`;
}

/** A late revert's compensation run: one per lift of a closed case. */
export function compensationWorkflowIdOf(c: Pick<Case, 'id'>, liftId: string): string {
  return `revert-${c.id}-${liftId}`;
}

/** A compensation run's id ends in its lift's, `lift-<n>` (`nextId`); the case id before it may hold dashes. */
const compensationRun = /^revert-(.+)-lift-\d+$/;

/**
 * The case a run is about: a case's own run, or the compensation run of one of its lifts, whose payloads,
 * decodes and audit rows are that case's. Undefined for any other run.
 */
export function caseIdOfWorkflow(workflowId: string): string | undefined {
  if (workflowId.startsWith('case-')) return workflowId.slice('case-'.length);
  return compensationRun.exec(workflowId)?.[1];
}

/**
 * What every case starts with before anything happens to it. A field added to `Case` later gets its
 * "nothing yet" value here and nowhere else: new cases start from it, and cases stored or started by older
 * code (in running workflows and in the projection) are filled in from it when read.
 */
export const caseStartsWith = () =>
  ({
    status: 'open',
    outcome: null,
    assignee: null,
    slaBreached: false,
    firstResponseDueAt: null,
    resolutionDueAt: null,
    missedDeadlines: [],
    escalations: [],
    proposals: [],
    notes: [],
    infoRequests: [],
    lifts: [],
    riskSignals: [],
    afterReviews: [],
    reverifications: [],
    revertRequest: null,
    controlOwners: {},
    accountHistory: [],
    linkedTo: null,
    reasonCodeVersion: null,
    resolution: null,
    revision: 0,
    firstClaimedAt: null,
    closedAt: null,
  }) satisfies Partial<Case>;

type StartingField = keyof ReturnType<typeof caseStartsWith>;

/** A stored case as older code wrote it: any starting field may be missing. */
export type StoredCase = Omit<Case, StartingField> & Partial<Pick<Case, StartingField>>;

/** Evidence recorded as plain text, before it had a kind, reads as evidence of kind `other`. */
export function upgradeEvidence(item: Evidence | string): Evidence {
  return typeof item === 'string' ? { kind: 'other', ref: item } : item;
}

/** A proposal as older code stored it: evidence as plain text, a single required role, no offer. */
type StoredProposal = Omit<Proposal, 'evidence' | 'requiredRoles' | 'offer'> & {
  evidence: (Evidence | string)[];
  requiredRoles?: Proposal['requiredRoles'];
  offer?: Proposal['offer'];
};

function upgradeProposal(stored: StoredProposal): Proposal {
  return {
    ...stored,
    evidence: stored.evidence.map(upgradeEvidence),
    requiredRoles: stored.requiredRoles ?? (stored.requiredRole === null ? [] : [stored.requiredRole]),
    offer: stored.offer ?? null,
  };
}

export function upgradeCase(stored: StoredCase): Case {
  // Object.assign rather than a second spread into the literal: V8 copies that one property by property
  // through its slow path, which made reading a page of 50 cases cost milliseconds.
  const c: Case = Object.assign(caseStartsWith(), stored);
  return { ...c, proposals: (c.proposals as StoredProposal[]).map(upgradeProposal) };
}

/** What a record of a case's progress carries in place of the whole case: the fields that changed. */
export type CaseChanges = Partial<Case> & Pick<Case, 'id' | 'accountId' | 'revision'>;

/**
 * The fields of `after` that no longer hold the values `before` held, with the id and account every
 * record needs. A rule builds the next case by spreading the last one, so a field it left alone keeps its
 * value by reference. Undefined when `after` lacks a field `before` had: merging the changes onto the
 * stored case could not remove it.
 */
export function changesSince(before: Case, after: Case): CaseChanges | undefined {
  const changes: Record<string, unknown> = {
    id: after.id,
    accountId: after.accountId,
    revision: after.revision,
  };
  for (const key of Object.keys(before)) if (!(key in after)) return undefined;
  for (const [key, value] of Object.entries(after)) {
    if (value !== before[key as keyof Case]) changes[key] = value;
  }
  return changes as CaseChanges;
}
