import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { failingEventId, loadHistories, stepAt } from './histories.js';

const histories = loadHistories();

try {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
} catch {
  // Another test in this process made the runtime first; its logger is as quiet.
}

describe('recorded histories replay with the current workflow code', () => {
  it('has histories of every lifecycle path to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(13);
  });

  it.each(histories.map((h) => [h.file, h] as const))('%s', async (_file, recorded) => {
    try {
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') } },
        recorded.history,
        recorded.workflowId,
      );
    } catch (error) {
      const message = (error as Error).message;
      const eventId = failingEventId(recorded.history, message);
      throw new Error(
        `replaying case ${recorded.workflowId} (${recorded.file}) broke while the case was "${stepAt(recorded.history, eventId)}": ${message}\n` +
          'A change to workflow code that running cases replay must go behind patched(); see docs/adding-a-step.md.',
        { cause: error },
      );
    }
  });
});
