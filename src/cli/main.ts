import { createContext, locateStack } from './context.js';
import { processWriter } from './output.js';
import { runCli } from './program.js';

/*
 * Composition root of the ops CLI. The local stack is found through the file `npm start` writes to its
 * data dir, and another stack is named with flags: nothing an operator exports for the CLI changes what
 * the next `npm start` does. The one variable read is DUALKEY_DATA_DIR, so both look in the same place.
 * Exit codes are set rather than forced with process.exit(), so output piped on is flushed in full.
 */
process.exitCode = await runCli(process.argv.slice(2), {
  writer: processWriter,
  context: (flags) => createContext(locateStack(flags), processWriter),
  defaultDataDir: process.env.DUALKEY_DATA_DIR || '.dualkey',
  defaultEncryptionKeyFile: process.env.DUALKEY_ENCRYPTION_KEY_FILE || undefined,
});
