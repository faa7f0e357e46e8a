import type { SearchAttributePair } from '@temporalio/common';
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import type { Case } from '../src/domain/case.js';

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

/**
 * What a case workflow starts with: its search attributes and memo, whoever starts it. `Assignee` only
 * when someone has the case: unassigned means absent, so `Assignee IS NULL` finds it.
 */
export function caseStartOptions(c: Case): {
  typedSearchAttributes: SearchAttributePair[];
  memo: Record<string, string>;
} {
  return {
    typedSearchAttributes: [
      { key: CaseTypeKey, value: c.type },
      { key: CaseStatusKey, value: c.status },
      { key: BusinessLineKey, value: c.businessLine },
      { key: RiskTierKey, value: c.riskTier },
      { key: AccountIdKey, value: c.accountId },
      ...(c.assignee === null ? [] : [{ key: AssigneeKey, value: c.assignee }]),
      { key: SlaBreachedKey, value: false },
    ],
    // What never changes: the step, which does, is in the run's current details.
    memo: { caseType: c.type, subject: c.subject.slice(0, 120), accountId: c.accountId },
  };
}

/** A campaign is found beside the cases: `CaseType = 'campaign'`, its status in `CaseStatus`. */
export function campaignStartOptions(c: { status: string; maker: string }): {
  typedSearchAttributes: SearchAttributePair[];
  memo: Record<string, string>;
} {
  return {
    typedSearchAttributes: [
      { key: CaseTypeKey, value: 'campaign' },
      { key: CaseStatusKey, value: c.status },
    ],
    memo: { caseType: 'campaign', maker: c.maker },
  };
}
