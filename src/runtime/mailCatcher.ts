import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { StartupError } from '../config/errors.js';
import { goInstall, isExecutable, onPath } from '../temporal/cli.js';

export const MAILPIT_VERSION = 'v1.33.1';
export const MAILPIT_MODULE = 'github.com/axllent/mailpit';

const mailpitAdvice =
  'Install Mailpit (`brew install mailpit`, or put `mailpit` on PATH), or a Go toolchain so dualkey can build it ' +
  `(go install ${MAILPIT_MODULE}@${MAILPIT_VERSION}), or set NOTIFY_SMTP_URL, or MAIL_CATCHER=false.`;

export interface MailCatcher {
  smtpUrl: string;
  uiUrl: string;
  source: 'PATH' | 'cache' | 'go-install';
  stop(): Promise<void>;
}

/** `mailpit` on PATH, else the one built into the cache, else `go install` it there (minutes, once). */
export async function resolveMailpit(
  cacheDir: string,
  log: (line: string) => void,
): Promise<{ path: string; source: MailCatcher['source'] }> {
  const fromPath = await onPath('mailpit');
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const bin = join(cacheDir, `mailpit-${MAILPIT_VERSION.replace(/^v/, '')}`);
  const cached = join(bin, 'mailpit');
  if (await isExecutable(cached)) return { path: cached, source: 'cache' };
  const path = await goInstall({
    module: MAILPIT_MODULE,
    version: MAILPIT_VERSION,
    bin,
    binary: 'mailpit',
    what: 'Mailpit mail catcher',
    advice: mailpitAdvice,
    log,
  });
  return { path, source: 'go-install' };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs Mailpit on loopback: every mail dualkey sends on this machine lands in its inbox, shown at the UI
 * URL, and none leaves the machine. Its messages are kept in the data dir across restarts.
 */
export async function startMailCatcher(options: {
  cacheDir: string;
  dataDir: string;
  smtpPort: number;
  uiPort: number;
  log: (line: string) => void;
}): Promise<MailCatcher> {
  const mailpit = await resolveMailpit(options.cacheDir, options.log);
  const child = spawn(
    mailpit.path,
    [
      '--smtp',
      `127.0.0.1:${options.smtpPort}`,
      '--listen',
      `127.0.0.1:${options.uiPort}`,
      '--database',
      join(options.dataDir, 'mailpit.db'),
      '--smtp-disable-rdns',
      '--disable-version-check',
      '--quiet',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const errors: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const deadline = Date.now() + 30_000;
  let up = false;
  while (!up && Date.now() < deadline && child.exitCode === null) {
    up = (await accepts(options.smtpPort)) && (await accepts(options.uiPort));
    if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!up) {
    child.kill('SIGTERM');
    throw new StartupError(
      `the Mailpit mail catcher (${mailpit.path}) did not start: ${errors.join('').trim() || 'no answer in 30 s'}\n${mailpitAdvice}`,
    );
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${options.smtpPort}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    source: mailpit.source,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
