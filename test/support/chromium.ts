import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';

/** Where Debian's `chromium` package puts the browser. */
export const debianChromium = '/usr/bin/chromium';

export const chromiumAdvice =
  'no chromium for the browser tests: run `sudo apt-get install -y chromium` (Debian/Ubuntu), ' +
  'or set CHROMIUM_PATH to a Chromium or Chrome executable';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[], log: (line: string) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 4) tail.shift();
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', () => resolve(false));
    child.on('close', (code) => {
      if (code !== 0) for (const line of tail) log(`  ${command}: ${line}`);
      resolve(code === 0);
    });
  });
}

/**
 * The browser the tests drive, found the way `npm start` finds its Temporal CLI: CHROMIUM_PATH, else Debian's
 * chromium, else (as root, where installing needs no password) `apt-get install -y chromium`, refreshing the
 * package lists first when the install alone fails. Anything else ends in one line naming the command to run.
 */
export async function findOrInstallChromium(options: {
  chromiumPath?: string | undefined;
  /** Debian's path unless a test says otherwise. */
  debianPath?: string;
  isRoot?: boolean;
  log: (line: string) => void;
  install?: (log: (line: string) => void) => Promise<boolean>;
}): Promise<string> {
  if (options.chromiumPath) {
    if (await isExecutable(options.chromiumPath)) return options.chromiumPath;
    throw new Error(`CHROMIUM_PATH=${options.chromiumPath} is not an executable file`);
  }
  const debianPath = options.debianPath ?? debianChromium;
  if (await isExecutable(debianPath)) return debianPath;
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  if (!isRoot) throw new Error(chromiumAdvice);
  options.log('installing Debian chromium for the browser tests (apt-get install -y chromium; once)');
  const install = options.install ?? aptInstallChromium;
  if ((await install(options.log)) && (await isExecutable(debianPath))) return debianPath;
  throw new Error(`installing chromium with apt-get failed; ${chromiumAdvice}`);
}

async function aptInstallChromium(log: (line: string) => void): Promise<boolean> {
  const install = ['install', '-y', 'chromium'];
  if (await run('apt-get', install, () => undefined)) return true;
  // A fresh machine (or container) often has no package lists yet.
  return (await run('apt-get', ['update'], log)) && (await run('apt-get', install, log));
}
