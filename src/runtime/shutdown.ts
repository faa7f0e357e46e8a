/** Ctrl-C reaches us from the terminal and again from npm/tsx relaying it; those are one request. */
const REPEAT_WINDOW_MS = 2_000;

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. Another signal well after the first exits at once,
 * for the operator who means it.
 */
export function onShutdown(stop: (signal: string) => Promise<void>, log: (line: string) => void): void {
  let stoppingSince: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < REPEAT_WINDOW_MS) return;
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    log(`${signal}: shutting down`);
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/** Start-up problems the operator can fix print as one message, not a stack trace. */
export function failStartup(error: unknown, log: (line: string) => void): never {
  const known = error instanceof Error && ['ConfigError', 'StartupError'].includes(error.name);
  log(
    known
      ? `dualkey cannot start: ${error.message}`
      : `dualkey cannot start: ${String((error as Error)?.stack ?? error)}`,
  );
  process.exit(1);
}
