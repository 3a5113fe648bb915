// Benchmark 5: page weight and first render of a scenario page in headless
// Chromium. Each load is a first visit (a fresh browser context: empty
// cache). Bytes are what went over the wire (headers + encoded bodies of
// every response); the first render is the time from navigation start to
// the first `[data-queue]` element of the diagram, read in the page
// (performance.now() in a MutationObserver installed before any page script).
// Baseline, loaded alternately with the same method: the home page `/`, whose
// time is its load event.
import type { Browser, Page } from 'playwright-core';
import { readConfig } from '../src/config.js';
import { selectBroker } from '../src/broker/select-broker.js';
import { createApp } from '../src/web/app.js';
import { AMQP_URL } from './lib/amqp-url.js';
import { launchChromium } from '../tools/chromium.js';
import { listen } from './lib/listen.js';
import { notRun, ratioOf, type Row } from './lib/result.js';
import { summarize } from '../tools/stats.js';

export interface PageWeightOptions {
  /** Scenario page to load (default "topic", tutorial 5). */
  scenario?: string;
  /** Loads per page and broker. */
  loads?: number;
  quick?: boolean;
  amqpUrl?: string;
  /** Brokers to serve the page from (default both). */
  brokers?: ('embedded' | 'rabbitmq')[];
}

const BYTES_GOAL = 400 * 1024;
const RENDER_GOAL_MS = 500;

// Runs in the page before its own scripts (CDP, not subject to the CSP).
const OBSERVE_FIRST_QUEUE = `
  window.__firstQueueAt = null;
  new MutationObserver((_, observer) => {
    if (window.__firstQueueAt === null && document.querySelector('[data-queue]')) {
      window.__firstQueueAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-queue'] });
`;

interface Load {
  bytes: number;
  ms: number;
}

export async function benchPageWeight(options: PageWeightOptions = {}): Promise<Row[]> {
  const scenario = options.scenario ?? 'topic';
  const loads = options.loads ?? (options.quick ? 1 : 8);
  const brokers = options.brokers ?? ['embedded', 'rabbitmq'];
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    return [notRun(`scenario page /scenarios/${scenario}`, `≤ 400 KB, ≤ ${RENDER_GOAL_MS} ms`, (err as Error).message)];
  }
  const rows: Row[] = [];
  try {
    for (const kind of brokers) rows.push(...(await onBroker(browser, kind, scenario, loads, options.amqpUrl ?? AMQP_URL)));
  } finally {
    await browser.close();
  }
  return rows;
}

async function onBroker(browser: Browser, kind: 'embedded' | 'rabbitmq', scenario: string, loads: number, amqpUrl: string): Promise<Row[]> {
  const name = `scenario page /scenarios/${scenario} (${kind})`;
  let selected: Awaited<ReturnType<typeof selectBroker>>;
  try {
    selected = await selectBroker(readConfig({ BROKER: kind, AMQP_URL: amqpUrl }));
  } catch (err) {
    return [notRun(`${name} first render`, `≤ ${RENDER_GOAL_MS} ms`, (err as Error).message)];
  }
  const listening = await listen(createApp({ broker: selected.broker }));
  try {
    const page: Load[] = [];
    const home: Load[] = [];
    // One load of each first, thrown away: the server's first render compiles its templates.
    await loadOnce(browser, `${listening.url}/scenarios/${scenario}`, 'queue');
    await loadOnce(browser, `${listening.url}/`, 'load');
    for (let i = 0; i < loads; i++) {
      page.push(await loadOnce(browser, `${listening.url}/scenarios/${scenario}`, 'queue'));
      home.push(await loadOnce(browser, `${listening.url}/`, 'load'));
    }
    const render = summarize(page.map((l) => l.ms));
    const homeRender = summarize(home.map((l) => l.ms));
    const bytes = Math.max(...page.map((l) => l.bytes));
    const homeBytes = Math.max(...home.map((l) => l.bytes));
    const rows: Row[] = [];
    if (kind === 'embedded') {
      rows.push({
        benchmark: `${name} weight`,
        figure: { value: bytes / 1024, unit: 'KB' },
        baseline: { value: homeBytes / 1024, unit: 'KB', label: 'home page /' },
        ratio: ratioOf(bytes, homeBytes),
        goal: '≤ 400 KB',
        met: bytes <= BYTES_GOAL,
      });
    }
    rows.push({
      benchmark: `${name} first render p50`,
      figure: { value: render.p50, unit: 'ms' },
      baseline: { value: homeRender.p50, unit: 'ms', label: 'home page / load event' },
      ratio: ratioOf(render.p50, homeRender.p50),
      goal: `≤ ${RENDER_GOAL_MS} ms`,
      met: render.p50 <= RENDER_GOAL_MS,
      note: `${render.samples} cold loads, p99 ${render.p99.toFixed(0)} ms`,
    });
    return rows;
  } catch (err) {
    return [notRun(`${name} first render`, `≤ ${RENDER_GOAL_MS} ms`, (err as Error).message)];
  } finally {
    await listening.close();
    await selected.broker.close();
  }
}

/** A first visit in a fresh context: bytes transferred, and ms to the first [data-queue] (or to the load event). */
async function loadOnce(browser: Browser, url: string, until: 'queue' | 'load'): Promise<Load> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(OBSERVE_FIRST_QUEUE);
    const sizes: Promise<number>[] = [];
    let inFlight = 0;
    let lastActivity = Date.now();
    page.on('request', () => {
      inFlight++;
      lastActivity = Date.now();
    });
    page.on('requestfailed', () => {
      inFlight--;
      lastActivity = Date.now();
    });
    page.on('requestfinished', (request) => {
      inFlight--;
      lastActivity = Date.now();
      sizes.push(request.sizes().then((s) => s.responseHeadersSize + s.responseBodySize));
    });
    const failures: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`GET ${url} answered ${response?.status() ?? 'nothing'}`);
    const ms = until === 'queue' ? await firstQueueAt(page) : await loadEventAt(page);
    // Everything the first view fetched, including what its scripts asked
    // for: wait until no request has been open for 100 ms (Playwright's
    // "networkidle" waits 500 ms, which would make the run minutes longer).
    const deadline = Date.now() + 5000;
    while ((inFlight > 0 || Date.now() - lastActivity < 100) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (failures.length > 0) throw new Error(`${url}: ${failures.join(', ')}`);
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    return { bytes, ms };
  } finally {
    await context.close();
  }
}

async function firstQueueAt(page: Page): Promise<number> {
  await page.waitForSelector('[data-queue]', { state: 'attached', timeout: 10_000 });
  return page.evaluate(() => (window as unknown as { __firstQueueAt: number }).__firstQueueAt);
}

async function loadEventAt(page: Page): Promise<number> {
  return page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
}
