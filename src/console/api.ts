import createClient from 'openapi-fetch';
import type { components, paths } from './generated/api';
import { sessionEnded, sessionHeaders } from './session';

export type Case = components['schemas']['Case'];
export type AllowedAction = Case['allowedActions'][number];
export type ActionName = AllowedAction['action'];
export type Problem = components['schemas']['Problem'];
export type Control = components['schemas']['Control'];
export type Me = components['schemas']['Me'];

/** A problem document the API answered with, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `the API answered ${status}`);
  }
}

/** The browser sends the session cookie; each request that changes something adds the CSRF token. */
export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin' });

api.use({
  onRequest({ request }) {
    for (const [name, value] of Object.entries(sessionHeaders(request.method))) {
      request.headers.set(name, value);
    }
    return request;
  },
  onResponse({ response }) {
    // An ended session (signed out elsewhere, expired, user disabled): the app shows the sign-in page.
    if (response.status === 401) sessionEnded();
    return response;
  },
});

/** A problem document's fields, or none when the body was not one (a proxy's error page). */
function problemOf(body: unknown): Partial<Problem> {
  return typeof body === 'object' && body !== null ? body : {};
}

/** The data of an answer, or its problem as an ApiError. */
export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data !== undefined && answer.response.ok) return answer.data;
  throw new ApiError(answer.response.status, problemOf(answer.error));
}

/** Where each case action is sent; a new action in the API fails the typecheck until it is added here. */
const actionPaths = {
  claim: '/v1/cases/{caseId}/claim',
  release: '/v1/cases/{caseId}/release',
  assign: '/v1/cases/{caseId}/assign',
  addNote: '/v1/cases/{caseId}/notes',
  requestInfo: '/v1/cases/{caseId}/info-requests',
  respondInfo: '/v1/cases/{caseId}/info-responses',
  escalate: '/v1/cases/{caseId}/escalations',
  answerEscalation: '/v1/cases/{caseId}/escalations/{escalationId}/answer',
  propose: '/v1/cases/{caseId}/proposals',
  approve: '/v1/cases/{caseId}/proposals/{proposalId}/approve',
  reject: '/v1/cases/{caseId}/proposals/{proposalId}/reject',
  withdraw: '/v1/cases/{caseId}/proposals/{proposalId}/withdraw',
  passOn: '/v1/cases/{caseId}/proposals/{proposalId}/pass-on',
  resolve: '/v1/cases/{caseId}/resolve',
  revert: '/v1/cases/{caseId}/revert',
  recordReverification: '/v1/cases/{caseId}/reverification',
} as const satisfies Record<ActionName, keyof paths>;

type ActionPath<A extends ActionName> = (typeof actionPaths)[A];
// Distributes over a union of paths, so the body of "any action" is the union of their bodies.
type JsonBody<P extends keyof paths> = P extends keyof paths
  ? paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } }
    ? B
    : never
  : never;
export type ActionBody<A extends ActionName> = JsonBody<ActionPath<A>>;

export interface ActionRequest<A extends ActionName> {
  action: A;
  caseId: string;
  proposalId?: string | null;
  escalationId?: string | null;
  body?: ActionBody<A>;
  /** The same key on every retry of one decision, so the API applies it at most once. */
  idempotencyKey: string;
}

/** A fresh Idempotency-Key. Not crypto.randomUUID, which plain-HTTP origins other than localhost lack. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const retryDelaysMs = [1_000, 2_000, 4_000];

/**
 * Sends one case action. A 503 means the action may still apply; it is retried with the same
 * Idempotency-Key, so a late success is answered again instead of being applied twice.
 */
export async function act<A extends ActionName>(
  request: ActionRequest<A>,
  onRetry: (attempt: number) => void = () => undefined,
): Promise<Case> {
  const path = `${actionPaths[request.action]}`
    .replace('{caseId}', encodeURIComponent(request.caseId))
    .replace('{proposalId}', encodeURIComponent(request.proposalId ?? ''))
    .replace('{escalationId}', encodeURIComponent(request.escalationId ?? ''));
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'idempotency-key': request.idempotencyKey,
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...sessionHeaders('POST'),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    }).catch(() => undefined);
    const status = response?.status ?? 0;
    const retryable = status === 503 || status === 0;
    const delay = retryDelaysMs[attempt];
    if (retryable && delay !== undefined) {
      onRetry(attempt + 1);
      await new Promise((resolve) => setTimeout(resolve, delay));
      continue;
    }
    const payload: unknown = await response?.json().catch(() => ({}));
    if (response?.ok) return payload as Case;
    if (status === 401) sessionEnded();
    throw new ApiError(status, problemOf(payload));
  }
}
