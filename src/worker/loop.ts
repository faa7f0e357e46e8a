/**
 * Runs `tick` again and again until stopped: at once when it says there is more to do, otherwise after
 * `intervalMs`. A failing tick is handed to `onError` and retried after the interval, so a database or
 * server outage slows a background job down and never ends it.
 */
export function startLoop(options: {
  intervalMs: number;
  tick: () => Promise<'more' | 'idle'>;
  onError: (error: unknown) => void;
}): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = async () => {
    while (!stopped) {
      try {
        if ((await options.tick()) === 'more') continue;
      } catch (error) {
        options.onError(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
