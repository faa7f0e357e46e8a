import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FieldProblem } from '../domain/errors.js';
import { ErrorCode } from '../domain/schemas/errors.js';

/** The one place an error code becomes an HTTP status. Exhaustive: a new code will not compile without one. */
export const errorStatus: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 400,
  malformed_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  separation_of_duties: 403,
  out_of_scope: 403,
  unmapped_identity: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_state: 409,
  already_decided: 409,
  already_delivered: 409,
  controls_changed: 409,
  control_conflict: 409,
  protected_control: 409,
  self_lockout: 409,
  last_admin: 409,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const titles: Record<ErrorCode, string> = {
  validation_failed: 'Request does not match its schema',
  malformed_json: 'Request body is not valid JSON',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  separation_of_duties: 'Separation of duties',
  out_of_scope: 'Outside your business lines',
  unmapped_identity: 'No dualkey role for this identity',
  csrf_failed: 'CSRF token missing or wrong',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  invalid_state: 'Not allowed in the current state',
  already_decided: 'Already decided',
  already_delivered: 'Already delivered',
  controls_changed: 'Controls changed',
  control_conflict: 'Control already claimed by another case',
  protected_control: 'Control owned by law enforcement',
  self_lockout: 'You cannot disable yourself',
  last_admin: 'The last enabled admin',
  idempotency_conflict: 'Idempotency-Key conflict',
  idempotency_in_progress: 'A request with this Idempotency-Key is still running',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

export const Problem = z
  .object({
    type: z.string().describe('URI naming the problem type'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: ErrorCode,
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

export function problemBody(code: ErrorCode, detail: string, errors?: FieldProblem[]): Problem {
  return {
    type: `urn:dualkey:problem:${code}`,
    title: titles[code],
    status: errorStatus[code],
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export function problemResponse(
  code: ErrorCode,
  detail: string,
  errors?: FieldProblem[],
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(problemBody(code, detail, errors)), {
    status: errorStatus[code],
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

const problemContent = { 'application/problem+json': { schema: Problem } };

/**
 * The client errors a route that takes no input can still meet: Node's HTTP server refuses a request it
 * cannot parse, or whose headers pass its 16 KiB limit, before any route sees it (a plain-text answer).
 */
export const refusedRequest = {
  '4XX': {
    description:
      '400 for a request the HTTP server cannot parse, 431 for headers over 16 KiB; before any route',
  },
};

/** OpenAPI response entries for the errors a route can answer with. */
export function problems(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'validation_failed or malformed_json',
    401: 'unauthenticated',
    403: 'forbidden, separation_of_duties, out_of_scope or unmapped_identity',
    404: 'not_found',
    409: 'invalid_state, already_decided, already_delivered, controls_changed, control_conflict, protected_control, self_lockout, last_admin, idempotency_conflict (the Idempotency-Key was used for another request) or idempotency_in_progress (its first request is still running; retry after Retry-After seconds)',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
    503: 'unavailable: Temporal or PostgreSQL unreachable, or no worker took the action in time',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status] ?? 'error', content: problemContent },
    ]),
  );
}
