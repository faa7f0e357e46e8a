import type { Permission } from '../../src/domain/permissions.js';

/**
 * Who may call each route, as reviewed by people rather than read back from the route: the authorization
 * matrix (test/api/authorization.test.ts) expects these, and test/unit/reviewedPermissions.test.ts names
 * every route whose declared permission differs. A new route, or a changed permission, is a row here that
 * a reviewer reads in the diff. `also` notes what a rule checks beyond the permission (a department, a
 * role, who the caller is on the case); the workflow and unit tests hold those.
 */
export const reviewedPermissions: Record<string, { permission: Permission | 'none'; also?: string }> = {
  'GET /v1/me': { permission: 'none', also: 'any valid token' },
  'PUT /v1/me/availability': { permission: 'none', also: 'any valid token; sets the caller’s own absence' },
  'POST /v1/session': { permission: 'none', also: 'any valid token; sets the session cookie' },
  'DELETE /v1/session': { permission: 'none', also: 'any valid token or session' },
  'GET /v1/people': { permission: 'case.read' },
  'POST /codec/decode': {
    permission: 'none',
    also: 'clear text only with case.read, for cases in the caller’s business lines',
  },
  'POST /codec/encode': { permission: 'none', also: 'any valid token or session' },
  'GET /v1/cases/{caseId}/assignees': { permission: 'case.read' },
  'GET /v1/admin/users': { permission: 'admin.users' },
  'POST /v1/admin/users': { permission: 'admin.users', also: 'privileged roles become a grant' },
  'POST /v1/admin/users/{userId}/revoke': { permission: 'admin.users' },
  'POST /v1/admin/users/{userId}/tokens': { permission: 'admin.users' },
  'DELETE /v1/admin/tokens/{tokenId}': { permission: 'admin.users' },
  'GET /v1/admin/notifications': { permission: 'admin.users' },
  'POST /v1/admin/notifications/{id}/retry': { permission: 'admin.users' },
  'POST /v1/admin/grants': { permission: 'admin.users' },
  'GET /v1/admin/grants': { permission: 'admin.users' },
  'POST /v1/admin/grants/{grantId}/approve': {
    permission: 'admin.users',
    also: 'not the requester, nor the user it widens',
  },
  'POST /v1/admin/grants/{grantId}/reject': { permission: 'admin.users' },
  'POST /v1/accounts/{accountId}/controls': { permission: 'controls.apply' },
  'GET /v1/accounts/{accountId}/controls': { permission: 'case.read' },
  'POST /v1/cases': { permission: 'case.create' },
  'GET /v1/cases': { permission: 'case.read' },
  'GET /v1/accounts/{accountId}/cases': { permission: 'case.read' },
  'GET /v1/cases/{caseId}': { permission: 'case.read' },
  'GET /v1/cases/{caseId}/audit': { permission: 'audit.read' },
  'GET /v1/cases/{caseId}/events': { permission: 'case.read' },
  'GET /v1/events': { permission: 'case.read' },
  'GET /v1/policy/reason-codes': { permission: 'case.read' },
  'GET /v1/policy/lift-terms': { permission: 'case.read' },
  'POST /v1/cases/{caseId}/claim': { permission: 'case.review' },
  'POST /v1/cases/{caseId}/release': { permission: 'case.review', also: 'the assignee, or case.release_any' },
  'POST /v1/cases/{caseId}/assign': { permission: 'case.release_any', also: 'to an eligible reviewer' },
  'POST /v1/cases/{caseId}/notes': { permission: 'case.review' },
  'POST /v1/cases/{caseId}/info-requests': { permission: 'case.review', also: 'the assignee' },
  'POST /v1/cases/{caseId}/info-responses': { permission: 'case.review' },
  'POST /v1/cases/{caseId}/escalations': { permission: 'case.escalate' },
  'POST /v1/cases/{caseId}/escalations/{escalationId}/answer': {
    permission: 'department.respond',
    also: 'a member of the escalation’s department',
  },
  'POST /v1/cases/{caseId}/proposals': { permission: 'removal.propose', also: 'the assignee' },
  'POST /v1/cases/{caseId}/proposals/{proposalId}/approve': {
    permission: 'removal.approve',
    also: 'not the maker or creator; the senior or compliance role the proposal needs',
  },
  'POST /v1/cases/{caseId}/proposals/{proposalId}/reject': { permission: 'removal.approve' },
  'POST /v1/cases/{caseId}/proposals/{proposalId}/withdraw': {
    permission: 'removal.propose',
    also: 'the maker',
  },
  'POST /v1/cases/{caseId}/proposals/{proposalId}/pass-on': {
    permission: 'removal.approve',
    also: 'the checker the proposal is offered to, while the offer binds',
  },
  'POST /v1/cases/{caseId}/resolve': { permission: 'case.review', also: 'the assignee' },
  'POST /v1/cases/{caseId}/revert': { permission: 'removal.revert' },
  'POST /v1/cases/{caseId}/reverification': { permission: 'case.review', also: 'not the maker' },
  'GET /v1/reports/operations': { permission: 'reports.read' },
  'GET /v1/reports/four-eyes': { permission: 'reports.read' },
  'GET /v1/reports/workload': { permission: 'reports.read' },
  'POST /v1/cases/{caseId}/proposals/{proposalId}/views': { permission: 'case.read' },
  'POST /v1/risk-signals': { permission: 'signals.ingest' },
  'POST /v1/campaigns': { permission: 'campaign.propose' },
  'GET /v1/campaigns': { permission: 'campaign.read' },
  'GET /v1/campaigns/{campaignId}': { permission: 'campaign.read' },
  'GET /v1/campaigns/{campaignId}/accounts': { permission: 'campaign.read' },
  'POST /v1/campaigns/{campaignId}/approve': {
    permission: 'campaign.approve',
    also: 'not the maker nor a checker of its sample; the senior and compliance roles the policy asks for',
  },
  'POST /v1/campaigns/{campaignId}/sample/{accountId}': {
    permission: 'campaign.check',
    also: 'neither the maker nor an approver',
  },
  'POST /v1/campaigns/{campaignId}/halt': {
    permission: 'campaign.approve',
    also: 'an approver of the campaign',
  },
  'POST /v1/campaigns/{campaignId}/resume': {
    permission: 'campaign.approve',
    also: 'each approver of the campaign',
  },
  'POST /v1/campaigns/{campaignId}/revert': { permission: 'removal.revert' },
  'POST /v1/campaigns/{campaignId}/withdraw': { permission: 'campaign.propose', also: 'the maker' },
  'POST /v1/campaigns/{campaignId}/amend': { permission: 'campaign.propose', also: 'the maker' },
  'POST /v1/campaigns/{campaignId}/excluded/cases': {
    permission: 'campaign.propose',
    also: 'each case within the caller’s business lines',
  },
};
