// A real system's topology in the sandbox (issue 14, point 2), on both
// brokers and in both languages: a 300-queue definitions file is uploaded,
// runs (no limit in the way), a publish reaches exactly the queues RabbitMQ's
// rules give — an exact topic matcher over the file's bindings, the engine,
// and on RabbitMQ the broker itself — and the layered layout is readable: no
// two labels overlap, no text leaves its box, text is drawn at ≥ 10 px, the
// search brings a queue into view, and the why panel puts the matched path
// first and folds the rest.
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { diagramOverlaps } from '../helpers/diagram-overlaps.js';
import { regexTopicMatches } from '../../bench/lib/regex-topic.js';
import type { Broker } from '../../src/broker/broker.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { run } from '../../src/engine/run.js';
import type { Definitions } from '../../src/engine/types.js';
import { browserAndEmbeddedApp, pageErrors, requireBrowser, startApp, type RunningApp } from '../helpers/browser.js';
import { connected } from '../helpers/connected.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { LARGE_QUEUES, largeDefinitions } from '../sandbox/large-definitions.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../screenshots');

const WORDS = {
  en: {
    overLimit: 'The file was refused: Too many queues: 501, and one run takes at most 500.',
    imported: 'Imported 3 exchanges, 300 queues and 900 bindings.',
    folded: /^\d+ other bindings did not match \(show them\)$/,
    showing: '1 of 1: reviews.failed.asia',
  },
  fr: {
    overLimit: 'Le fichier est refusé : Trop de files : 501, alors qu’une exécution en accepte au plus 500.',
    imported: '3 échanges, 300 files et 900 liaisons importés.',
    folded: /^\d+ autres liaisons ne correspondent pas \(les afficher\)$/,
    showing: '1 sur 1 : reviews.failed.asia',
  },
};

/** RabbitMQ's rule for a topic exchange (semantics §7), applied to the file by hand: the queues a key reaches. */
function expectedQueues(file: ReturnType<typeof largeDefinitions>, exchange: string, routingKey: string): string[] {
  const hit = new Set(
    file.bindings.filter((b) => b.source === exchange && regexTopicMatches(b.routing_key, routingKey)).map((b) => b.destination),
  );
  return [...hit].sort();
}

const brokers: { kind: string; make: (ctx: Mocha.Context) => Promise<Broker> }[] = [
  { kind: 'embedded', make: () => Promise.resolve(new EmbeddedBroker()) },
  { kind: 'rabbitmq', make: async (ctx) => new RabbitMqBroker(await connected(await requireRabbit(ctx))) },
];

for (const { kind, make } of brokers) {
  describe(`the sandbox with a 300-queue definitions file (${kind})`, function () {
    this.timeout(180_000);
    let browser: Browser;
    let app: RunningApp;
    before(async function () {
      browser = await requireBrowser(this);
      app = await startApp({ broker: await make(this), rateLimit: { perSecond: 1e9, burst: 1e9 } });
      mkdirSync(shots, { recursive: true });
    });
    after(async () => {
      await app?.close();
    });

    for (const lang of ['en', 'fr'] as const) {
      it(`says in the page's language when a file is over the limits every run shares (${lang})`, async () => {
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          await page.goto(`${app.url}/sandbox?lang=${lang}`);
          await page.waitForSelector('[data-sandbox-page][data-ready="true"]');
          const file = largeDefinitions();
          const queues = Array.from({ length: 501 }, (_, i) => ({ ...file.queues[0], name: `q${i}` }));
          await page.click('[data-panel-toggle="import"]');
          await page.fill('[name="definitions"]', JSON.stringify({ ...file, queues, bindings: [] }));
          await page.click('[data-action="import"]');
          const error = page.locator('[data-import-error]');
          await error.waitFor();
          assert.equal(await error.textContent(), WORDS[lang].overLimit);
          assert.equal(await page.locator('[data-entity="queue"]').count(), 0);
        } finally {
          await context.close();
        }
      });

      it(`imports it, routes a publish as RabbitMQ's rules say, and draws it readably (${lang})`, async () => {
        const context: BrowserContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
        try {
          // tsx names the arrow functions it compiles with a __name helper the page does not have.
          await context.addInitScript('window.__name = (f) => f');
          const page: Page = await context.newPage();
          const problems = pageErrors(page);
          await page.goto(`${app.url}/sandbox?lang=${lang}`);
          await page.waitForSelector('[data-sandbox-page][data-ready="true"]');
          const file = largeDefinitions();
          await page.click('[data-panel-toggle="import"]');
          await page.setInputFiles('[name="definitions-file"]', {
            name: 'definitions.json',
            mimeType: 'application/json',
            buffer: Buffer.from(JSON.stringify(file)),
          });
          await page.waitForFunction(
            () => (document.querySelector<HTMLTextAreaElement>('[name="definitions"]')?.value ?? '').length > 1000,
          );
          await page.click('[data-action="import"]');
          await page.waitForSelector(`[data-count="queue"]:text("${LARGE_QUEUES}")`);
          assert.equal(await page.locator('[data-import-notices] li').first().textContent(), WORDS[lang].imported);
          await page.waitForSelector('[data-sandbox-page][data-run-state="done"][data-outcome-messages="0"]');
          assert.equal(await page.locator('[data-diagram] [data-queue]').count(), LARGE_QUEUES);
          const layoutMs = Number(await page.locator('[data-diagram]').getAttribute('data-layout-ms'));

          // Publish: the page's answer = the rule applied by hand = the engine (= the broker, on RabbitMQ).
          const key = 'orders.paid.eu';
          const form = page.locator('[data-publish-form]');
          await form.locator('[name="exchange"]').fill('events');
          await form.locator('[name="routing_key"]').fill(key);
          const started = Date.now();
          await page.click('[data-action="publish"]');
          await page.waitForSelector('[data-sandbox-page][data-run-state="done"][data-outcome-messages="1"]', { timeout: 60_000 });
          const runMs = Date.now() - started;
          const byRule = expectedQueues(file, 'events', key);
          assert.ok(byRule.length >= 3, `the key should reach several queues: ${byRule.join(', ')}`);
          const hits = await page
            .locator('[data-diagram] [data-queue][data-hit="true"]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-queue')!).sort());
          assert.deepEqual(hits, byRule);
          const engine = run({ definitions: file as unknown as Definitions, messages: [{ exchange: 'events', routing_key: key }] });
          assert.deepEqual([...engine.traces![0].routed_to].sort(), byRule);
          // What the queues hold comes from the broker's own answer (on RabbitMQ: basic.get on each queue).
          const holders = await page
            .locator('[data-holds-queue][data-holds="1"]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-holds-queue')!).sort());
          assert.deepEqual(holders, byRule);
          assert.equal(await page.locator('[data-mismatch]').isHidden(), true);
          assert.equal(await page.locator('[data-setup-error]').isHidden(), true);

          // No label overlaps another label or a box, no text leaves its box (SVG user units: the same at every zoom).
          const overlaps = await diagramOverlaps(page);
          assert.deepEqual(overlaps.out.slice(0, 10), [], `${overlaps.out.length} overlaps`);
          assert.equal(overlaps.labels, file.bindings.length);

          // Drawn at a readable size: a queue's name is at least 10 px tall on screen.
          const namePx = await page
            .locator('[data-diagram] [data-queue] .node-name')
            .first()
            .evaluate((e) => e.getBoundingClientRect().height);
          assert.ok(namePx >= 10, `queue names are ${namePx} px tall`);
          // Zoom in and out.
          const zoom = async () => Number(await page.locator('[data-diagram]').getAttribute('data-zoom'));
          const z0 = await zoom();
          await page.click('[data-zoom="in"]');
          assert.ok((await zoom()) > z0);
          await page.click('[data-zoom="out"]');
          await page.click('[data-zoom="out"]');
          assert.ok((await zoom()) < z0);
          await page.click('[data-zoom="reset"]');
          assert.equal(await zoom(), 1);
          // Ctrl + wheel zooms; dragging the background pans.
          const box = (await page.locator('[data-diagram-box]').boundingBox())!;
          await page.mouse.move(box.x + 12, box.y + 12);
          await page.keyboard.down('Control');
          await page.mouse.wheel(0, -200);
          await page.keyboard.up('Control');
          await page.waitForFunction(() => Number(document.querySelector('[data-diagram]')?.getAttribute('data-zoom')) > 1);
          await page.click('[data-zoom="reset"]');
          const scrolled = () => page.locator('[data-diagram-box]').evaluate((e) => ({ left: e.scrollLeft, top: e.scrollTop }));
          const before = await scrolled();
          await page.mouse.move(box.x + 12, box.y + 300);
          await page.mouse.down();
          await page.mouse.move(box.x + 12, box.y + 100, { steps: 5 });
          await page.mouse.up();
          assert.equal((await scrolled()).top - before.top, 200);

          // Search by name: the queue is marked and brought into the diagram's view.
          const wanted = 'reviews.failed.asia';
          await page.fill('[name="diagram-search"]', wanted);
          await page.keyboard.press('Enter');
          assert.equal(await page.locator('[data-search-status]').textContent(), WORDS[lang].showing);
          const marked = page.locator(`[data-diagram] [data-queue="${wanted}"]`);
          assert.equal(await marked.getAttribute('data-found'), 'true');
          const visible = await page.evaluate((name) => {
            const q = document.querySelector(`[data-diagram] [data-queue="${name}"]`)!.getBoundingClientRect();
            const b = document.querySelector('[data-diagram-box]')!.getBoundingClientRect();
            return q.top >= b.top && q.bottom <= b.bottom && q.left >= b.left && q.right <= b.right;
          }, wanted);
          assert.ok(visible, 'the found queue is in view');
          await page.screenshot({ path: path.join(shots, `sandbox-large-${kind}-${lang}-search.png`) });

          // Why: the matched bindings first, the 900 − n others folded; the page stays a page.
          const why = page.locator('[data-why]');
          const first = await why
            .locator('.why-bindings')
            .first()
            .locator(':scope > li')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-matched')));
          assert.ok(first.length >= byRule.length && first.every((m) => m === 'true'), `shown first: ${first.join(', ')}`);
          assert.match((await why.locator('[data-why-folded] > summary').first().textContent())!, WORDS[lang].folded);
          assert.equal(
            await why
              .locator('[data-why-folded]')
              .first()
              .evaluate((d) => (d as HTMLDetailsElement).open),
            false,
          );
          const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
          assert.ok(pageHeight < 8000, `the page is ${pageHeight} px tall`);
          await page.locator('[data-why]').scrollIntoViewIfNeeded();
          await page.screenshot({ path: path.join(shots, `sandbox-large-${kind}-${lang}-why.png`) });
          console.log(
            `      ${kind} ${lang}: layout of ${LARGE_QUEUES} queues / ${file.bindings.length} bindings in ${layoutMs} ms; a publish re-ran in ${runMs} ms; page ${pageHeight} px tall`,
          );
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      });
    }
  });
}

describe('the sandbox diagram with names of the widest letters', function () {
  this.timeout(60_000);
  const held = browserAndEmbeddedApp();

  it('keeps every name inside its box (server-made names mix M, W and m)', async () => {
    const context = await held.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const problems = pageErrors(page);
      await page.goto(`${held.app.url}/sandbox`);
      await page.waitForSelector('[data-sandbox-page][data-ready="true"]');
      // Cut in the middle (longer than 18 letters), just under the cut, and ordinary (amq.* names cannot be imported).
      const queues = ['gen-WMWMwmwmWMWMwmwmWMWMWW', 'MWMWMWMWMWMWMWMWM', 'mwmwmwmwmwmwmwmwm', 'WWWW', 'orders'];
      const file = {
        exchanges: [
          { name: 'MWMWMWMWMWMWMW', vhost: '/', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} },
        ],
        queues: queues.map((name) => ({ name, vhost: '/', durable: true, auto_delete: false, arguments: {} })),
        bindings: queues.map((q) => ({
          source: 'MWMWMWMWMWMWMW',
          vhost: '/',
          destination: q,
          destination_type: 'queue',
          routing_key: '',
          arguments: {},
        })),
      };
      await page.click('[data-panel-toggle="import"]');
      await page.fill('[name="definitions"]', JSON.stringify(file));
      await page.click('[data-action="import"]');
      await page.waitForSelector(`[data-count="queue"]:text("${queues.length}")`, { timeout: 5000 }).catch(async (e) => {
        throw new Error(
          `${e}: ${await page.locator('[data-import-error]').textContent()} ${await page.locator('[data-import-notices]').textContent()}`,
        );
      });
      await page.waitForFunction((n) => document.querySelectorAll('[data-diagram] [data-queue]').length === n, queues.length);
      const overlaps = await diagramOverlaps(page);
      assert.deepEqual(overlaps.out, []);
      assert.equal(overlaps.nodes >= queues.length + 1, true);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
