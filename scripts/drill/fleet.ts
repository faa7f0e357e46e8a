import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TAIL_LINES = 40;
const STOP_GRACE_MS = 15_000;

export interface Exit {
  name: string;
  code: number | null;
  signal: string | null;
  /** True when the drill itself killed or stopped it. */
  expected: boolean;
  tail: string;
}

interface Member {
  child: ChildProcess;
  expectExit: boolean;
  lines: string[];
  exited: Promise<void>;
}

/**
 * The drill's processes: dualkey's API and worker entry points and the Temporal dev server, each a real
 * child process. Every exit is recorded; one the drill did not cause is a finding.
 */
export class Fleet {
  readonly exits: Exit[] = [];
  private readonly members = new Map<string, Member>();

  constructor(private readonly baseEnv: Record<string, string>) {}

  /** One of dualkey's entry points (`src/api/main.ts`), run the way `npm run api` runs it. */
  entry(name: string, entry: string, env: Record<string, string>): void {
    this.spawn(name, process.execPath, ['--import', 'tsx', entry], { ...this.baseEnv, ...env });
  }

  command(name: string, path: string, args: string[]): void {
    this.spawn(name, path, args, this.baseEnv);
  }

  private spawn(name: string, command: string, args: string[], env: Record<string, string>): void {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const member: Member = { child, expectExit: false, lines: [], exited: Promise.resolve() };
    const keep = (chunk: Buffer) => {
      member.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      member.lines.splice(0, Math.max(0, member.lines.length - TAIL_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    member.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exits.push({ name, code, signal, expected: member.expectExit, tail: member.lines.join('\n') });
        resolve();
      });
    });
    this.members.set(name, member);
  }

  output(name: string): string {
    return this.members.get(name)?.lines.join('\n') ?? '';
  }

  running(name: string): boolean {
    const member = this.members.get(name);
    return member !== undefined && member.child.exitCode === null && member.child.signalCode === null;
  }

  /** Kills (SIGKILL by default) or stops one process and waits for it to be gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const member = this.members.get(name);
    if (!member) return;
    member.expectExit = true;
    if (this.running(name)) member.child.kill(signal);
    const timer = setTimeout(() => member.child.kill('SIGKILL'), STOP_GRACE_MS);
    await member.exited;
    clearTimeout(timer);
  }

  unexpectedExits(): Exit[] {
    return this.exits.filter((e) => !e.expected);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.members.keys()].map((name) => this.kill(name, 'SIGTERM')));
  }
}
