import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema/index.js';
import { issueToken } from '../../src/db/users.js';
import type { Permission } from '../../src/domain/permissions.js';
import { rolePermissions } from '../../src/domain/permissions.js';
import { httpActions } from '../../src/domain/schemas/caseActions.js';
import { Role } from '../../src/domain/schemas/permissions.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import type { DocumentedRoute } from '../support/openapi.js';
import {
  documentedRoutes,
  expectProblem,
  fillPath,
  openApiDocument,
  publicPaths,
  routeKey,
} from '../support/openapi.js';
import type { RequestIds } from '../support/requests.js';
import { minimalRequests } from '../support/requests.js';
import { reviewedPermissions } from '../support/reviewedPermissions.js';
import { applyControl, caseInput, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

// The route list is read from the app's own OpenAPI document before the tests are collected, so every
// route it serves gets a row in the matrix under its own name.
const api = await startApi();
afterAll(async () => api.stop());
const doc = await openApiDocument(api);
const routes = documentedRoutes(doc).filter((route) => !publicPaths.has(route.path));

function allows(role: Role, permission: Permission | 'none'): boolean {
  return permission === 'none' || rolePermissions[role].includes(permission);
}

/*
 * Each cell expects what the reviewed table says the route needs, not what the route declares, so a
 * route declaring the wrong permission fails here whoever wrote it; a route with no reviewed row is
 * expected to need a permission nobody holds, and fails for every role that gets past it.
 */
const matrix = routes.flatMap((route) =>
  route.permission === undefined
    ? []
    : Role.options.map((role) => {
        const permission = reviewedPermissions[routeKey(route)]?.permission ?? 'admin.users';
        return { route, role, permission, allowed: allows(role, permission) };
      }),
);

async function call(
  user: User,
  method: string,
  path: string,
  body?: unknown,
): ReturnType<ApiHarness['call']> {
  return api.call(method, path, { token: user.token, ...(body !== undefined ? { body } : {}) });
}

async function createCase(user: User, body: Record<string, unknown>): Promise<string> {
  const created = await call(user, 'POST', '/v1/cases', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

/** A low-tier unfreeze case claimed by `maker`, with a pending proposal by `maker`. */
async function pendingProposal(
  creator: User,
  maker: User,
): Promise<{ caseId: string; proposalId: string; accountId: string }> {
  const accountId = newAccountId();
  const control = await applyControl(api.services, accountId, 'login_lock');
  const caseId = await createCase(creator, { ...caseInput(accountId), controlIds: [control.id] });
  expect((await call(maker, 'POST', `/v1/cases/${caseId}/claim`)).status).toBe(200);
  const proposed = await call(maker, 'POST', `/v1/cases/${caseId}/proposals`, {
    controlIds: [control.id],
    reasonCode: 'verified_owner',
    justification: 'Owner verified on a video call.',
  });
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  const proposals = proposed.body.proposals as { id: string }[];
  return { caseId, proposalId: proposals.at(-1)?.id ?? '', accountId };
}

const caseReadActions: Record<string, string> = {
  'GET /v1/cases/{caseId}': 'getCase',
  'GET /v1/cases/{caseId}/audit': 'getCaseAudit',
  'GET /v1/cases/{caseId}/events': 'getCaseEvents',
  'GET /v1/cases/{caseId}/assignees': 'listAssignees',
  'POST /v1/cases/{caseId}/proposals/{proposalId}/views': 'proposal.viewed',
};

/**
 * Where a refusal is audited: on the case's own chain under the action's audit name for a route about a
 * case, on `access` under the method and path for any other.
 */
function deniedOn(route: DocumentedRoute, filled: string): { stream: string; action: string } {
  const caseId = /^\/v1\/cases\/([^/]+)/.exec(filled)?.[1];
  if (caseId === undefined || !route.path.startsWith('/v1/cases/{caseId}')) {
    return { stream: 'access', action: `${route.method} ${filled}` };
  }
  const declared = Object.values(httpActions).find((a) => a.route?.path === route.path);
  return { stream: caseId, action: declared?.rule.action ?? caseReadActions[routeKey(route)] ?? '' };
}

describe('the authorization matrix, generated from the role table and the served routes', () => {
  const users = new Map<Role, User>();
  const idsByRoute = new Map<string, RequestIds>();
  let defaults: RequestIds;

  beforeAll(async () => {
    for (const role of Role.options) {
      users.set(role, await api.user([role], role === 'department' ? { departments: ['security'] } : {}));
    }
    const owner = await api.user(['agent']);
    const accountId = newAccountId();
    const control = await applyControl(api.services, accountId, 'login_lock');

    // A case someone else holds, so assignee-only actions reach their rule and stop at invalid_state.
    const caseId = await createCase(owner, { ...caseInput(accountId), controlIds: [control.id] });
    expect((await call(owner, 'POST', `/v1/cases/${caseId}/claim`)).status).toBe(200);
    const escalated = await call(owner, 'POST', `/v1/cases/${caseId}/escalations`, {
      department: 'security',
      question: 'Is this login pattern an attack?',
    });
    expect(escalated.status).toBe(201);
    const escalationId = (escalated.body.escalations as { id: string }[])[0]?.id ?? '';

    const throwaway = await api.user(['checker']);
    const { id: tokenId } = await issueToken(api.services.database.db, throwaway.id);
    // A grant asked for by an admin outside the matrix, so the matrix's admin may decide it.
    const requester = await api.user(['admin']);
    const grant = await api.deps.access.requestGrant(requester, throwaway.id, { roles: ['compliance'] });
    defaults = {
      caseId,
      proposalId: 'prop-1',
      escalationId,
      userId: throwaway.id,
      tokenId,
      grantId: grant.id,
      accountId,
      controlId: control.id,
      // No delivery has this id: past the permission check is a 404, and no other file's delivery moves.
      id: String(Number.MAX_SAFE_INTEGER),
      campaignId: 'CAM-20261207-UNKNWN',
    };

    // Claiming and releasing get cases of their own, so the order the matrix runs in cannot matter.
    const claimCase = await createCase(owner, caseInput(newAccountId(), { type: 'complaint' }));
    const releaseCase = await createCase(owner, caseInput(newAccountId(), { type: 'complaint' }));
    const toApprove = await pendingProposal(owner, owner);
    const toReject = await pendingProposal(owner, owner);
    idsByRoute.set('POST /v1/cases/{caseId}/claim', { ...defaults, caseId: claimCase });
    idsByRoute.set('POST /v1/cases/{caseId}/release', { ...defaults, caseId: releaseCase });
    idsByRoute.set('POST /v1/cases/{caseId}/proposals/{proposalId}/approve', {
      ...defaults,
      ...toApprove,
    });
    idsByRoute.set('POST /v1/cases/{caseId}/proposals/{proposalId}/reject', { ...defaults, ...toReject });
  });

  it('every route of the app except the public ones declares its permission in the OpenAPI document', () => {
    const undeclared = routes.filter((route) => route.permission === undefined).map(routeKey);
    expect(undeclared).toEqual([]);
    expect(routes.length).toBeGreaterThanOrEqual(23);
  });

  it('every route of the app has a reviewed permission', () => {
    expect(routes.map(routeKey).filter((key) => !(key in reviewedPermissions))).toEqual([]);
  });

  it('every route of the app has a minimal request to send', () => {
    const known = minimalRequests(defaults);
    expect(routes.map(routeKey).filter((key) => !(key in known))).toEqual([]);
  });

  it(`covers ${routes.length} routes × ${Role.options.length} roles = ${matrix.length} calls`, () => {
    expect(matrix).toHaveLength(routes.length * Role.options.length);
    expect(matrix.filter((cell) => !cell.allowed).length).toBeGreaterThan(0);
    expect(matrix.filter((cell) => cell.allowed).length).toBeGreaterThan(0);
  });

  async function callAs(route: DocumentedRoute, user: User): ReturnType<ApiHarness['call']> {
    const ids = idsByRoute.get(routeKey(route)) ?? defaults;
    const request = minimalRequests(ids)[routeKey(route)] ?? {};
    const path = fillPath(route.path, ids) + (request.query ? `?${request.query}` : '');
    return call(user, route.method, path, request.body);
  }

  for (const { route, role, permission, allowed } of matrix) {
    const name = allowed
      ? `the ${role} role gets past the permission check of ${routeKey(route)} (${permission})`
      : `the ${role} role is refused ${routeKey(route)}, which needs ${permission}`;
    it(name, async () => {
      const user = users.get(role);
      if (!user) throw new Error(`no user for ${role}`);
      const response = await callAs(route, user);
      if (allowed) {
        expect(response.body.code, JSON.stringify(response.body)).not.toBe('forbidden');
        expect(response.status).not.toBe(401);
        expect(response.status).toBeLessThan(500);
        return;
      }
      expectProblem(response, 403, 'forbidden');
      const filled = fillPath(route.path, idsByRoute.get(routeKey(route)) ?? defaults);
      const { stream, action } = deniedOn(route, filled);
      const denials = await api.services.database.db
        .select()
        .from(auditEvents)
        .where(
          and(eq(auditEvents.stream, stream), eq(auditEvents.actor, user.id), eq(auditEvents.action, action)),
        );
      expect(denials).toHaveLength(1);
      expect(denials[0]).toMatchObject({ outcome: 'denied', details: { code: 'forbidden', permission } });
    });
  }
});

describe('who may act on what', () => {
  it('a refused route leaves a denied row on the access stream naming the permission', async () => {
    const checker = await api.user(['checker']);
    const refused = await call(checker, 'POST', '/v1/admin/users', {
      name: 'Sneaky',
      roles: ['admin'],
      businessLines: ['*'],
      departments: [],
    });
    expectProblem(refused, 403, 'forbidden');
    const rows = await api.services.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.stream, 'access'), eq(auditEvents.actor, checker.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'POST /v1/admin/users',
      outcome: 'denied',
      details: { code: 'forbidden', permission: 'admin.users' },
    });
  });

  it('an agent scoped to spot cannot read or claim a p2p case', async () => {
    const everywhere = await api.user(['agent']);
    const spotOnly = await api.user(['agent'], { businessLines: ['spot'] });
    const accountId = newAccountId();
    const p2pCase = await createCase(
      everywhere,
      caseInput(accountId, { type: 'complaint', businessLine: 'p2p' }),
    );

    expectProblem(await call(spotOnly, 'GET', `/v1/cases/${p2pCase}`), 403, 'out_of_scope');
    expectProblem(await call(spotOnly, 'POST', `/v1/cases/${p2pCase}/claim`), 403, 'out_of_scope');
    const created = await call(spotOnly, 'POST', '/v1/cases', {
      ...caseInput(accountId, { type: 'complaint', businessLine: 'p2p' }),
    });
    expectProblem(created, 403, 'out_of_scope');
    const listed = await call(spotOnly, 'GET', `/v1/cases?accountId=${accountId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);

    const read = await call(everywhere, 'GET', `/v1/cases/${p2pCase}`);
    expect(read.body).toMatchObject({ id: p2pCase, assignee: null, businessLine: 'p2p' });
  });

  it("a department member answers only their own department's escalations", async () => {
    const agent = await api.user(['agent']);
    const security = await api.user(['department'], { departments: ['security'] });
    const compliance = await api.user(['department'], { departments: ['compliance'] });
    const caseId = await createCase(agent, caseInput(newAccountId(), { type: 'complaint' }));
    const escalated = await call(agent, 'POST', `/v1/cases/${caseId}/escalations`, {
      department: 'compliance',
      question: 'May we share the statement with the user?',
    });
    expect(escalated.status).toBe(201);
    const escalationId = (escalated.body.escalations as { id: string }[])[0]?.id ?? '';

    const wrong = await call(security, 'POST', `/v1/cases/${caseId}/escalations/${escalationId}/answer`, {
      answer: 'Yes.',
    });
    expectProblem(wrong, 403, 'forbidden');

    const right = await call(compliance, 'POST', `/v1/cases/${caseId}/escalations/${escalationId}/answer`, {
      answer: 'Yes, after redacting the counterparties.',
    });
    expect(right.status).toBe(200);
    expect((right.body.escalations as Record<string, unknown>[])[0]).toMatchObject({
      status: 'answered',
      answeredBy: compliance.id,
    });
  });

  it('a maker cannot approve their own proposal, nor the creator of the case, and both refusals are audited', async () => {
    const creator = await api.user(['agent', 'checker']);
    const maker = await api.user(['agent', 'checker']);
    const checker = await api.user(['checker']);
    const auditor = await api.user(['auditor']);
    const { caseId, proposalId } = await pendingProposal(creator, maker);
    const approvePath = `/v1/cases/${caseId}/proposals/${proposalId}/approve`;

    const byMaker = await call(maker, 'POST', approvePath, { comment: 'Mine, and fine.' });
    expectProblem(byMaker, 403, 'separation_of_duties');
    const byCreator = await call(creator, 'POST', approvePath, { comment: 'I opened it.' });
    expectProblem(byCreator, 403, 'separation_of_duties');

    const byChecker = await call(checker, 'POST', approvePath, { comment: 'Evidence holds.' });
    expect(byChecker.status, JSON.stringify(byChecker.body)).toBe(200);
    const proposal = (byChecker.body.proposals as { id: string; approvals: { by: string }[] }[]).find(
      (p) => p.id === proposalId,
    );
    expect(proposal?.approvals.map((a) => a.by)).toEqual([checker.id]);

    const audit = await call(auditor, 'GET', `/v1/cases/${caseId}/audit`);
    expect(audit.status).toBe(200);
    expect(audit.body.verified).toBe(true);
    const denied = (audit.body.items as Record<string, unknown>[]).filter((e) => e.outcome === 'denied');
    expect(denied).toEqual([
      expect.objectContaining({
        actor: maker.id,
        action: 'proposal.approval_recorded',
        details: expect.objectContaining({ code: 'separation_of_duties' }) as unknown,
      }),
      expect.objectContaining({
        actor: creator.id,
        action: 'proposal.approval_recorded',
        details: expect.objectContaining({ code: 'separation_of_duties' }) as unknown,
      }),
    ]);
  });

  it('a checker cannot read the audit trail, and an auditor cannot act on a case', async () => {
    const agent = await api.user(['agent']);
    const checker = await api.user(['checker']);
    const auditor = await api.user(['auditor']);
    const caseId = await createCase(agent, caseInput(newAccountId(), { type: 'complaint' }));
    expectProblem(await call(checker, 'GET', `/v1/cases/${caseId}/audit`), 403, 'forbidden');
    expectProblem(await call(auditor, 'POST', `/v1/cases/${caseId}/claim`), 403, 'forbidden');
    const read = await call(auditor, 'GET', `/v1/cases/${caseId}`);
    expect(read.body).toMatchObject({ id: caseId, status: 'open', assignee: null });
  });
});
