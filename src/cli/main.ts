import type { Env } from '../config/env.js';
import { ConfigError, parseEnv } from '../config/env.js';
import { createContext } from './context.js';
import { ExitCode } from './errors.js';
import { processWriter } from './output.js';
import { runCli } from './program.js';

/*
 * Composition root of the ops CLI: the one place it reads the environment. Exit codes are set rather than
 * forced with process.exit(), so output piped to another program is flushed in full.
 */
async function main(): Promise<number> {
  let env: Env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    processWriter.err(`error: ${error.message}`);
    return ExitCode.usage;
  }
  return runCli(process.argv.slice(2), {
    writer: processWriter,
    context: () => createContext(env, processWriter),
  });
}

process.exitCode = await main();
