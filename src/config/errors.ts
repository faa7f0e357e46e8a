/** A setting that cannot work as given; start-up prints its message alone, not a stack trace. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Something start-up needs is missing or taken (a port, a binary, a database); like a `ConfigError`,
 * the operator can fix it. It lives beside the configuration so that `src/db`, `src/temporal` and
 * `src/runtime` can all throw it without importing each other.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
