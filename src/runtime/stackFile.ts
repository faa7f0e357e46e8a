import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What `npm start` leaves in its data dir while it runs, so the ops CLI finds the local stack without
 * being told (and without environment variables that would change what the next `npm start` does).
 */
export const StackFile = z.object({
  apiUrl: z.string(),
  databaseUrl: z.string(),
  temporalAddress: z.string(),
  namespace: z.string(),
  temporalUiUrl: z.string().nullable(),
  pid: z.number().int(),
  startedAt: z.string(),
});
export type StackFile = z.infer<typeof StackFile>;

export const stackFilePath = (dataDir: string): string => join(dataDir, 'stack.json');

/** Readable by its owner only: the database URL carries a password. */
export async function writeStackFile(dataDir: string, stack: StackFile): Promise<void> {
  const file = stackFilePath(dataDir);
  await writeFile(`${file}.tmp`, `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

export async function removeStackFile(dataDir: string): Promise<void> {
  await rm(stackFilePath(dataDir), { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type FoundStack =
  | { state: 'running'; stack: StackFile }
  | { state: 'stopped'; stack: StackFile }
  | { state: 'absent' }
  | { state: 'unreadable'; problem: string };

/** The stack `npm start` described in `dataDir`, and whether the process that wrote it still runs. */
export function findStack(dataDir: string): FoundStack {
  let text: string;
  try {
    text = readFileSync(stackFilePath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'unreadable', problem: (error as Error).message };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: 'unreadable', problem: 'it is not JSON' };
  }
  const parsed = StackFile.safeParse(json);
  if (!parsed.success)
    return { state: 'unreadable', problem: parsed.error.issues[0]?.message ?? 'bad shape' };
  return { state: isRunning(parsed.data.pid) ? 'running' : 'stopped', stack: parsed.data };
}
