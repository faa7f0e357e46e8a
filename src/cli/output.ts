/**
 * Where commands write. Each call is one line (the writer adds the newline), so tests capture exactly
 * what a user would see without patching the console.
 */
export interface Writer {
  out(line: string): void;
  err(line: string): void;
}

export const processWriter: Writer = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** `--json`: the answer for scripts rather than people. */
export interface JsonFlag {
  json?: boolean | undefined;
}

/** A command's answer: JSON for scripts when asked, else the lines a person reads. */
export function print(writer: Writer, value: unknown, { json }: JsonFlag, lines: () => string[]): void {
  if (json) writer.out(JSON.stringify(value, null, 2));
  else for (const line of lines()) writer.out(line);
}

export interface BufferWriter extends Writer {
  readonly stdout: string[];
  readonly stderr: string[];
  text(): string;
}

export function bufferWriter(): BufferWriter {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => void stdout.push(line),
    err: (line) => void stderr.push(line),
    text: () => [...stdout, ...stderr].join('\n'),
  };
}
