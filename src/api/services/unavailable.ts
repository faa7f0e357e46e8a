import { ServiceError, isGrpcServiceError } from '@temporalio/client';
import { DomainError } from '../../domain/errors.js';

/*
 * FAILED_PRECONDITION and ABORTED are engine states that pass: a query or update to a run whose workflow
 * task is being retried after a worker crash, or that no worker has polled for lately.
 */
const grpcUnavailable = new Set([
  1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 9 /* FAILED_PRECONDITION */,
  10 /* ABORTED */, 14 /* UNAVAILABLE */,
]);
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  // postgres.js: the connection closed, was ended or destroyed under a query, or could not be opened.
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/** PostgreSQL SQLSTATE classes that mean "the server is not there": connection exceptions, shutdown. */
function isPostgresDown(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

/** True when an error means a dependency (Temporal or PostgreSQL) cannot be reached right now. */
export function isUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DomainError) return e.code === 'unavailable';
    if (isGrpcServiceError(e) && grpcUnavailable.has(e.code)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (socketCodes.has(code) || isPostgresDown(code))) return true;
    const message = e instanceof Error ? e.message : '';
    if (/timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message))
      return true;
    if (e instanceof ServiceError && /unavailable|deadline|connect/i.test(message)) return true;
  }
  return false;
}

export function unavailable(detail: string, cause?: unknown): DomainError {
  const error = new DomainError('unavailable', detail);
  if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
  return error;
}
