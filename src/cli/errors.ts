/** Exit codes: 0 success, 1 a failed check or an unexpected error, 2 a usage or configuration problem. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the person at the terminal: printed as one line, never with a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failed,
  ) {
    super(message);
  }
}
