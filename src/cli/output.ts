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
