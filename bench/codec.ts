import { defaultPayloadConverter } from '@temporalio/common';
import type { Case } from '../src/domain/case.js';
import { newKeyFile } from '../src/temporal/codec/keys.js';
import type { Services } from '../test/support/services.js';
import { connectServices } from '../test/support/services.js';
import type { ThrowawayStack } from '../test/support/stack.js';
import { makeCast } from '../test/support/world.js';
import type { Round } from './rounds.js';
import { cpuMsPerCase, dualkeySide, perMinute, runRound } from './rounds.js';
import type { SectionResult } from './section.js';
import { check } from './section.js';

/** The codec may cost at most this share of the case throughput (issue #25). */
const THROUGHPUT_GOAL = 0.95;
/** Encryptions and decryptions of one case's start input timed for the codec alone. */
const CODEC_REPETITIONS = 2_000;

export interface CodecOptions {
  roundCases: number;
  concurrency: number;
  pairs: number;
}

/** Microseconds to encrypt, and to decrypt, one case's start input as a workflow's payload. */
async function codecAlone(services: Services, shape: Case) {
  const codec = services.codec;
  if (!codec) throw new Error('the encrypting side runs with the codec');
  const payload = defaultPayloadConverter.toPayload({ case: shape });
  const context = { type: 'workflow' as const, namespace: 'default', workflowId: shape.workflowId };
  let sealed = await codec.encode([payload], context);
  const encodeStarted = performance.now();
  for (let i = 0; i < CODEC_REPETITIONS; i++) sealed = await codec.encode([payload], context);
  const encodeUs = ((performance.now() - encodeStarted) * 1_000) / CODEC_REPETITIONS;
  const decodeStarted = performance.now();
  for (let i = 0; i < CODEC_REPETITIONS; i++) await codec.decode(sealed);
  const decodeUs = ((performance.now() - decodeStarted) * 1_000) / CODEC_REPETITIONS;
  return { payloadBytes: payload.data?.length ?? 0, encodeUs, decodeUs };
}

/**
 * The payload codec's cost: the engine section's case lifecycle on two clients with their workers, in
 * this process against the same stack, one encrypting every payload under a fresh key and one without the
 * codec, in alternating rounds (the order flips every pair, so a drift in the machine's load hits both).
 * Throughput and CPU per case (this process, the dev server and PostgreSQL) are given as the ratio of
 * encrypted to clear; the codec alone, per payload, beside them.
 */
export async function measureCodec(stack: ThrowawayStack, options: CodecOptions): Promise<SectionResult> {
  const where = {
    databaseUrl: stack.databaseUrl,
    temporalAddress: stack.server.address,
    bundlePath: stack.bundlePath,
  };
  const policy = { monitoring: { window: { low: '1s', medium: '1s', high: '1s', critical: '1s' } } };
  const encrypted = await connectServices(where, { policy, keys: newKeyFile('bench-codec') });
  const clear = await connectServices(where, { policy, keys: false });
  try {
    let shape: Case | undefined;
    const sides = {
      encrypted: dualkeySide(encrypted, await makeCast(encrypted), (created) => {
        shape ??= created;
      }),
      clear: dualkeySide(clear, await makeCast(clear)),
    };
    // Warm-up: each worker loads its bundle and the first runs compile; nothing here is counted.
    await runRound(2, 1, sides.encrypted);
    await runRound(2, 1, sides.clear);
    const rounds: Record<keyof typeof sides, Round[]> = { encrypted: [], clear: [] };
    for (let pair = 0; pair < options.pairs; pair++) {
      const order = pair % 2 === 0 ? (['encrypted', 'clear'] as const) : (['clear', 'encrypted'] as const);
      for (const side of order) {
        rounds[side].push(await runRound(options.roundCases, options.concurrency, sides[side]));
      }
    }
    if (!shape) throw new Error('the warm-up opened an encrypted case');
    const ratios = {
      throughput: perMinute(rounds.encrypted) / perMinute(rounds.clear),
      cpuPerCaseAll: cpuMsPerCase(rounds.encrypted, 'all') / cpuMsPerCase(rounds.clear, 'all'),
      cpuPerCaseThisProcess: cpuMsPerCase(rounds.encrypted, 'self') / cpuMsPerCase(rounds.clear, 'self'),
    };
    const side = (of: Round[]) => ({
      casesPerMinute: perMinute(of),
      cpuMsPerCase: { thisProcess: cpuMsPerCase(of, 'self'), withServers: cpuMsPerCase(of, 'all') },
      roundsCasesPerMinute: of.map((r) => perMinute([r])),
    });
    return {
      figures: {
        rounds: { cases: options.roundCases, concurrency: options.concurrency, pairs: options.pairs },
        encrypted: side(rounds.encrypted),
        clear: side(rounds.clear),
        ratios,
        pairRatios: rounds.encrypted.map((e, i) => ({
          throughput: perMinute([e]) / perMinute([rounds.clear[i]!]),
          cpuPerCase: cpuMsPerCase([e], 'all') / cpuMsPerCase([rounds.clear[i]!], 'all'),
        })),
        codecAlone: await codecAlone(encrypted, shape),
      },
      checks: [
        check(
          `${options.concurrency} at once: throughput encrypted vs clear (x)`,
          ratios.throughput,
          `>= ${THROUGHPUT_GOAL}`,
        ),
      ],
    };
  } finally {
    await encrypted.stop();
    await clear.stop();
  }
}
