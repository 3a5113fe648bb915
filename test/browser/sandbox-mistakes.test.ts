// The sandbox as a teacher and students use it (issue 14, point 1), on both
// brokers and in both languages: a typo stays local to its entity, marked
// with the broker's reason in the page's words, while the rest runs and every
// message keeps its result; the topic tutorial is built by hand with the
// quick-add row in at most 8 actions (counted: clicks, Tab and Enter; typing
// into the focused field is not an action), and the focus stays where the
// user is after each action.
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Broker } from '../../src/broker/broker.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { encodeShareLink } from '../../src/sandbox/share-link.js';
import { normalizeState } from '../../src/sandbox/sandbox-state.js';
import { pageErrors, requireBrowser, startApp, type RunningApp } from '../helpers/browser.js';
import { connected } from '../helpers/connected.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { TUTORIAL_KEYS } from '../sandbox/tutorial.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../screenshots');

const WORDS = {
  en: {
    typo: 'there is no exchange “animal” (NOT_FOUND, reply code 404)',
    queue: 'queue “short”: x-max-length cannot be negative (here -1) (PRECONDITION_FAILED, reply code 406)',
    summary:
      /^The broker refused 2 declarations; the rest of the topology runs without them:queue #3 \(short\): .*binding #2 \(animal → Q2\): there is no exchange “animal”/,
    why: /Q2/,
    added: 'Added exchange topic_logs (topic), queue Q1, binding topic_logs → Q1 (*.orange.*).',
  },
  fr: {
    typo: 'il n’existe aucun échange « animal » (NOT_FOUND, code de réponse 404)',
    queue: 'file « short » : x-max-length ne peut pas être négatif (ici -1) (PRECONDITION_FAILED, code de réponse 406)',
    summary:
      /^Le broker a refusé 2 déclarations ; le reste de la topologie fonctionne sans elles :la file n° 3 \(short\) : .*la liaison n° 2 \(animal → Q2\) : il n’existe aucun échange « animal »/,
    why: /Q2/,
    added: 'Ajouté : l’échange topic_logs (topic), la file Q1, la liaison topic_logs → Q1 (*.orange.*).',
  },
} as const;

/** The tutorial, with the teacher's typo: the *.*.rabbit binding comes from "animal". */
function typoState() {
  return normalizeState({
    topology: {
      exchanges: [{ name: 'animals', type: 'topic' }],
      // A queue with a negative length limit, bound to nothing: refused, and nothing else changes.
      queues: [{ name: 'Q1' }, { name: 'Q2' }, { name: 'short', arguments: { 'x-max-length': -1 } }],
      bindings: [
        { source: 'animals', destination: 'Q1', routing_key: '*.orange.*' },
        { source: 'animal', destination: 'Q2', routing_key: '*.*.rabbit' },
        { source: 'animals', destination: 'Q2', routing_key: 'lazy.#' },
      ],
    },
    messages: TUTORIAL_KEYS.map(([key], i) => ({ exchange: 'animals', routing_key: key, payload: `m${i}` })),
  });
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('[data-sandbox-page][data-ready="true"]');
}

async function ranWith(page: Page, n: number): Promise<void> {
  await page.waitForSelector(`[data-sandbox-page][data-run-state="done"][data-outcome-messages="${n}"]`);
}

const hits = (page: Page) =>
  page.locator('[data-diagram] [data-queue]').evaluateAll((els) =>
    els
      .filter((e) => e.getAttribute('data-hit') === 'true')
      .map((e) => e.getAttribute('data-queue'))
      .sort(),
  );

/** The focused element, described by its hooks. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return 'body';
    const item = e.closest<HTMLElement>('[data-entity], [data-message-index]');
    const where = item
      ? item.dataset.entity
        ? `${item.dataset.entity}#${item.dataset.index} `
        : `message#${item.dataset.messageIndex} `
      : '';
    const form =
      e
        .closest('form')
        ?.getAttributeNames()
        .find((n) => n.startsWith('data-')) ?? '';
    return `${form ? `${form} ` : ''}${where}${e.getAttribute('name') ?? e.dataset.action ?? e.dataset.sandboxAdd ?? e.tagName}`;
  });

const brokers: { kind: string; make: (ctx: Mocha.Context) => Promise<Broker> }[] = [
  { kind: 'embedded', make: () => Promise.resolve(new EmbeddedBroker()) },
  { kind: 'rabbitmq', make: async (ctx) => new RabbitMqBroker(await connected(await requireRabbit(ctx))) },
];

for (const { kind, make } of brokers) {
  describe(`the sandbox keeps mistakes local and the user in place (${kind})`, function () {
    this.timeout(120_000);
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
      describe(`in ${lang === 'en' ? 'English' : 'French'}`, () => {
        let context: BrowserContext;
        let page: Page;
        let problems: string[];
        beforeEach(async () => {
          context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
          page = await context.newPage();
          problems = pageErrors(page);
        });
        afterEach(async () => {
          await context?.close();
        });

        it('marks the binding from "animal" with the reason, and every message keeps its result', async () => {
          await page.goto(`${app.url}/sandbox?lang=${lang}#s=${encodeShareLink(typoState())}`);
          await ready(page);
          await ranWith(page, TUTORIAL_KEYS.length);
          const typo = page.locator('[data-entity="binding"][data-index="1"]');
          assert.equal(await typo.getAttribute('data-refused'), 'true');
          assert.equal(await typo.locator('[data-refusal]').textContent(), WORDS[lang].typo);
          assert.match((await page.locator('[data-setup-error]').textContent())!, WORDS[lang].summary);
          // Only that binding and that queue are refused; the others are not marked.
          assert.equal(await page.locator('[data-entity][data-refused="true"]').count(), 2);
          const queue = page.locator('[data-entity="queue"][data-name="short"]');
          assert.equal(await queue.locator('[data-refusal]').textContent(), WORDS[lang].queue);
          // In the drawing too: the refused queue is dashed, its reason as a tooltip.
          const drawn = page.locator('[data-diagram] [data-queue="short"]');
          assert.equal(await drawn.getAttribute('data-refused'), 'true');
          assert.equal(await drawn.locator('title').textContent(), WORDS[lang].queue);
          // Without *.*.rabbit, Q2 gets only what lazy.# matches; Q1 is untouched.
          for (const [i, [key, queues]] of TUTORIAL_KEYS.entries()) {
            const expected = [...queues.filter((q) => q === 'Q1'), ...(key === 'lazy' || key.startsWith('lazy.') ? ['Q2'] : [])];
            const result = await page.locator(`[data-message-index="${i}"] [data-result]`).textContent();
            assert.equal(result, expected.length ? `→ ${expected.join(', ')}` : '✗', key);
          }
          // The why panel explains the selected message, not "publish a message".
          await page.click('[data-message-index="4"] [data-action="select-message"]');
          assert.deepEqual(await hits(page), ['Q2']);
          assert.match((await page.locator('[data-why]').textContent())!, /lazy\.#/);
          await page.screenshot({ path: path.join(shots, `sandbox-typo-${kind}-${lang}.png`), fullPage: true });

          // Fixing the typo: the mark goes, quick.orange.rabbit reaches Q2 again.
          await page.click('[data-entity="binding"][data-index="1"] [data-action="edit"]');
          await page.fill('[data-editor="binding"] [name="source"]', 'animals');
          await page.keyboard.press('Enter');
          await page.waitForFunction(() => document.querySelector('[data-message-index="0"] [data-result]')?.textContent === '→ Q1, Q2');
          assert.equal(await page.locator('[data-entity="binding"][data-refused="true"]').count(), 0);
          // Saved: the focus is back on the Edit button the form was opened from.
          assert.equal(await focused(page), 'binding#1 edit');
          await page.click('[data-entity="queue"][data-name="short"] [data-action="remove"]');
          await page.waitForFunction(() => document.querySelector('[data-setup-error]')?.hasAttribute('hidden'));
          assert.equal(await page.locator('[data-refused="true"]').count(), 0);
          // Removing the last queue: the focus goes to the one now last.
          assert.equal(await focused(page), 'queue#1 remove');
          if (kind === 'rabbitmq') assert.equal(await page.locator('[data-mismatch]').isHidden(), true);
          assert.deepEqual(problems, []);
        });

        it('builds the topic tutorial with the quick-add row in at most 8 actions, focus kept on the key', async () => {
          await page.goto(`${app.url}/sandbox?lang=${lang}`);
          await ready(page);
          let actions = 0;
          let keyPresses = 0;
          const click = async (selector: string) => {
            actions++;
            await page.click(selector);
          };
          const press = async (key: 'Tab' | 'Enter') => {
            actions++;
            keyPresses++;
            await page.keyboard.press(key);
          };
          const type = async (text: string) => {
            keyPresses += text.length;
            await page.keyboard.type(text);
          };
          const row = '[data-quick-add]';

          await click(`${row} [name="exchange"]`);
          await type('topic_logs');
          await press('Tab');
          await type('*.orange.*');
          await press('Tab');
          await type('Q1');
          await press('Enter');
          await page.waitForSelector('[data-entity="binding"][data-index="0"]');
          assert.equal(await focused(page), 'data-quick-add routing_key');
          assert.equal(await page.locator(`${row} [data-quick-status]`).textContent(), WORDS[lang].added);

          await type('*.*.rabbit');
          await press('Tab'); // into the queue field: Tab selects its text, typing replaces Q1
          await type('Q2');
          await press('Enter');
          await page.waitForSelector('[data-entity="binding"][data-index="1"]');
          assert.equal(await focused(page), 'data-quick-add routing_key');

          await type('lazy.#');
          await press('Enter');
          await page.waitForSelector('[data-entity="binding"][data-index="2"]');
          assert.equal(await focused(page), 'data-quick-add routing_key');

          assert.ok(actions <= 8, `${actions} actions`);
          console.log(`      quick add (${kind}, ${lang}): the tutorial in ${actions} actions, ${keyPresses} key presses`);

          // What was built is the tutorial's topology: the type came from the key (a * or # needs a topic exchange).
          assert.deepEqual(await page.locator('[data-entity="exchange"] .entity-main').allTextContents(), ['topic_logs topic']);
          assert.deepEqual(await page.locator('[data-entity="queue"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))), [
            'Q1',
            'Q2',
          ]);
          assert.deepEqual(await page.locator('[data-entity="binding"] .entity-main').allTextContents(), [
            'topic_logs → Q1',
            'topic_logs → Q2',
            'topic_logs → Q2',
          ]);
          assert.deepEqual(await page.locator('[data-entity="binding"] .entity-detail code').allTextContents(), [
            '*.orange.*',
            '*.*.rabbit',
            'lazy.#',
          ]);
          // Existing names are offered while typing.
          assert.deepEqual(
            await page.locator('[data-datalist="queues"] option').evaluateAll((els) => els.map((e) => e.getAttribute('value'))),
            ['Q1', 'Q2'],
          );
          assert.ok(
            (
              await page.locator('[data-datalist="exchanges"] option').evaluateAll((els) => els.map((e) => e.getAttribute('value')))
            ).includes('topic_logs'),
          );
          await page.screenshot({ path: path.join(shots, `sandbox-quick-add-${kind}-${lang}.png`), fullPage: true });

          // Publishing: after each message the focus is back in the routing key, its text selected.
          await page.click('[data-publish-form] [name="exchange"]');
          await page.keyboard.type('topic_logs');
          await page.keyboard.press('Tab');
          for (const [i, [key, queues]] of TUTORIAL_KEYS.slice(0, 5).entries()) {
            await page.keyboard.type(key);
            await page.keyboard.press('Enter');
            await ranWith(page, i + 1);
            assert.deepEqual(await hits(page), [...queues].sort(), key);
            assert.equal(await focused(page), 'data-publish-form routing_key');
          }
          // Picking a message redraws the list: the focus stays on that message.
          await page.focus('[data-message-index="1"] [data-action="select-message"]');
          await page.keyboard.press('Enter');
          await page.waitForSelector('[data-message-index="1"][data-selected="true"]');
          assert.equal(await focused(page), 'message#1 select-message');
          // Saving a new queue from its form: back on the "+ queue" button.
          await page.click('[data-sandbox-add="queue"]');
          await page.keyboard.type('Q3');
          await page.keyboard.press('Enter');
          await page.waitForSelector('[data-entity="queue"][data-name="Q3"]');
          assert.equal(await focused(page), 'queue');
          // Removing it: the focus goes to the entry that takes its place (here the add button: it was last).
          await page.click('[data-entity="queue"][data-name="Q3"] [data-action="remove"]');
          await page.waitForSelector('[data-entity="queue"][data-name="Q3"]', { state: 'detached' });
          assert.equal(await focused(page), 'queue#1 remove');
          assert.deepEqual(problems, []);
        });
      });
    }
  });
}
