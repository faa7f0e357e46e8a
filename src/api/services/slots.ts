/**
 * At most `size` tasks run at once; the rest wait their turn, in order, for up to `waitMs` and are then
 * turned away with `onFull`'s error. Guards a scarce resource a task holds while it waits on something
 * slower, so a slow or absent dependency cannot take all of it.
 */
export class Slots {
  private free: number;
  private readonly queue: { start(): void }[] = [];

  constructor(
    size: number,
    private readonly waitMs: number,
    private readonly onFull: () => Error,
  ) {
    this.free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.take();
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next.start();
      else this.free += 1;
    }
  }

  private take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        start: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(waiter), 1);
        reject(this.onFull());
      }, this.waitMs);
      this.queue.push(waiter);
    });
  }
}
