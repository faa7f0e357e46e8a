import { ApplicationFailure } from '@temporalio/common';
import type { FieldProblem } from './errors.js';
import { DomainError, isErrorCode } from './errors.js';

/*
 * The one translation between a rule's refusal and what Temporal carries. A refusal crosses as an
 * ApplicationFailure whose `type` is the error code; everything but `unavailable` is final, so Temporal
 * never retries a "no".
 */

export function toFailure(error: DomainError): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.code,
    message: error.detail,
    nonRetryable: error.code !== 'unavailable',
    details: error.errors ? [error.errors] : [],
  });
}

/** A DomainError becomes its failure; anything else passes through unchanged. */
export function asFailure(error: unknown): unknown {
  return error instanceof DomainError ? toFailure(error) : error;
}

/**
 * The refusal inside a failure as Temporal reports it (an update's, an activity's or a child's), found
 * anywhere along its chain of causes; undefined when the failure is no refusal of ours.
 */
export function refusalIn(error: unknown): DomainError | undefined {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof DomainError) return cause;
    if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
      const errors = cause.details?.[0];
      return new DomainError(
        cause.type,
        cause.message,
        Array.isArray(errors) ? (errors as FieldProblem[]) : undefined,
      );
    }
  }
  return undefined;
}
