import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

/**
 * The custom search attributes ops filter cases by in the Web UI and `temporal workflow list --query`.
 * Identifiers and categories only: no names, contact details or free text about the user.
 */
export const CaseTypeKey = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
export const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const BusinessLineKey = defineSearchAttributeKey('BusinessLine', SearchAttributeType.KEYWORD);
export const RiskTierKey = defineSearchAttributeKey('RiskTier', SearchAttributeType.KEYWORD);
export const AccountIdKey = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const AssigneeKey = defineSearchAttributeKey('Assignee', SearchAttributeType.KEYWORD);
export const SlaBreachedKey = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
/** Set when the case closes (lifted, reverted, expired…), so closed cases can be found by how they ended. */
export const OutcomeKey = defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD);

export const caseSearchAttributes = [
  CaseTypeKey,
  CaseStatusKey,
  BusinessLineKey,
  RiskTierKey,
  AccountIdKey,
  AssigneeKey,
  SlaBreachedKey,
  OutcomeKey,
] as const;
