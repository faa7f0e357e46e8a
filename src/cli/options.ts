import { InvalidArgumentError } from 'commander';
import { CliError, ExitCode } from './errors.js';

export const maxListLimit = 1_000;

export function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > maxListLimit) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${maxListLimit}.`);
  }
  return n;
}

// A time without an offset would be read in the machine's zone; for a report that silently shifts the window.
const isoInstant = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

/** JavaScript rolls 2026-02-30 over into March; a typo in a date must fail, not move the window. */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** `2026-11-01` (midnight UTC) or a full ISO 8601 time with `Z` or an offset. */
export function parseInstant(value: string): Date {
  const text = value.trim();
  const at = isoInstant.test(text) && isCalendarDate(text) ? new Date(text) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError(
      'expected a date such as 2026-11-01 or a time such as 2026-11-01T09:00:00Z.',
    );
  }
  return at;
}

export function requireWindow(from: Date, to: Date): void {
  if (from.getTime() >= to.getTime()) throw new CliError('--from must be before --to', ExitCode.usage);
}
