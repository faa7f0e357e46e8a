import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * `npm start`. Ctrl-C in a terminal signals every process of the foreground group at once, so the
 * Temporal dev server and PostgreSQL would stop while the worker and the API still use them. The stack
 * (src/stack.ts) therefore runs in a process group of its own: only this process hears the terminal, and
 * passes the signal on; the stack stops in order. The clock starts here, when the operator asked.
 */
const stack = spawn(
  process.execPath,
  [
    ...process.execArgv,
    fileURLToPath(new URL('./stack.ts', import.meta.url)),
    `--started-at=${performance.timeOrigin}`,
  ],
  { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => stack.kill(signal));
}
stack.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
