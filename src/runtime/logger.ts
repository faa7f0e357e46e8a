import { DefaultLogger } from '@temporalio/worker';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';

export function createLogger(level: Env['LOG_LEVEL'], name = 'dualkey'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

/** The Temporal SDK's own log (bundling, worker state changes) is only worth seeing when debugging. */
export function sdkLogger(level: Env['LOG_LEVEL']): DefaultLogger {
  return new DefaultLogger(level === 'debug' || level === 'trace' ? 'DEBUG' : 'WARN');
}
