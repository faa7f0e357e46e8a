import type { ErrorCode } from './schemas/errors.js';
import { isOneOf } from './vocabulary.js';

export type { ErrorCode } from './schemas/errors.js';

/**
 * The closed set of machine-readable error codes. Workflow validators, activities and the API all speak
 * these words; only the HTTP edge turns them into status codes.
 */
export const errorCodes = [
  'validation_failed',
  'malformed_json',
  'unauthenticated',
  'forbidden',
  'separation_of_duties',
  'out_of_scope',
  'unmapped_identity',
  'csrf_failed',
  'not_found',
  'method_not_allowed',
  'invalid_state',
  'already_decided',
  'already_delivered',
  'controls_changed',
  'control_conflict',
  'protected_control',
  'self_lockout',
  'last_admin',
  'idempotency_conflict',
  'idempotency_in_progress',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  'internal',
] as const;

export interface FieldProblem {
  path: string;
  message: string;
}

/** A rule said no. Thrown by pure domain code; carries a stable code and a sentence for humans. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldProblem[],
    /** What the audit row of this refusal records besides the code, e.g. the permission lacking. */
    readonly context?: Record<string, unknown>,
  ) {
    super(detail);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return isOneOf(errorCodes, value);
}
