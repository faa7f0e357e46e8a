import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** user + system of the process and of its children it has reaped, in seconds. */
  cpu: number;
}

function readStat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; the fields after it are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return { pid: Number(pid), ppid: Number(fields[1]), cpu: ticks / ticksPerSecond };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by this process (every thread: JavaScript, the SDK's core, the worker's
 * workflow threads) and by its descendants: the Temporal dev server and PostgreSQL with its backends,
 * including backends that have exited (counted in their parent's reaped-children time). Linux only;
 * elsewhere, this process alone.
 */
export function cpuSeconds(): { self: number; servers: number } {
  let stats: ProcStat[];
  try {
    stats = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(readStat)
      .filter((s): s is ProcStat => s !== undefined);
  } catch {
    const usage = process.cpuUsage();
    return { self: (usage.user + usage.system) / 1e6, servers: 0 };
  }
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const self = stats.find((s) => s.pid === process.pid);
  let servers = 0;
  const queue = [...(children.get(process.pid) ?? [])];
  for (let s = queue.shift(); s; s = queue.shift()) {
    servers += s.cpu;
    queue.push(...(children.get(s.pid) ?? []));
  }
  return { self: self?.cpu ?? 0, servers };
}
