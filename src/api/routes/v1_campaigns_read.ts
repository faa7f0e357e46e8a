import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { CampaignAccountRow } from '../../db/campaigns.js';
import { CampaignAccountState } from '../../domain/schemas/campaigns.js';
import type { Campaign } from '../../domain/schemas/campaigns.js';
import { ApiCampaign, CampaignAccount, CampaignParams, toApiCampaign } from '../campaignSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonContent } from '../schemas.js';

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
});

const CampaignList = z
  .object({
    items: z.array(ApiCampaign),
    nextCursor: z.string().nullable().describe('null on the last page'),
  })
  .meta({ id: 'CampaignList' });

const AccountsQuery = z.strictObject({
  state: CampaignAccountState.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

const AccountPage = z
  .object({ items: z.array(CampaignAccount), nextCursor: z.string().nullable() })
  .meta({ id: 'CampaignAccountPage' });

function cursorOf(c: Campaign): string {
  return Buffer.from(JSON.stringify({ createdAt: c.createdAt, id: c.id })).toString('base64url');
}

function parseCursor(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as {
      createdAt?: unknown;
      id?: unknown;
    };
    if (typeof parsed.createdAt === 'string' && typeof parsed.id === 'string') {
      return { createdAt: parsed.createdAt, id: parsed.id };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function toAccount(
  row: CampaignAccountRow,
  campaign: Campaign,
  caseId: string | null,
): z.infer<typeof CampaignAccount> {
  return {
    accountId: row.accountId,
    state: row.state,
    exclusion: row.exclusion,
    controlIds: row.controls.map((c) => c.id),
    canary: row.canary,
    sampled: campaign.sample.includes(row.accountId),
    sampleDecision: campaign.sampleChecks.find((s) => s.accountId === row.accountId)?.decision ?? null,
    liftedAt: row.liftedAt?.toISOString() ?? null,
    monitorUntil: row.monitorUntil?.toISOString() ?? null,
    revertedAt: row.revertedAt?.toISOString() ?? null,
    leftAlone: row.leftAlone,
    failure: row.failure,
    caseId,
  };
}

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/campaigns',
      operationId: 'listCampaigns',
      summary: 'List incident lift campaigns',
      description: 'Campaigns newest first, each with its counts and what the caller may do.',
      tags: ['campaigns'],
      permission: 'campaign.read',
      request: { query: ListQuery },
      responses: {
        200: jsonContent(CampaignList, 'a page of campaigns'),
        ...problems(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const { campaigns, settings } = c.get('deps');
      const page = await campaigns.list(limit + 1, parseCursor(cursor));
      const items = await Promise.all(
        page
          .slice(0, limit)
          .map(async (campaign) =>
            toApiCampaign(campaign, await campaigns.counts(campaign), c.get('actor'), settings),
          ),
      );
      const last = page.length > limit ? page[limit - 1] : undefined;
      return c.json({ items, nextCursor: last ? cursorOf(last) : null }, 200);
    },
  );

  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/campaigns/{campaignId}',
      operationId: 'getCampaign',
      summary: 'Read a campaign',
      description:
        'The campaign with its counts: matched, excluded by reason, sampled approved and rejected, lifted, failed and reverted.',
      tags: ['campaigns'],
      permission: 'campaign.read',
      request: { params: CampaignParams },
      responses: { 200: jsonContent(ApiCampaign, 'the campaign'), ...problems(400, 401, 403, 404, 429, 503) },
    }),
    async (c) => {
      const { campaigns, settings } = c.get('deps');
      const campaign = await campaigns.get(c.req.valid('param').campaignId);
      return c.json(toApiCampaign(campaign, await campaigns.counts(campaign), c.get('actor'), settings), 200);
    },
  );

  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/campaigns/{campaignId}/accounts',
      operationId: 'listCampaignAccounts',
      summary: 'A campaign’s accounts, page by page',
      description:
        'Every account the selector matched, in account order: excluded ones with their reason and the ordinary case opened for them, included ones with their state, the sampled ones marked.',
      tags: ['campaigns'],
      permission: 'campaign.read',
      request: { params: CampaignParams, query: AccountsQuery },
      responses: {
        200: jsonContent(AccountPage, 'a page of accounts'),
        ...problems(400, 401, 403, 404, 429, 503),
      },
    }),
    async (c) => {
      const { campaigns } = c.get('deps');
      const { campaignId } = c.req.valid('param');
      const { state, limit, cursor } = c.req.valid('query');
      const campaign = await campaigns.get(campaignId);
      const rows = await campaigns.accounts(campaignId, { state, after: cursor, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const opened = await campaigns.casesOpened(
        campaignId,
        page.filter((row) => row.state === 'excluded').map((row) => row.accountId),
      );
      const items = page.map((row) => toAccount(row, campaign, opened.get(row.accountId) ?? null));
      return c.json(
        { items, nextCursor: rows.length > limit ? (items.at(-1)?.accountId ?? null) : null },
        200,
      );
    },
  );
}
