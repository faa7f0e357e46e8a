import { describe, expect, it } from 'vitest';
import { untilReachable } from '../../src/runtime/reachable.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });

describe('untilReachable', () => {
  it('waits through failures, saying so once, and once more when the dependency answers', async () => {
    const lines: string[] = [];
    let calls = 0;
    const result = await untilReachable(
      'PostgreSQL at 127.0.0.1:5433',
      () => (++calls < 4 ? Promise.reject(refused) : Promise.resolve('connected')),
      (line) => lines.push(line),
      300,
    );
    expect(result).toBe('connected');
    expect(calls).toBe(4);
    expect(lines).toEqual([
      'waiting for PostgreSQL at 127.0.0.1:5433 (connect ECONNREFUSED 127.0.0.1:5433); retrying with backoff until it answers',
      'PostgreSQL at 127.0.0.1:5433 is reachable; going on',
    ]);
  });

  it('says nothing when the dependency answers at once', async () => {
    const lines: string[] = [];
    await untilReachable(
      'Temporal',
      () => Promise.resolve(1),
      (line) => lines.push(line),
    );
    expect(lines).toEqual([]);
  });

  it('fails at once on what waiting cannot cure: bad credentials, a missing database', async () => {
    for (const code of ['28P01', '3D000']) {
      let calls = 0;
      const wrong = Object.assign(new Error(`server said ${code}`), { code });
      await expect(
        untilReachable(
          'PostgreSQL',
          () => (calls++, Promise.reject(wrong)),
          () => undefined,
        ),
      ).rejects.toBe(wrong);
      expect(calls).toBe(1);
    }
  });
});
