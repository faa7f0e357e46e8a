import type { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from '@hono/zod-openapi';
import { z as zod } from '@hono/zod-openapi';
import type { Permission } from '../../domain/permissions.js';
import {
  AmendCampaignInput,
  CommentInput,
  CreateCampaignInput,
  ExcludedCasesResult,
  ReasonInput,
  SampleCheckInput,
} from '../../domain/schemas/campaigns.js';
import { openExcludedCases } from '../services/campaignCases.js';
import type { CampaignUpdateName } from '../services/campaigns.js';
import type { Campaign } from '../../domain/schemas/campaigns.js';
import { ApiCampaign, CampaignParams, SampleParams, toApiCampaign } from '../campaignSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonBody, jsonContent } from '../schemas.js';
import type { Context } from 'hono';

async function view(c: Context<AppEnv>, campaign: Campaign) {
  const { campaigns, settings } = c.get('deps');
  return toApiCampaign(campaign, await campaigns.counts(campaign), c.get('actor'), settings);
}

const actions: {
  action: Exclude<CampaignUpdateName, 'checkSample'>;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  permission: Permission;
  body: z.ZodType;
}[] = [
  {
    action: 'approve',
    path: '/approve',
    operationId: 'approveCampaign',
    summary: 'Approve a campaign',
    description:
      'One of the distinct approvals the policy asks for (default: a `senior` and a `compliance`), never by the maker nor by a checker of its sample. Once the approvals and every sampled account are in, the included set is resolved again: if it changed, the approvals are void.',
    permission: 'campaign.approve',
    body: CommentInput,
  },
  {
    action: 'halt',
    path: '/halt',
    operationId: 'haltCampaign',
    summary: 'Halt a campaign at once',
    description:
      'Any approver stops a running campaign: no further account is lifted until every approver resumes it.',
    permission: 'campaign.approve',
    body: ReasonInput,
  },
  {
    action: 'resume',
    path: '/resume',
    operationId: 'resumeCampaign',
    summary: 'Ask to resume a halted campaign',
    description: 'The campaign goes on once every one of its approvers has asked again.',
    permission: 'campaign.approve',
    body: CommentInput,
  },
  {
    action: 'revert',
    path: '/revert',
    operationId: 'revertCampaign',
    summary: 'Revert every lift of a campaign',
    description:
      'Reverts every lift of the campaign still in its revert window, retried to success: each account’s snapshot is re-applied exactly, and a control someone changed or re-applied since is left alone and reported on the account.',
    permission: 'removal.revert',
    body: ReasonInput,
  },
  {
    action: 'withdraw',
    path: '/withdraw',
    operationId: 'withdrawCampaign',
    summary: 'Withdraw a campaign before it lifts',
    description:
      'The maker withdraws a campaign that has lifted nothing, for instance after a rejected sample.',
    permission: 'campaign.propose',
    body: ReasonInput,
  },
  {
    action: 'amend',
    path: '/amend',
    operationId: 'amendCampaign',
    summary: 'Amend a campaign before it lifts',
    description:
      'The maker amends a campaign a rejected sample halted, or one still awaiting approval: accounts taken out by name with a reason (`excluded_by_maker`), a new selector, or both. The dry run runs again, a new digest is pinned, every approval and sample check so far is void, and a new sample is drawn with a new seed on the campaign’s chain (`campaign.amended`). Refused (400) while a sampled account a checker rejected, in any round, would still be lifted.',
    permission: 'campaign.propose',
    body: AmendCampaignInput,
  },
];

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/campaigns',
      operationId: 'createCampaign',
      summary: 'Propose an incident lift campaign',
      description:
        'Resolves the selector to accounts and their active restrictions (the dry run) and answers with it: matched, included, and excluded by the single-case rules with the reason per account (see `GET /v1/campaigns/{campaignId}/accounts`). The included set is pinned by its digest; a random sample is drawn from it with a seed written to the campaign’s audit chain.',
      tags: ['campaigns'],
      permission: 'campaign.propose',
      request: { body: jsonBody(CreateCampaignInput) },
      responses: {
        201: jsonContent(ApiCampaign, 'the campaign and its dry run, awaiting approval'),
        ...problems(400, 401, 403, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const campaign = await c
        .get('deps')
        .campaigns.propose(c.get('actor'), c.req.valid('json'), c.req.header('idempotency-key'));
      return c.json(await view(c, campaign), 201);
    },
  );

  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/campaigns/{campaignId}/sample/{accountId}',
      operationId: 'checkCampaignSample',
      summary: 'Check one sampled account',
      description:
        'A checker who is neither the maker nor an approver approves or rejects one account of the sample, with a comment. Any rejection halts the campaign for the maker to withdraw it.',
      tags: ['campaigns'],
      permission: 'campaign.check',
      request: { params: SampleParams, body: jsonBody(SampleCheckInput) },
      responses: {
        200: jsonContent(ApiCampaign, 'the campaign after the check'),
        ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { campaignId, accountId } = c.req.valid('param');
      const campaign = await c
        .get('deps')
        .campaigns.act(
          c.get('actor'),
          campaignId,
          'checkSample',
          { accountId, ...c.req.valid('json') },
          c.req.header('idempotency-key'),
        );
      return c.json(await view(c, campaign), 200);
    },
  );

  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/campaigns/{campaignId}/excluded/cases',
      operationId: 'openExcludedCampaignCases',
      summary: 'Open ordinary cases for the accounts a campaign excluded',
      description:
        'One unfreeze case per excluded account, through the same intake as `POST /v1/cases`: the controls the campaign would lift that are still active, the exclusion and the campaign in its description, `linkedTo` naming the campaign; each on the campaign’s chain (`campaign.excluded_case_opened`) and shown on the account’s row of `GET …/accounts` (`caseId`). An account whose case the campaign opened before is skipped and reported, so a repeated request opens only what is missing. Needs `campaign.propose`; each case is on the business line of its controls, which must be in the caller’s scopes.',
      tags: ['campaigns'],
      permission: 'campaign.propose',
      request: { params: CampaignParams, body: jsonBody(zod.strictObject({})) },
      responses: {
        200: jsonContent(ExcludedCasesResult, 'the cases opened now, and the accounts skipped and why'),
        ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const campaign = await deps.campaigns.get(c.req.valid('param').campaignId);
      return c.json(await openExcludedCases(deps, c.get('actor'), campaign), 200);
    },
  );

  for (const spec of actions) {
    app.openapi(
      guardedRoute({
        method: 'post',
        path: `/v1/campaigns/{campaignId}${spec.path}`,
        operationId: spec.operationId,
        summary: spec.summary,
        description: spec.description,
        tags: ['campaigns'],
        permission: spec.permission,
        request: { params: CampaignParams, body: jsonBody(spec.body) },
        responses: {
          200: jsonContent(ApiCampaign, 'the campaign after the action'),
          ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
        },
      }),
      async (c) => {
        const { campaignId } = c.req.valid('param');
        const body = c.req.valid('json') as Record<string, unknown>;
        const campaign = await c
          .get('deps')
          .campaigns.act(c.get('actor'), campaignId, spec.action, body, c.req.header('idempotency-key'));
        return c.json(await view(c, campaign), 200);
      },
    );
  }
}
