import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { Context } from 'hono';
import { DomainError } from '../domain/errors.js';
import type { ApiDeps, AppEnv } from './context.js';
import { auditDenial, isDenial } from './denials.js';
import { problemResponse } from './errors.js';
import { authenticate } from './middleware/auth.js';
import { limitBody, requireJson } from './middleware/body.js';
import { compress } from './middleware/compress.js';
import { idempotency } from './middleware/idempotency.js';
import { observe } from './middleware/observe.js';
import { rateLimit } from './middleware/rateLimit.js';
import { isUnavailable } from './services/unavailable.js';
import * as codec from './routes/codec.js';
import * as consolePages from './routes/console.js';
import * as demoUsers from './routes/demoUsers.js';
import * as docs from './routes/docs.js';
import * as health from './routes/health.js';
import * as authConfig from './routes/auth_config.js';
import * as grantsApprove from './routes/v1_admin_grants_approve.js';
import * as grantsCreate from './routes/v1_admin_grants_create.js';
import * as grantsList from './routes/v1_admin_grants_list.js';
import * as grantsReject from './routes/v1_admin_grants_reject.js';
import * as adminNotifications from './routes/v1_admin_notifications.js';
import * as adminTokens from './routes/v1_admin_tokens.js';
import * as adminUsers from './routes/v1_admin_users_create.js';
import * as usersList from './routes/v1_admin_users_list.js';
import * as usersRevoke from './routes/v1_admin_users_revoke.js';
import * as campaignActions from './routes/v1_campaigns_actions.js';
import * as campaignsRead from './routes/v1_campaigns_read.js';
import * as casesCreate from './routes/v1_cases_create.js';
import * as caseActionRoutes from './routes/v1_cases_actions.js';
import * as caseEvents from './routes/v1_cases_events.js';
import * as casesRead from './routes/v1_cases_read.js';
import * as controls from './routes/v1_controls.js';
import * as events from './routes/v1_events.js';
import * as me from './routes/v1_me.js';
import * as people from './routes/v1_people.js';
import * as session from './routes/v1_session.js';
import * as liftTerms from './routes/v1_policy.js';
import * as reports from './routes/v1_reports_operations.js';
import * as fourEyesReport from './routes/v1_reports_four_eyes.js';
import * as workloadReport from './routes/v1_reports_workload.js';
import * as proposalViews from './routes/v1_proposal_views.js';
import * as riskSignals from './routes/v1_risk_signals.js';
import * as respond from './routes/respond.js';

const routeModules = [
  health,
  docs,
  consolePages,
  respond,
  demoUsers,
  authConfig,
  me,
  session,
  people,
  usersList,
  adminUsers,
  usersRevoke,
  adminTokens,
  grantsCreate,
  grantsList,
  grantsApprove,
  grantsReject,
  adminNotifications,
  controls,
  casesCreate,
  casesRead,
  caseEvents,
  events,
  liftTerms,
  caseActionRoutes,
  proposalViews,
  reports,
  fourEyesReport,
  workloadReport,
  riskSignals,
  campaignsRead,
  campaignActions,
  codec,
];

/**
 * The Web UI sends a batch of a history's payloads at once; Temporal caps one payload at 2 MB, so a batch
 * is allowed a few.
 */
const CODEC_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

async function toProblem(error: unknown, c: Context<AppEnv>): Promise<Response> {
  if (error instanceof DomainError) {
    const actor = c.get('actor') as AppEnv['Variables']['actor'] | undefined;
    if (actor && isDenial(error)) {
      await auditDenial(c.get('deps').db, error, {
        actor: actor.id,
        action: c.get('action') ?? `${c.req.method} ${c.req.path}`,
        caseId: c.get('caseId'),
      });
    }
    return problemResponse(error.code, error.detail, error.errors);
  }
  if (error instanceof HTTPException) {
    if (error.status === 400 && /json/i.test(error.message)) {
      return problemResponse('malformed_json', 'the request body is not valid JSON');
    }
    if (error.status === 413) return problemResponse('payload_too_large', error.message);
    // The route's own media-type check (an empty body sent as text/plain, `application/json;`).
    if (error.status === 415) {
      return problemResponse('unsupported_media_type', 'send the body as application/json');
    }
  }
  if (isUnavailable(error)) {
    c.get('deps').log.warn({ err: error, requestId: c.get('requestId') }, 'dependency unavailable');
    return problemResponse(
      'unavailable',
      'a dependency (Temporal, PostgreSQL or the account service) is unreachable; try again shortly',
    );
  }
  c.get('deps').log.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
  return problemResponse('internal', `something went wrong; quote request id ${c.get('requestId')}`);
}

/** Paths the app serves, as regular expressions, with the methods each accepts: for 404 versus 405. */
function methodsByPath(app: OpenAPIHono<AppEnv>): { pattern: RegExp; methods: Set<string> }[] {
  const table = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    const methods = table.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    table.set(route.path, methods);
  }
  return [...table].map(([path, methods]) => ({
    pattern: new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
    methods,
  }));
}

/** The document `/openapi.json` serves, built without any service: for linters and client generators. */
export function openApiDocument(origin: string): ReturnType<typeof docs.openApiDocumentOf> {
  const app = new OpenAPIHono<AppEnv>();
  for (const module of routeModules) module.register(app);
  return docs.openApiDocumentOf(app, origin);
}

export function createApp(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return undefined;
      const errors = result.error.issues.flatMap((issue) => {
        const at = issue.path.map(String);
        // An unknown field is reported at the field itself, not at the object holding it.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'unknown field' }));
        }
        return [{ path: at.join('.') || result.target, message: issue.message }];
      });
      return problemResponse(
        'validation_failed',
        `the request ${result.target} does not match its schema`,
        errors,
      );
    },
  });

  app.use('*', observe(deps), compress());
  app.use('/v1/*', limitBody(deps.settings.bodyLimitBytes), requireJson());
  app.use(
    '/v1/*',
    authenticate(),
    rateLimit(deps.settings.rateLimitPerMinute),
    idempotency(deps.settings.idempotencyLeaseMs),
  );
  // The Web UI calls the codec from its own origin, with the browser's credentials; not rate-limited, as
  // one history page is dozens of calls.
  app.use(
    '/codec/*',
    cors({
      origin: deps.settings.codecOrigins,
      credentials: true,
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
      maxAge: 600,
    }),
    limitBody(CODEC_BODY_LIMIT_BYTES),
    requireJson(),
    authenticate({ originsWithoutCsrf: deps.settings.codecOrigins }),
  );
  for (const module of routeModules) module.register(app);

  app.onError((error, c) => toProblem(error, c));
  let routes: ReturnType<typeof methodsByPath> | undefined;
  app.notFound((c) => {
    routes ??= methodsByPath(app);
    const allowed = routes.find((r) => r.pattern.test(c.req.path))?.methods;
    if (allowed && !allowed.has(c.req.method)) {
      return problemResponse('method_not_allowed', `${c.req.method} is not allowed here`, [], {
        allow: [...allowed].join(', '),
      });
    }
    return problemResponse('not_found', `no route ${c.req.method} ${c.req.path}`);
  });
  return app;
}
