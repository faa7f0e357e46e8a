import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';

export function createLogger(level: Env['LOG_LEVEL'], name = 'dualkey'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

/**
 * The worker's SDK runtime: our own shutdown (no SDK signal handlers), core logs from WARN, and runtime
 * metrics for Prometheus on WORKER_METRICS_PORT.
 */
export function installSdkRuntime(env: Pick<Env, 'LOG_LEVEL' | 'HOST' | 'WORKER_METRICS_PORT'>): void {
  Runtime.install({
    logger: sdkLogger(env.LOG_LEVEL),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
      metrics: { prometheus: { bindAddress: `${env.HOST}:${env.WORKER_METRICS_PORT}` } },
    },
  });
}

/** The Temporal SDK's own log (bundling, worker state changes) is only worth seeing when debugging. */
export function sdkLogger(level: Env['LOG_LEVEL']): DefaultLogger {
  return new DefaultLogger(level === 'debug' || level === 'trace' ? 'DEBUG' : 'WARN');
}
