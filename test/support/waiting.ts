import type { Policy } from '../../src/domain/policy.js';

/** How long the wait helpers (`eventually`, `untilStatus`) wait for a condition by default. */
export const WAIT_TIMEOUT_MS = 90_000;

/** What a test policy's waits leave of that timeout, for a loaded machine to catch up. */
export const WAIT_MARGIN_MS = 30_000;

/** A wait at least this long is one no test runs into: it never fires within a test. */
export const NEVER_WITHIN_A_TEST_MS = 10 * 60_000;

/**
 * The durations of a test policy that tests may wait out, each short enough that the helpers see its
 * effect with the margin to spare; a wait this misses makes an unrelated test run out of time waiting
 * for something the new wait held up, which is a confusing failure. Throws naming every one that is not.
 */
export function assertWaitsFitTheHelpers(policy: Policy): void {
  const tooLong = durations(policy).filter(
    ({ ms }) => ms > WAIT_TIMEOUT_MS - WAIT_MARGIN_MS && ms < NEVER_WITHIN_A_TEST_MS,
  );
  if (tooLong.length === 0) return;
  const listed = tooLong.map(({ path, ms }) => `${path} (${ms / 1000} s)`).join(', ');
  throw new Error(
    `the test policy's ${listed} must be at most ${(WAIT_TIMEOUT_MS - WAIT_MARGIN_MS) / 1000} s, so the wait helpers' ` +
      `${WAIT_TIMEOUT_MS / 1000} s timeout outlasts it by ${WAIT_MARGIN_MS / 1000} s, or at least ` +
      `${NEVER_WITHIN_A_TEST_MS / 60_000} min, so no test runs into it`,
  );
}

function durations(value: unknown, path = ''): { path: string; ms: number }[] {
  if (typeof value === 'number') return [{ path, ms: value }];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => durations(inner, path ? `${path}.${key}` : key));
}
