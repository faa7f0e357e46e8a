/** Values a request needs to reach a real case, proposal, escalation, user, token, grant or account. */
export type RequestIds = {
  caseId: string;
  proposalId: string;
  escalationId: string;
  userId: string;
  tokenId: string;
  grantId: string;
  accountId: string;
  controlId: string;
  /** A notification delivery's id, as the outbox routes name it (`{id}`). */
  id: string;
  campaignId: string;
};

export interface MinimalRequest {
  body?: Record<string, unknown>;
  query?: string;
}

/**
 * The smallest valid request for each route of the app, keyed `METHOD /openapi/{path}`. A route missing
 * here makes the tests that need it fail, so a new route cannot slip past them.
 */
export function minimalRequests(ids: RequestIds): Record<string, MinimalRequest> {
  const day = 86_400_000;
  return {
    'GET /v1/me': {},
    'PUT /v1/me/availability': { body: { awayUntil: null } },
    'POST /v1/session': {},
    'DELETE /v1/session': {},
    'GET /v1/people': {},
    'POST /codec/decode': { body: { payloads: [] } },
    'POST /codec/encode': { body: { payloads: [] } },
    'GET /v1/cases/{caseId}/assignees': {},
    'GET /v1/admin/users': {},
    'POST /v1/admin/users/{userId}/revoke': { body: { roles: ['auditor'] } },
    'POST /v1/admin/grants': { body: { userId: ids.userId, roles: ['senior'] } },
    'GET /v1/admin/grants': { query: 'status=pending' },
    'POST /v1/admin/grants/{grantId}/approve': { body: { comment: 'Second pair of eyes.' } },
    'POST /v1/admin/grants/{grantId}/reject': { body: { comment: 'Not needed.' } },
    'POST /v1/admin/users': {
      body: { name: 'Matrix user', roles: ['checker'], businessLines: ['spot'], departments: [] },
    },
    'POST /v1/admin/users/{userId}/tokens': { body: { label: 'matrix' } },
    'DELETE /v1/admin/tokens/{tokenId}': {},
    'GET /v1/admin/notifications': { query: 'state=given_up&limit=5' },
    'POST /v1/admin/notifications/{id}/retry': { body: { comment: 'Receiver fixed.' } },
    'POST /v1/accounts/{accountId}/controls': {
      body: { category: 'restriction', kind: 'login_lock', businessLine: 'spot', reason: 'matrix check' },
    },
    'GET /v1/accounts/{accountId}/controls': {},
    'GET /v1/accounts/{accountId}/cases': { query: 'limit=5' },
    'GET /v1/policy/reason-codes': {},
    'POST /v1/campaigns': {
      body: {
        selector: { accountIds: [ids.accountId] },
        reasonCode: 'false_positive',
        justification: 'Rule 417 misfired.',
      },
    },
    'GET /v1/campaigns': { query: 'limit=5' },
    'GET /v1/campaigns/{campaignId}': {},
    'GET /v1/campaigns/{campaignId}/accounts': { query: 'limit=5' },
    'POST /v1/campaigns/{campaignId}/approve': { body: { comment: 'Checked the incident report.' } },
    'POST /v1/campaigns/{campaignId}/sample/{accountId}': {
      body: { decision: 'approved', comment: 'Only rule 417 froze it.' },
    },
    'POST /v1/campaigns/{campaignId}/halt': { body: { reason: 'New fraud reports.' } },
    'POST /v1/campaigns/{campaignId}/resume': { body: {} },
    'POST /v1/campaigns/{campaignId}/revert': { body: { reason: 'The rule was right.' } },
    'POST /v1/campaigns/{campaignId}/withdraw': { body: { reason: 'Amending the selector.' } },
    'POST /v1/campaigns/{campaignId}/amend': {
      body: {
        reason: 'Taking out the rejected account.',
        exclude: [{ accountId: ids.accountId, reason: 'chargeback' }],
      },
    },
    'POST /v1/campaigns/{campaignId}/excluded/cases': { body: {} },
    'POST /v1/cases': {
      body: {
        type: 'complaint',
        accountId: ids.accountId,
        businessLine: 'spot',
        channel: 'chat',
        subject: 'Cannot log in',
        description: 'The user is locked out after a password reset.',
      },
    },
    'GET /v1/cases': { query: `accountId=${ids.accountId}&limit=5` },
    'GET /v1/cases/{caseId}': {},
    'GET /v1/cases/{caseId}/audit': {},
    'GET /v1/cases/{caseId}/events': {},
    // The shortest stream the route allows, so a caller reading it to the end is not held for minutes.
    'GET /v1/events': { query: 'lifetime=1' },
    'GET /v1/policy/lift-terms': {},
    'POST /v1/cases/{caseId}/claim': {},
    'POST /v1/cases/{caseId}/release': {},
    'POST /v1/cases/{caseId}/assign': { body: { assignee: ids.userId, comment: 'Covering today.' } },
    'POST /v1/cases/{caseId}/notes': { body: { text: 'Called the user back.' } },
    'POST /v1/cases/{caseId}/info-requests': { body: { question: 'Please send a photo of your ID.' } },
    'POST /v1/cases/{caseId}/info-responses': { body: { answer: 'Photo received by email.' } },
    'POST /v1/cases/{caseId}/escalations': {
      body: { department: 'security', question: 'Is this login pattern an attack?' },
    },
    'POST /v1/cases/{caseId}/escalations/{escalationId}/answer': {
      body: { answer: 'No sign of an attack.' },
    },
    'POST /v1/cases/{caseId}/proposals': {
      body: {
        controlIds: [ids.controlId],
        reasonCode: 'verified_owner',
        justification: 'Owner verified on a video call.',
      },
    },
    'POST /v1/cases/{caseId}/proposals/{proposalId}/approve': { body: { comment: 'Looks right.' } },
    'POST /v1/cases/{caseId}/proposals/{proposalId}/reject': { body: { comment: 'Evidence is thin.' } },
    'POST /v1/cases/{caseId}/proposals/{proposalId}/withdraw': { body: { comment: 'Wrong controls named.' } },
    'POST /v1/cases/{caseId}/proposals/{proposalId}/pass-on': { body: { comment: 'I know the user.' } },
    'POST /v1/cases/{caseId}/resolve': {
      body: { outcome: 'resolved_no_action', summary: 'Explained the lock to the user.' },
    },
    'POST /v1/cases/{caseId}/revert': { body: { reason: 'The lift looks wrong.' } },
    'POST /v1/cases/{caseId}/reverification': { body: { outcome: 'passed', method: 'video_call' } },
    'GET /v1/reports/operations': {
      query: `from=${new Date(Date.now() - day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`,
    },
    'GET /v1/reports/four-eyes': {
      query: `from=${new Date(Date.now() - day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`,
    },
    'GET /v1/reports/workload': { query: 'businessLine=spot' },
    'POST /v1/cases/{caseId}/proposals/{proposalId}/views': { body: { what: 'proposal' } },
    'POST /v1/risk-signals': {
      body: {
        accountId: ids.accountId,
        signal: 'login.anomaly',
        severity: 'low',
        occurredAt: new Date().toISOString(),
      },
    },
  };
}
