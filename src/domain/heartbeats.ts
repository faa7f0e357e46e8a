/**
 * How a dead worker's activity is noticed. Every activity heartbeats while it runs (the first beat only
 * once it has run this long, so the many that finish sooner send none), and Temporal gives an attempt up
 * when no beat came for the timeout: a killed worker's lift is retried elsewhere within seconds instead of
 * after the policy's `activities.attemptTimeout`, which stays the bound on a live attempt that hangs.
 * The SDK sends at most one beat per 80 % of the timeout, so the timeout leaves room for one late beat.
 */
export const ACTIVITY_HEARTBEAT_EVERY_MS = 1_000;
export const ACTIVITY_HEARTBEAT_TIMEOUT_MS = 4_000;
