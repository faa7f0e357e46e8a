import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { consoleDir } from '../src/api/routes/console.js';
import { startApiServer } from '../src/api/server.js';
import { issueToken } from '../src/db/users.js';
import type { Actor } from '../src/domain/permissions.js';
import { apiDepsFor } from '../test/support/api.js';
import { chromiumArgs } from '../test/support/browser.js';
import { findOrInstallChromium } from '../test/support/chromium.js';
import type { Services } from '../test/support/services.js';
import { caseInput, newAccountId } from '../test/support/world.js';
import { buildConsole } from '../scripts/console.js';

export interface ConsoleFigures {
  /** Every script the console ships, gzip-compressed as a server would send it. */
  jsGzipBytes: number;
  /** Median time from clicking "Queue" to 200 rows painted, the cases already fetched. */
  queueRenderMs: number;
  /** Median time from opening /console/queue to 200 rows painted: load, fetch and render. */
  queueLoadMs: number;
  /** What the queue's page received to list the 200 cases: the full list, once. */
  queueListBytes: number;
  /** What the same page received, on average, for one note added to one of its cases. */
  caseChangeBytes: number;
}

const caseChanges = 5;

/** Page-side: resolves once `count` rows are in the table and the next frame has been painted. */
const rowsPainted = `(count) => new Promise((resolve) => {
  const check = () => document.querySelectorAll('main tbody tr').length >= count
    ? requestAnimationFrame(() => setTimeout(resolve, 0))
    : requestAnimationFrame(check);
  check();
})`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function javascriptGzipBytes(): Promise<number> {
  const assets = join(consoleDir, 'assets');
  let total = 0;
  for (const name of await readdir(assets)) {
    if (name.endsWith('.js')) total += gzipSync(await readFile(join(assets, name)), { level: 9 }).length;
  }
  return total;
}

/** The console's figures: bytes shipped, and a queue of `rows` open cases rendered in chromium. */
export async function measureConsole(services: Services, agent: Actor, rows = 200): Promise<ConsoleFigures> {
  await buildConsole();
  let next = 0;
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < rows) {
        next += 1;
        ids.push((await services.cases.create(agent, caseInput(newAccountId(), { type: 'complaint' }))).id);
      }
    }),
  );
  const { token } = await issueToken(services.database.db, agent.id);
  const api = await startApiServer(apiDepsFor(services), '127.0.0.1', 0);
  const executablePath = await findOrInstallChromium({
    chromiumPath: process.env.CHROMIUM_PATH,
    log: (line) => console.log(line),
  });
  const browser = await chromium.launch({ executablePath, args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${api.url}/console/sign-in`);
    await page.getByLabel('Token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    const loads: number[] = [];
    for (let run = 0; run < 3; run++) {
      const started = Date.now();
      await page.goto(`${api.url}/console/queue`);
      await page.evaluate(`(${rowsPainted})(${rows})`);
      loads.push(Date.now() - started);
    }
    const renders: number[] = [];
    for (let run = 0; run < 7; run++) {
      await page.getByRole('link', { name: 'Approvals' }).click();
      await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
      renders.push(
        await page.evaluate<number>(`(async () => {
          const started = performance.now();
          [...document.querySelectorAll('nav a')].find((a) => a.textContent === 'Queue').click();
          await (${rowsPainted})(${rows});
          return performance.now() - started;
        })()`),
      );
    }

    // Bytes on the wire (encoded bodies and headers) the page receives from the API.
    let received = 0;
    let listBytes = 0;
    const counted: Promise<void>[] = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (!path.startsWith('/v1/') || path === '/v1/events') return;
      counted.push(
        response
          .request()
          .sizes()
          .then((sizes) => {
            received += sizes.responseBodySize + sizes.responseHeadersSize;
            if (path === '/v1/cases') listBytes += sizes.responseBodySize + sizes.responseHeadersSize;
          }),
      );
    });
    await page.goto(`${api.url}/console/queue`);
    await page.evaluate(`(${rowsPainted})(${rows})`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await Promise.all(counted);
    const queueListBytes = listBytes;
    received = 0;
    const changed = ids[0];
    if (!changed) throw new Error('no case to change');
    for (let n = 0; n < caseChanges; n++) {
      const read = page.waitForResponse((r) => new URL(r.url()).pathname === `/v1/cases/${changed}`);
      await services.cases.act(agent, changed, 'addNote', { text: `Bench note ${n + 1}` });
      await read;
    }
    await Promise.all(counted);
    return {
      jsGzipBytes: await javascriptGzipBytes(),
      queueRenderMs: median(renders),
      queueLoadMs: median(loads),
      queueListBytes,
      caseChangeBytes: Math.round(received / caseChanges),
    };
  } finally {
    await browser.close();
    await api.close();
  }
}
