/** SQLSTATE classes that waiting will not cure: bad credentials (28) or a database that does not exist (3D). */
function isMisconfigured(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('28') || code.startsWith('3D'));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/**
 * Runs `attempt` until it succeeds: a process started while PostgreSQL or Temporal is down waits for it
 * (backoff from 250 ms to `maxDelayMs`) instead of exiting, and says so once, then once more when the
 * dependency answers. Credentials or a database name that are wrong fail at once.
 */
export async function untilReachable<T>(
  what: string,
  attempt: () => Promise<T>,
  log: (line: string) => void,
  maxDelayMs = 5_000,
): Promise<T> {
  let delay = 250;
  let waiting = false;
  for (;;) {
    try {
      const result = await attempt();
      if (waiting) log(`${what} is reachable; going on`);
      return result;
    } catch (error) {
      if (isMisconfigured(error)) throw error;
      if (!waiting) {
        log(`waiting for ${what} (${firstLine(error)}); retrying with backoff until it answers`);
        waiting = true;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}
