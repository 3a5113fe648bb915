// The sandbox in a real browser: the topic tutorial built by hand, its keys
// published and the drawn outcome checked; then the same view sent as a link
// to a colleague (another browser profile), a damaged link, an import and an
// export through the page, a broker refusal in the broker's words, French.
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { encodeShareLink } from '../../src/sandbox/share-link.js';
import { requireBrowser, startApp, type RunningApp } from '../helpers/browser.js';
import { shopDefinitionsText } from '../sandbox/fixtures.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { TUTORIAL_KEYS, tutorialState } from '../sandbox/tutorial.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../screenshots');

/** Uncaught errors, console errors (CSP violations land there) and failed requests, favicon aside. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium's own line for a 404 names no URL; failed requests are checked below instead.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico') && !res.url().includes('/api/'))
      problems.push(`${res.status()} ${res.url()}`);
  });
  return problems;
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('[data-sandbox-page][data-ready="true"]');
}

/** Waits until the drawn outcome is the one of a run with `n` messages. */
async function ranWith(page: Page, n: number): Promise<void> {
  await page.waitForSelector(`[data-sandbox-page][data-run-state="done"][data-outcome-messages="${n}"]`);
}

async function add(page: Page, kind: 'exchange' | 'queue' | 'binding', fields: Record<string, string>): Promise<void> {
  await page.click(`[data-sandbox-add="${kind}"]`);
  const form = page.locator(`[data-editor="${kind}"]`);
  for (const [name, value] of Object.entries(fields)) {
    const field = form.locator(`[name="${name}"]`);
    if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await form.locator('[data-action="save-entity"]').click();
  await form.waitFor({ state: 'hidden' });
}

async function publish(
  page: Page,
  exchange: string,
  routingKey: string,
  more: { headers?: string; mandatory?: boolean } = {},
): Promise<void> {
  const form = page.locator('[data-publish-form]');
  await form.locator('[name="exchange"]').fill(exchange);
  await form.locator('[name="routing_key"]').fill(routingKey);
  await form.locator('[name="headers"]').fill(more.headers ?? '');
  await form.locator('[name="mandatory"]').setChecked(more.mandatory ?? false);
  const before = await page.locator('[data-message-index]').count();
  await page.click('[data-action="publish"]');
  await ranWith(page, before + 1);
}

const hits = (page: Page) =>
  page.locator('[data-diagram] [data-queue]').evaluateAll((els) =>
    els
      .filter((e) => e.getAttribute('data-hit') === 'true')
      .map((e) => e.getAttribute('data-queue'))
      .sort(),
  );
const matched = (page: Page) =>
  page
    .locator('[data-diagram] [data-binding]')
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-binding'), e.getAttribute('data-matched')])));

describe('the sandbox page in a browser', function () {
  this.timeout(120_000);
  let browser: Browser;
  let app: RunningApp;
  let teacher: BrowserContext;
  let page: Page;
  let problems: string[];

  before(async function () {
    browser = await requireBrowser(this);
    app = await startApp({ broker: new EmbeddedBroker(), rateLimit: { perSecond: 1e9, burst: 1e9 } });
    mkdirSync(shots, { recursive: true });
    teacher = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await teacher.newPage();
    problems = watch(page);
    await page.goto(`${app.url}/sandbox?lang=en`);
    await ready(page);
  });

  after(async () => {
    await teacher?.close();
    await app?.close();
  });

  it('builds the topic tutorial by hand and draws where each key goes', async () => {
    await add(page, 'exchange', { name: 'topic_logs', type: 'topic' });
    await add(page, 'queue', { name: 'Q1' });
    await add(page, 'queue', { name: 'Q2' });
    await add(page, 'binding', { source: 'topic_logs', destination: 'Q1', routing_key: '*.orange.*' });
    await add(page, 'binding', { source: 'topic_logs', destination: 'Q2', routing_key: '*.*.rabbit' });
    await add(page, 'binding', { source: 'topic_logs', destination: 'Q2', routing_key: 'lazy.#' });
    assert.equal(await page.locator('[data-entity="binding"]').count(), 3);

    for (const [key, queues] of TUTORIAL_KEYS) {
      await publish(page, 'topic_logs', key);
      assert.deepEqual(await hits(page), [...queues].sort(), key);
      const line = await page.locator('[data-outcome]').textContent();
      assert.match(line!, queues.length ? new RegExp(`reached ${queues.join(', ')}\\.`) : /reached no queue: the broker discarded it/, key);
      if (key === 'quick.orange.rabbit') await page.screenshot({ path: path.join(shots, 'sandbox-topic-first.png'), fullPage: true });
    }
    // lazy.pink.rabbit: both of Q2's bindings match, the Q1 one does not; Q2 gets one copy.
    await page.click('[data-message-index="4"] [data-action="select-message"]');
    assert.deepEqual(await matched(page), { 0: 'false', 1: 'true', 2: 'true' });
    assert.match((await page.locator('[data-why]').textContent())!, /Q2 is reached by 2 matching bindings, yet gets one copy only/);
    assert.equal(await page.locator('[data-holds-queue="Q2"]').getAttribute('data-holds'), '1 2 4 5 9');
    await page.screenshot({ path: path.join(shots, 'sandbox-topic-lazy-pink-rabbit.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });

  it('answers “what if I bind #.rabbit too?” by re-running every message', async () => {
    await add(page, 'binding', { source: 'topic_logs', destination: 'Q1', routing_key: '#.rabbit' });
    await page.waitForFunction(() => document.querySelector('[data-message-index="7"] [data-result]')?.textContent === '→ Q1');
    // quick.orange.new.rabbit (message 8) reached nothing before; now Q1.
    await page.click('[data-message-index="7"] [data-action="select-message"]');
    assert.deepEqual(await hits(page), ['Q1']);
    await page.click('[data-entity="binding"][data-index="3"] [data-action="remove"]');
    await page.waitForFunction(() => document.querySelector('[data-message-index="7"] [data-result]')?.textContent === '✗');
  });

  it('sends the same view to a colleague as a link, which restores everything', async () => {
    await page.click('[data-message-index="4"] [data-action="select-message"]');
    await page.click('[data-action="share"]');
    await page.waitForSelector('[data-share-status][data-state="ready"]');
    const link = await page.locator('[data-share-url]').inputValue();
    assert.match(link, /\/sandbox\?lang=en#s=1\.[A-Za-z0-9_-]+$/);

    const colleague = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const other = await colleague.newPage();
      const otherProblems = watch(other);
      await other.goto(link);
      await ready(other);
      await ranWith(other, TUTORIAL_KEYS.length);
      assert.deepEqual(await other.locator('[data-entity="exchange"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))), [
        'topic_logs',
      ]);
      assert.equal(await other.locator('[data-entity="binding"]').count(), 3);
      assert.equal(await other.locator('[data-message-index]').count(), TUTORIAL_KEYS.length);
      // The message the teacher was looking at is shown: lazy.pink.rabbit → Q2, by both its bindings.
      assert.equal(await other.locator('[data-message-index="4"]').getAttribute('data-selected'), 'true');
      assert.deepEqual(await hits(other), ['Q2']);
      assert.deepEqual(await matched(other), { 0: 'false', 1: 'true', 2: 'true' });
      await other.click('[data-message-index="0"] [data-action="select-message"]');
      assert.deepEqual(await hits(other), ['Q1', 'Q2']);
      assert.deepEqual(otherProblems, []);
    } finally {
      await colleague.close();
    }
  });

  it('opens a damaged link with a clear message, and stays usable', async () => {
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      await other.goto(`${app.url}/sandbox?lang=en#s=1.notreallyalink`);
      await ready(other);
      const banner = other.locator('[data-sandbox-error]');
      await banner.waitFor();
      assert.match(
        (await banner.textContent())!,
        /This shared link cannot be opened — this share link is damaged or incomplete \(it does not unpack\)/,
      );
      assert.equal(await other.locator('[data-entity]').count(), 0);
      await add(other, 'queue', { name: 'still-works' });
      assert.equal(await other.locator('[data-entity="queue"]').count(), 1);
    } finally {
      await context.close();
    }
  });

  it('shows a broker refusal in the page’s words, with its reply code, and where', async () => {
    await add(page, 'exchange', { name: 'amq.mine', type: 'direct' });
    const box = page.locator('[data-setup-error]');
    await box.waitFor();
    assert.equal(
      await box.textContent(),
      'The broker refused 1 declaration; the rest of the topology runs without it:exchange #2 (amq.mine): names starting with “amq.” are reserved for the broker (“amq.mine”) (ACCESS_REFUSED, 403)',
    );
    const refused = page.locator('[data-entity="exchange"][data-name="amq.mine"]');
    assert.equal(await refused.getAttribute('data-refused'), 'true');
    assert.equal(
      await refused.locator('[data-refusal]').textContent(),
      'names starting with “amq.” are reserved for the broker (“amq.mine”) (ACCESS_REFUSED, reply code 403)',
    );
    // The rest still runs: every message keeps its result.
    assert.equal(await page.locator('[data-message-index="0"] [data-result]').textContent(), '→ Q1, Q2');
    await page.click('[data-entity="exchange"][data-name="amq.mine"] [data-action="remove"]');
    await box.waitFor({ state: 'hidden' });
  });

  it('binds a headers exchange with x-match, and shows the broker refusing an invalid x-match', async () => {
    await add(page, 'exchange', { name: 'reports', type: 'headers' });
    await add(page, 'binding', {
      source: 'reports',
      destination: 'Q1',
      'arg:x-match': 'any',
      arguments: '{"format": "pdf", "type": "report"}',
    });
    await publish(page, 'reports', '', { headers: '{"format": "pdf"}' });
    assert.deepEqual(await hits(page), ['Q1']);
    assert.match((await page.locator('[data-why]').textContent())!, /x-match=any: one matching argument is enough/);
    await page.click('[data-entity="binding"][data-index="3"] [data-action="edit"]');
    await page.fill('[data-editor="binding"] [name="arg:x-match"]', 'bogus');
    await page.click('[data-editor="binding"] [data-action="save-entity"]');
    const box = page.locator('[data-setup-error]');
    await box.waitFor();
    assert.equal(
      await box.textContent(),
      'The broker refused 1 declaration; the rest of the topology runs without it:binding #4 (reports → Q1): x-match must be all, any, all-with-x or any-with-x, not "bogus" (PRECONDITION_FAILED, 406)',
    );
    await page.click('[data-entity="exchange"][data-name="reports"] [data-action="remove"]');
    await box.waitFor({ state: 'hidden' });
    // The binding went with its exchange, as on RabbitMQ.
    assert.equal(await page.locator('[data-entity="binding"]').count(), 3);
    assert.match((await page.locator('[data-sandbox-note]').textContent())!, /Removed with it, as RabbitMQ does: 1 binding/);
  });

  it('shows a publish to a missing exchange refused with the broker’s 404', async () => {
    await publish(page, 'nowhere', 'x');
    assert.equal(
      await page.locator('[data-outcome]').textContent(),
      `Message #${TUTORIAL_KEYS.length + 2} was refused by the broker: there is no exchange “nowhere” (NOT_FOUND, reply code 404)`,
    );
    assert.equal(await page.locator('[data-outcome]').getAttribute('data-status'), 'refused');
  });

  it('renames a queue and its bindings follow', async () => {
    await page.click('[data-entity="queue"][data-name="Q2"] [data-action="edit"]');
    await page.fill('[data-editor="queue"] [name="name"]', 'rabbits');
    await page.fill('[data-editor="queue"] [name="arg:x-max-length"]', '2');
    await page.click('[data-editor="queue"] [data-action="save-entity"]');
    await page.waitForSelector('[data-entity="queue"][data-name="rabbits"]');
    const ends = await page.locator('[data-entity="binding"] .entity-main').allTextContents();
    assert.deepEqual(ends, ['topic_logs → Q1', 'topic_logs → rabbits', 'topic_logs → rabbits']);
    await page.waitForFunction(() => document.querySelector('[data-holds-queue="rabbits"]')?.getAttribute('data-holds') === '5 9');
  });

  it('imports a definitions file, says what it skipped, and publishes on it', async () => {
    await page.click('[data-panel-toggle="import"]');
    await page.fill('[name="definitions"]', shopDefinitionsText());
    await page.click('[data-action="import"]');
    await ranWith(page, 0);
    const notices = await page.locator('[data-import-notices] li').allTextContents();
    assert.equal(notices[0], 'Imported 4 exchanges, 6 queues and 7 bindings.');
    assert.ok(
      notices.some((n) => n.startsWith('Ignored, as they take no part in routing: rabbit_version, rabbitmq_version')),
      notices.join('\n'),
    );
    assert.ok(notices.some((n) => n.includes('delayed (x-delayed-message)')));
    assert.equal(await page.locator('[data-entity="queue"]').count(), 6);
    await publish(page, 'documents', '', { headers: '{"kind": "invoice", "format": "pdf"}' });
    assert.deepEqual(await hits(page), ['invoices.pdf']);
    await publish(page, 'orders', 'order.created.us', { mandatory: true });
    assert.deepEqual(await hits(page), ['orders.all']);
    await publish(page, 'orders', 'refund', { mandatory: true });
    // No binding matches: the alternate exchange takes it (and it counts as routed: no return).
    assert.deepEqual(await hits(page), ['unrouted']);
    // amq.topic is used without being declared: it is drawn all the same, and routes.
    await publish(page, 'amq.topic', 'payment.card');
    assert.deepEqual(await hits(page), ['payments']);
    assert.equal(await page.locator('[data-diagram] [data-exchange="amq.topic"]').count(), 1);
    await page.screenshot({ path: path.join(shots, 'sandbox-imported.png'), fullPage: true });
  });

  it('asks which vhost to import when an uploaded file has several', async () => {
    const file = JSON.parse(shopDefinitionsText());
    file.exchanges.push({ name: 'billing', vhost: 'finance', type: 'direct', durable: true, auto_delete: false, arguments: {} });
    file.queues.push({ name: 'ledger', vhost: 'finance', durable: true, auto_delete: false, arguments: {} });
    file.bindings.push({
      source: 'billing',
      vhost: 'finance',
      destination: 'ledger',
      destination_type: 'queue',
      routing_key: 'post',
      arguments: {},
    });
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      await other.goto(`${app.url}/sandbox?lang=en`);
      await ready(other);
      await other.click('[data-panel-toggle="import"]');
      await other.setInputFiles('[name="definitions-file"]', {
        name: 'definitions.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(file)),
      });
      await other.waitForFunction(() =>
        (document.querySelector<HTMLTextAreaElement>('[name="definitions"]')?.value ?? '').includes('finance'),
      );
      await other.click('[data-action="import"]');
      await other.waitForSelector('[data-vhost-choice]:not([hidden])');
      assert.deepEqual(await other.locator('[name="vhost"] option').allTextContents(), [
        '/ — 6 exchanges, 7 queues, 9 bindings',
        'finance — 1 exchanges, 1 queues, 1 bindings',
      ]);
      await other.selectOption('[name="vhost"]', 'finance');
      await other.click('[data-action="import"]');
      await other.waitForSelector('[data-entity="queue"][data-name="ledger"]');
      assert.equal(await other.locator('[data-entity]').count(), 3);
    } finally {
      await context.close();
    }
  });

  it('saves the sandbox as a scenario file', async () => {
    await page.click('[data-panel-toggle="scenario"]');
    await page.fill('[name="scenario-title"]', 'Our shop');
    const download = page.waitForEvent('download');
    await page.click('[data-action="save-scenario"]');
    assert.equal((await download).suggestedFilename(), 'our-shop.json');
    const scenario = JSON.parse((await page.locator('[data-scenario-output]').textContent())!);
    assert.equal(scenario.kind, 'routing');
    assert.deepEqual(
      scenario.steps.map((s: { expect: { queues: string[] } }) => s.expect.queues),
      [['invoices.pdf'], ['orders.all'], ['unrouted'], ['payments']],
    );
  });

  it('exports the definitions and the amqplib code of what is on the page', async () => {
    await page.click('[data-action="export"]');
    await page.waitForFunction(() => (document.querySelector('[data-export-code]')?.textContent ?? '').includes('assertExchange'));
    const definitions = JSON.parse((await page.locator('[data-export-definitions]').textContent())!);
    assert.deepEqual(
      definitions.exchanges.map((x: { name: string }) => x.name),
      ['orders', 'orders.unrouted', 'documents', 'dlx'],
    );
    assert.ok(definitions.queues.every((q: { vhost: string }) => q.vhost === '/'));
    assert.match(
      (await page.locator('[data-export-code]').textContent())!,
      /await channel\.assertQueue\("payments", \{ durable: true, autoDelete: false, arguments: \{"x-queue-type":"quorum"\} \}\);/,
    );
    const download = page.waitForEvent('download');
    await page.click('[data-download="definitions"]');
    assert.equal((await download).suggestedFilename(), 'definitions.json');
    assert.deepEqual(problems, []);
  });

  it('speaks French', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const fr = await context.newPage();
      await fr.goto(`${app.url}/sandbox?lang=fr`);
      await ready(fr);
      assert.equal(await fr.locator('h1').textContent(), 'Bac à sable');
      await add(fr, 'exchange', { name: 'x', type: 'fanout' });
      await add(fr, 'queue', { name: 'q' });
      await add(fr, 'binding', { source: 'x', destination: 'q' });
      await publish(fr, 'x', 'k');
      assert.equal(await fr.locator('[data-outcome]').textContent(), 'Le message n° 1 (k) a atteint q.');
      await fr.screenshot({ path: path.join(shots, 'sandbox-fr.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});

describe('the sandbox page on a real RabbitMQ', function () {
  this.timeout(60_000);
  let app: RunningApp;
  let context: BrowserContext;

  before(async function () {
    const browser = await requireBrowser(this);
    const connection = await requireRabbit(this);
    app = await startApp({ broker: new RabbitMqBroker(connection), rateLimit: { perSecond: 1e9, burst: 1e9 } });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await context?.close();
    await app?.close();
  });

  it('draws what RabbitMQ did with each message, beside the engine’s explanation', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${app.url}/sandbox?lang=en#s=${encodeShareLink(tutorialState())}`);
    await ready(page);
    await ranWith(page, TUTORIAL_KEYS.length);
    assert.match((await page.locator('[data-run-label]').textContent())!, /on RabbitMQ/);
    for (const [i, [key, queues]] of TUTORIAL_KEYS.entries()) {
      await page.click(`[data-message-index="${i}"] [data-action="select-message"]`);
      assert.deepEqual(await hits(page), [...queues].sort(), key);
    }
    assert.equal(await page.locator('[data-mismatch]').isHidden(), true);
    assert.match((await page.locator('[data-why]').textContent())!, /The routing key has 4 words:/);
    assert.deepEqual(problems, []);
  });
});
