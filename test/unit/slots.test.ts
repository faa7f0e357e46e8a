import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/api/services/slots.js';

/** A task that runs until `finish` is called, noting when it started. */
function held(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => (started.push(name), done), finish: () => finish() };
}

describe('slots', () => {
  it('runs at most its size at once, and the next waiter in order when one finishes', async () => {
    const slots = new Slots(2, 60_000, () => new Error('full'));
    const started: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => held(started, name));
    const runs = [a, b, c, d].map((h) => slots.run(h!.task));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    b!.finish();
    await runs[1];
    await expect.poll(() => started).toEqual(['a', 'b', 'c']);
    a!.finish();
    await expect.poll(() => started).toEqual(['a', 'b', 'c', 'd']);
    c!.finish();
    d!.finish();
    await Promise.all(runs);
  });

  it('turns a waiter away once it has waited its limit, and frees the slot of a task that failed', async () => {
    const slots = new Slots(1, 50, () => new Error('too many waiting'));
    const started: string[] = [];
    const first = held(started, 'first');
    const running = slots.run(first.task);
    await expect(slots.run(() => Promise.resolve('late'))).rejects.toThrow('too many waiting');
    first.finish();
    await running;
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(() => Promise.resolve('after'))).resolves.toBe('after');
  });
});
