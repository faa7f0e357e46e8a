import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { expect, inject } from 'vitest';
import type { ApiSettings } from '../../src/api/context.js';
import type { SsoSettings } from '../../src/api/services/sso.js';
import type { ApiHarness } from './api.js';
import { startApi } from './api.js';
import type { ServicesOptions } from './services.js';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ConsoleStack {
  api: ApiHarness;
  /** Origin of the API serving the console, e.g. http://127.0.0.1:41234. */
  url: string;
  browser: Browser;
  /** A browser context of its own: its own cookies, so its own session. */
  newPage(): Promise<Page>;
  /** A new context signed in with this token through the sign-in page. */
  signedIn(token: string, path?: string): Promise<{ context: BrowserContext; page: Page }>;
  /** axe-core's source, to evaluate in a page. */
  axeSource(): Promise<string>;
  /** Cuts every open connection to the API, the console's event streams included, as a network drop does. */
  dropConnections(): void;
  stop(): Promise<void>;
}

/** The real API (with its worker) listening on a free port, and a headless chromium to drive it. */
export async function startConsoleStack(
  options: ServicesOptions & {
    settings?: Partial<ApiSettings>;
    sso?: SsoSettings;
    /** A port chosen beforehand, for an identity provider that must know the console's redirect URI. */
    port?: number;
  } = {},
): Promise<ConsoleStack> {
  const api = await startApi(options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port: options.port ?? 0 }, () =>
      resolve(s),
    );
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: chromiumArgs });
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    return context.newPage();
  };
  return {
    api,
    url,
    browser,
    newPage,
    async signedIn(token, path = '/console/queue') {
      const page = await newPage();
      const context = page.context();
      await page.goto(`${url}/console/sign-in`);
      await page.getByLabel('Token', { exact: true }).fill(token);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      if (path !== '/console/queue') await page.goto(`${url}${path}`);
      return { context, page };
    },
    axeSource: () => axeSource,
    dropConnections() {
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    },
    async stop() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await browser.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await api.stop();
    },
  };
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core in the page and fails on any violation, whatever its impact. */
export async function expectAccessible(page: Page): Promise<void> {
  // Evaluated over the DevTools protocol, which the console's Content-Security-Policy does not govern.
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  const found = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
  );
  expect(found).toEqual([]);
}
