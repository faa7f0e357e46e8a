import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveMailpit } from '../src/runtime/mailCatcher.js';

/*
 * Makes sure `npm start` finds its mail catcher without the internet: one on PATH or in the cache is kept;
 * otherwise Mailpit is built with Go into the cache, so the first start does not wait minutes for it.
 */
const cacheDir = process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey');
try {
  const mailpit = await resolveMailpit(cacheDir, (line) => console.log(line));
  console.log(`Mailpit: ${mailpit.path} (${mailpit.source})`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
