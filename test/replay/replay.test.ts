import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { ENCRYPTED_ENCODING, EncryptionCodec, metadataKeys } from '../../src/temporal/codec/codec.js';
import { KeyFileSchema, Keyring } from '../../src/temporal/codec/keys.js';
import type { RecordedHistory } from './histories.js';
import { decodePayload, failingEventId, loadHistories, replayKeys, stepAt } from './histories.js';

const histories = loadHistories();
/** As the workers run: histories written before the codec pass through it, later ones decrypt. */
const dataConverter = {
  payloadCodecs: [new EncryptionCodec(Keyring.fromFile(KeyFileSchema.parse(replayKeys)))],
};

try {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
} catch {
  // Another test in this process made the runtime first; its logger is as quiet.
}

describe('recorded histories replay with the current workflow code', () => {
  it('has histories of every lifecycle path to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(13);
  });

  it('has histories recorded with the payload codec, each opened with the replay key', () => {
    const startInput = (h: RecordedHistory) =>
      h.history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const sealed = Buffer.from(ENCRYPTED_ENCODING).toString('base64');
    const encrypted = histories.filter((h) => startInput(h)?.metadata?.[metadataKeys.encoding] === sealed);
    expect(encrypted.length).toBeGreaterThanOrEqual(13);
    // Opened, the start input is the run's JSON again: a case's, a revert's or a campaign's.
    for (const h of encrypted) {
      const input = decodePayload(startInput(h));
      expect({ file: h.file, opened: typeof input }).toEqual({ file: h.file, opened: 'object' });
    }
  });

  it.each(histories.map((h) => [h.file, h] as const))('%s', async (_file, recorded) => {
    try {
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter },
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
