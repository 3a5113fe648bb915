// Browser tests: Debian's Chromium driven by playwright-core (nothing is
// downloaded), and the app started on a free port. One browser per test
// process, launched on first use and closed after all tests; each test file
// opens its own contexts (a context is one browser profile: tabs of one
// context share cookies, localStorage and the 6-connections-per-host limit).
import http from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type AppServices } from '../../src/web/app.js';
import { embeddedServices } from './listener.js';

import { CHROMIUM, CHROMIUM_ARGS as ARGS } from '../../tools/chromium.js';

export { CHROMIUM };

let shared: Promise<Browser> | null = null;

/**
 * In a before() hook: the shared browser. Without Chromium the suite skips
 * locally and fails in CI (CI=true or REQUIRE_BROWSER=1).
 */
export async function requireBrowser(ctx: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true' || process.env.REQUIRE_BROWSER === '1')
      throw new Error(`Chromium is required but missing at ${CHROMIUM}`);
    console.warn(`      no Chromium at ${CHROMIUM}: skipping (apt-get install chromium)`);
    ctx.skip();
  }
  shared ??= chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return shared;
}

after(async () => {
  if (shared) await (await shared.catch(() => null))?.close();
  shared = null;
});

export interface RunningApp {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** createApp(services) listening on 127.0.0.1 and a free port. */
export async function startApp(services: AppServices): Promise<RunningApp> {
  const server = http.createServer(createApp(services));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * In a describe(): the shared browser and the app on the embedded broker,
 * started before its tests and closed after them. Read the fields in tests.
 */
export function browserAndEmbeddedApp(): { browser: Browser; app: RunningApp } {
  const held = {} as { browser: Browser; app: RunningApp };
  before(async function () {
    held.browser = await requireBrowser(this);
    held.app = await startApp(await embeddedServices());
  });
  after(async () => {
    await held.app?.close();
  });
  return held;
}

/**
 * Collects what goes wrong in a page: uncaught exceptions and console errors
 * (CSP violations land there). Tests assert it stays empty.
 */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}
