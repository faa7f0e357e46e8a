import { z } from 'zod';
import {
  agentAnswerChannels,
  assignmentModes,
  checkerRoutings,
  answerChannels,
  bindingKinds,
  businessLines,
  caseDeadlines,
  caseStatuses,
  caseTypes,
  channels,
  controlCategories,
  controlKinds,
  controlSources,
  controlStatuses,
  departments,
  evidenceKinds,
  exclusionReasons,
  outcomes,
  requiredRoles,
  restrictionKinds,
  reverificationMethods,
  riskTiers,
  severities,
} from '../vocabulary.js';

export const ExclusionReason = z.enum(exclusionReasons).meta({ id: 'ExclusionReason' });

export const CaseType = z.enum(caseTypes).meta({ id: 'CaseType' });
export type CaseType = z.infer<typeof CaseType>;

export const CaseStatus = z.enum(caseStatuses).meta({ id: 'CaseStatus' });
export type CaseStatus = z.infer<typeof CaseStatus>;

export const Outcome = z.enum(outcomes).meta({ id: 'Outcome' });
export type Outcome = z.infer<typeof Outcome>;

export const CaseDeadline = z.enum(caseDeadlines).meta({ id: 'CaseDeadline' });
export type CaseDeadline = z.infer<typeof CaseDeadline>;

export const RiskTier = z.enum(riskTiers).meta({ id: 'RiskTier' });
export type RiskTier = z.infer<typeof RiskTier>;

export const BusinessLine = z.enum(businessLines).meta({ id: 'BusinessLine' });
export type BusinessLine = z.infer<typeof BusinessLine>;

export const Channel = z.enum(channels).meta({ id: 'Channel' });
export const AnswerChannel = z.enum(answerChannels).meta({ id: 'AnswerChannel' });
export type AnswerChannel = z.infer<typeof AnswerChannel>;
export const AgentAnswerChannel = z.enum(agentAnswerChannels);
export type Channel = z.infer<typeof Channel>;

export const Department = z.enum(departments).meta({ id: 'Department' });
export type Department = z.infer<typeof Department>;

export const Severity = z.enum(severities).meta({ id: 'Severity' });
export type Severity = z.infer<typeof Severity>;

export const ControlCategory = z.enum(controlCategories).meta({ id: 'ControlCategory' });
export type ControlCategory = z.infer<typeof ControlCategory>;

export const RestrictionKind = z.enum(restrictionKinds);
export type RestrictionKind = z.infer<typeof RestrictionKind>;

export const BindingKind = z.enum(bindingKinds);
export type BindingKind = z.infer<typeof BindingKind>;

export const ControlKind = z.enum(controlKinds).meta({ id: 'ControlKind' });
export type ControlKind = z.infer<typeof ControlKind>;

export const ControlSource = z.enum(controlSources).meta({ id: 'ControlSource' });
export type ControlSource = z.infer<typeof ControlSource>;

export const EvidenceKind = z.enum(evidenceKinds).meta({ id: 'EvidenceKind' });
export type EvidenceKind = z.infer<typeof EvidenceKind>;

export const ControlStatus = z.enum(controlStatuses).meta({ id: 'ControlStatus' });
export type ControlStatus = z.infer<typeof ControlStatus>;

/** A role a quorum or a reason code asks one of the checkers to hold. */
export const RequiredRole = z.enum(requiredRoles).meta({ id: 'RequiredRole' });
export type RequiredRole = z.infer<typeof RequiredRole>;

export const ReverificationMethod = z.enum(reverificationMethods).meta({ id: 'ReverificationMethod' });
export type ReverificationMethod = z.infer<typeof ReverificationMethod>;

/** Whether an audited attempt went through or was refused. */
export const AuditOutcome = z.enum(['accepted', 'denied']).meta({ id: 'AuditOutcome' });
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export const AssignmentMode = z.enum(assignmentModes).meta({ id: 'AssignmentMode' });
export type AssignmentMode = z.infer<typeof AssignmentMode>;

export const CheckerRouting = z.enum(checkerRoutings).meta({ id: 'CheckerRouting' });
export type CheckerRouting = z.infer<typeof CheckerRouting>;
