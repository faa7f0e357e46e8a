import type { Logger } from 'pino';
import type { Assigner } from '../temporal/assignment.js';
import { startLoop } from './loop.js';

/**
 * Runs the assignment sweep every `intervalMs`: cases held by someone who went away are handed over, and
 * new cases intake could not assign are assigned. Several workers may sweep at once; a hand-over is keyed
 * by the case's revision, so two sweepers meeting on one case send it one action.
 */
export function startAssignmentSweep(options: { assigner: Assigner; intervalMs: number; log: Logger }): {
  stop(): Promise<void>;
} {
  return startLoop({
    intervalMs: options.intervalMs,
    tick: async () => {
      const { handedOver, failed } = await options.assigner.sweep();
      if (handedOver.length > 0) options.log.info({ handedOver }, 'assignment sweep handed cases over');
      for (const { caseId, error } of failed) {
        options.log.warn(
          { caseId, err: error },
          'assignment sweep could not hand a case over; next sweep retries',
        );
      }
      return 'idle';
    },
    onError: (error) => options.log.warn({ err: error }, 'assignment sweep failed; retrying'),
  });
}
