import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PAYLOAD_DECODED } from '../../src/api/services/codec.js';
import { readStream } from '../../src/db/audit.js';
import { freePort } from '../../src/runtime/ports.js';
import { metadataKeys } from '../../src/temporal/codec/codec.js';
import type { DevServer } from '../../src/temporal/devServer.js';
import { startDevServer } from '../../src/temporal/devServer.js';
import type { ApiHarness } from '../support/api.js';
import type { ConsoleStack } from '../support/browser.js';
import { startConsoleStack } from '../support/browser.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

/*
 * The Temporal Web UI a dev server serves (as `npm start` runs it, `--ui-codec-endpoint` at the API), in a
 * real chromium, reading a case's run through dualkey's codec endpoint. The run's setup starts its dev
 * server headless, so this file brings one of its own with the UI, and its API and worker run against it.
 * The reader signs in to the console first, then sets the UI's codec panel the way docs/operations.md
 * says, since the dev server's UI does not send the browser's cookies to the cluster-level endpoint.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;

/** Sized for a loaded 2-core machine: the UI loads its history and decodes it in several calls. */
const UI_TIMEOUT_MS = 60_000;

let server: DevServer;
let stack: ConsoleStack;
let ui: string;
let agent: User;

beforeAll(async () => {
  // The dev server is told the API's address before the API listens, as `npm start` does.
  const [apiPort, uiPort] = [await freePort(), await freePort()];
  server = await startDevServer({
    cacheDir: inject('cacheDir'),
    namespace: 'default',
    uiPort,
    uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec`,
    log: (line) => console.log(`[web ui dev server] ${line}`),
  });
  ui = server.uiUrl ?? '';
  stack = await startConsoleStack({
    port: apiPort,
    temporalAddress: server.address,
    settings: { temporalUiUrl: ui, codecOrigins: [ui] },
  });
  agent = await stack.api.user(['agent'], { businessLines: ['p2p'] });
});
afterAll(async () => {
  await stack?.stop();
  await server?.stop();
});

async function p2pCase() {
  const description = `The p2p buyer never paid for order ${newAccountId()}`;
  const created = await stack.api.call('POST', '/v1/cases', {
    token: agent.token,
    body: caseInput(newAccountId(), { type: 'complaint', businessLine: 'p2p', description }),
  });
  expect(created.status).toBe(201);
  const links = created.body.links as { temporalUi: string };
  return {
    id: created.body.id as string,
    workflowId: created.body.workflowId as string,
    description,
    runPage: links.temporalUi,
  };
}

/**
 * Signs in to the console, then in the Web UI's codec panel uses this browser's endpoint (the API's
 * `/codec`) with cross-origin credentials, so the UI's calls carry the console's session cookie.
 */
async function webUiSignedIn(user: User): Promise<Page> {
  const { page } = await stack.signedIn(user.token);
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  await page.goto(`${ui}/namespaces/default/workflows`);
  await page.getByRole('button', { name: 'Codec Server is configured' }).click();
  // The endpoint the dev server was started with shows as the cluster-level setting.
  await page.getByText(`${stack.url}/codec`).first().waitFor();
  await page.getByRole('button', { name: /Use Cluster-level setting/ }).click();
  await page.getByRole('radio', { name: /Use my browser setting/ }).check();
  await page.getByPlaceholder('Paste your endpoint here').fill(`${stack.url}/codec`);
  const credentials = page.getByRole('switch', { name: 'Include cross-origin credentials' });
  // The switch's input is visually hidden behind its drawn track: toggled from the keyboard, as a person can.
  await credentials.focus();
  await page.keyboard.press('Space');
  expect(await credentials.isChecked()).toBe(true);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect
    .poll(() =>
      page.evaluate('[localStorage.getItem("endpoint"), localStorage.getItem("includeCredentials")]'),
    )
    .toEqual([JSON.stringify(`${stack.url}/codec`), 'true']);
  return page;
}

/** Opens a run's page from the case's link, resolving once the codec has answered for its payloads. */
async function openRun(page: Page, { workflowId, runPage }: { workflowId: string; runPage: string }) {
  const runMetadata = Buffer.from(workflowId).toString('base64');
  const decoded = page.waitForResponse(
    (response) =>
      response.url() === `${stack.url}/codec/decode` &&
      response.request().postData()?.includes(runMetadata) === true,
  );
  await page.goto(runPage);
  const response = await decoded;
  expect(response.status()).toBe(200);
  return page.getByTestId('input-and-result');
}

async function decodesBy(caseId: string, actorId: string) {
  const audit = await readStream(stack.api.services.database.db, caseId);
  return audit.filter((e) => e.action === PAYLOAD_DECODED && e.actor === actorId);
}

describe('the Temporal Web UI decodes through dualkey', () => {
  it('shows a reader of the case’s business line the decoded description, and each decode is on the case’s audit log', async () => {
    const run = await p2pCase();
    const { id, workflowId, description } = run;
    const reader = await stack.api.user(['auditor'], { businessLines: ['p2p'] });
    const page = await webUiSignedIn(reader);

    const inputAndResult = await openRun(page, run);
    await inputAndResult.getByText(description).first().waitFor();

    const decodes = await eventually(
      () => decodesBy(id, reader.id),
      (rows) => rows.length > 0,
      { what: 'the reader’s decodes on the case’s audit log' },
    );
    for (const row of decodes) {
      expect(row).toMatchObject({
        outcome: 'accepted',
        details: { workflowId, namespace: 'default' },
      });
    }
  });

  it('leaves the input encoded for a reader of other business lines, and audits nothing', async () => {
    const run = await p2pCase();
    const { id, description } = run;
    const outsider = await stack.api.user(['auditor'], { businessLines: ['spot'] });
    const page = await webUiSignedIn(outsider);
    // The UI keeps polling the server, so the network never goes idle: wait on its decodes instead.
    let decodesInFlight = 0;
    const isDecode = (request: { url(): string }) => request.url().includes('/codec/decode');
    page.on('request', (request) => {
      if (isDecode(request)) decodesInFlight++;
    });
    const settled = (request: { url(): string }) => {
      if (isDecode(request)) decodesInFlight--;
    };
    page.on('requestfinished', settled);
    page.on('requestfailed', settled);

    const inputAndResult = await openRun(page, run);
    // What the UI shows is the payload as Temporal holds it: its clear metadata and the ciphertext.
    await inputAndResult.getByText(`"${metadataKeys.keyId}"`).first().waitFor();
    await expect.poll(() => decodesInFlight, { timeout: 60_000 }).toBe(0);
    const shown = await inputAndResult.innerText();
    expect(shown).toContain(metadataKeys.businessLine);
    expect(shown).not.toContain(description);
    expect(shown).not.toContain('"businessLine"');
    expect(await decodesBy(id, outsider.id)).toEqual([]);
  });
});
