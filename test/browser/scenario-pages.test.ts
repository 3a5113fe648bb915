// The scenario pages in headless Chromium, on both brokers: every scenario
// stepped through with the → key, each step's data-hit / data-matched / chips
// checked against the scenario file's expectations; the other controls, the
// URL, predict mode, the chart and the moving message; English on the
// embedded broker, French on RabbitMQ. Each scenario page is saved to
// screenshots/ (git-ignored) to be looked at.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { run } from '../../src/engine/run.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import type { ConsumerScenario, RoutingScenario } from '../../src/scenarios/schema.js';
import type { AppServices } from '../../src/web/app.js';
import { expectSteppingKeys } from '../helpers/presenter-keys.js';
import { pageErrors, requireBrowser, startApp, type RunningApp } from '../helpers/browser.js';
import { embeddedServices } from '../helpers/listener.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

/** Longer than Play's beat on the page (PLAY_EVERY_MS, 2.6 s): had Play gone on, it would have moved. */
const PLAY_WAIT_MS = 3200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../screenshots');
const scenarios = loadScenarios();
const byId = (id: string) => scenarios.find((s) => s.id === id)!;

interface PageState {
  step: number;
  search: string;
  status: string;
  whyStatus: string | null;
  queues: Record<string, { hit: string; ready: number; unacked: number }>;
  consumers: Record<string, { hit: string; unacked: number }>;
  bindings: { matched: string; destination: string; type: string }[];
}

// A string, not a function: tsx would wrap named helpers in __name(), which the page does not have.
const READ_STATE = `(() => {
  const all = (s) => [...document.querySelectorAll(s)];
  return {
    step: Number(document.querySelector('[data-step]').dataset.step),
    search: location.search,
    status: document.querySelector('[data-outcome]').dataset.status || '',
    whyStatus: document.querySelector('[data-why] .why-result')?.dataset.status ?? null,
    queues: Object.fromEntries(all('[data-queue]').map((g) => [g.dataset.queue, {
      hit: g.dataset.hit, ready: Number(g.querySelector('.chips').dataset.ready), unacked: Number(g.querySelector('.chips').dataset.unacked),
    }])),
    consumers: Object.fromEntries(all('[data-consumer]').map((g) => [g.dataset.consumer, { hit: g.dataset.hit, unacked: Number(g.querySelector('.chips').dataset.unacked) }])),
    bindings: all('[data-binding]').map((b) => ({ matched: b.dataset.matched, destination: b.dataset.destination, type: b.dataset.destinationType })),
  };
})()`;

function readState(page: Page): Promise<PageState> {
  return page.evaluate<PageState>(READ_STATE);
}

/** What a routing scenario says the page must show at step k (1-based). */
function expectRouting(s: RoutingScenario, state: PageState, k: number): void {
  const step = s.steps[k - 1];
  const where = `${s.id} step ${k}`;
  const want = [...step.expect.queues].sort();
  assert.equal(state.step, k, where);
  assert.match(state.search, new RegExp(`[?&]step=${k}(&|$)`), `${where}: the URL keeps the step`);
  assert.deepEqual(
    Object.keys(state.queues)
      .filter((name) => state.queues[name].hit === 'true')
      .sort(),
    want,
    `${where}: data-hit`,
  );
  // The queues at the end of matched bindings are exactly the expected ones.
  const matchedQueues = [
    ...new Set(state.bindings.filter((b) => b.matched === 'true' && b.type === 'queue').map((b) => b.destination)),
  ].sort();
  assert.deepEqual(matchedQueues, want, `${where}: data-matched bindings lead to`);
  const status = want.length ? 'routed' : step.expect.returned ? 'returned' : 'discarded';
  assert.equal(state.status, status, `${where}: outcome`);
  assert.equal(state.whyStatus, status, `${where}: why panel`);
  for (const name of Object.keys(state.queues)) {
    const held = step.expect.holds?.[name]?.length ?? s.steps.slice(0, k).filter((x) => x.expect.queues.includes(name)).length;
    if (!step.expect.holds && s.steps.slice(0, k).some((x) => x.expect.holds)) continue; // only snapshots say
    assert.equal(state.queues[name].ready, held, `${where}: messages shown in ${name}`);
  }
}

/** What a consumer scenario says the page must show at step k. */
function expectConsumers(s: ConsumerScenario, state: PageState, k: number): void {
  const step = s.steps[k - 1];
  const where = `${s.id} step ${k}`;
  assert.equal(state.step, k, where);
  const receivers = [...new Set(step.expect.deliveries.map((d) => d.consumer))].sort();
  assert.deepEqual(
    Object.keys(state.consumers)
      .filter((c) => state.consumers[c].hit === 'true')
      .sort(),
    receivers,
    `${where}: consumers hit`,
  );
  const publishedTo = [...new Set(step.actions.flatMap((a) => (a.type === 'publish' ? [a.message.routing_key ?? ''] : [])))].sort();
  assert.deepEqual(
    Object.keys(state.queues)
      .filter((q) => state.queues[q].hit === 'true')
      .sort(),
    publishedTo,
    `${where}: queues hit`,
  );
  const matched = state.bindings
    .filter((b) => b.matched === 'true')
    .map((b) => b.destination)
    .sort();
  assert.deepEqual(matched, publishedTo, `${where}: the default exchange's bindings used`);
  for (const [queue, ready] of Object.entries(step.expect.ready)) {
    assert.equal(state.queues[queue].ready, ready.length, `${where}: ready in ${queue}`);
    const held = (s.consumers ?? []).filter((c) => c.queue === queue).reduce((n, c) => n + (step.expect.unacked[c.name]?.length ?? 0), 0);
    assert.equal(state.queues[queue].unacked, held, `${where}: unacknowledged still in ${queue}`);
  }
  for (const c of s.consumers ?? []) {
    assert.equal(state.consumers[c.name].unacked, step.expect.unacked[c.name]?.length ?? 0, `${where}: unacked at ${c.name}`);
  }
}

const BROKERS = [
  { kind: 'embedded', lang: 'en' },
  { kind: 'rabbitmq', lang: 'fr' },
] as const;

for (const { kind, lang } of BROKERS) {
  describe(`scenario pages in the browser, on the ${kind} broker (${lang})`, function () {
    this.timeout(60_000);
    let browser: Browser;
    let app: RunningApp;
    let context: BrowserContext;
    let page: Page;
    let errors: string[];

    before(async function () {
      browser = await requireBrowser(this);
      let services: AppServices;
      if (kind === 'embedded') {
        services = await embeddedServices();
      } else {
        const connection: AmqpConnection = await requireRabbit(this);
        services = { broker: new RabbitMqBroker(connection, { predict: run }), connection };
      }
      app = await startApp(services);
      mkdirSync(SHOTS, { recursive: true });
    });
    beforeEach(async () => {
      // Reduced motion: the page sets every attribute at once, screenshots show the end state.
      context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, reducedMotion: 'reduce' });
      page = await context.newPage();
      errors = pageErrors(page);
    });
    afterEach(async function () {
      await context.close();
      if (this.currentTest?.state === 'passed') assert.deepEqual(errors, [], 'errors in the page');
    });
    after(async () => {
      await app?.close();
    });

    async function open(id: string, query = ''): Promise<void> {
      await page.goto(`${app.url}/scenarios/${id}?lang=${lang}${query}`);
      await page.waitForSelector('[data-scenario-page][data-ready="true"]');
    }

    for (const scenario of scenarios) {
      it(`steps through ${scenario.id} with the → key, each step as the scenario file expects`, async () => {
        await open(scenario.id);
        assert.equal(await page.getAttribute('[data-broker]', 'data-broker'), kind);
        assert.equal(await page.getAttribute('[data-play-status]', 'data-play-broker'), kind);
        const start = await readState(page);
        assert.equal(start.step, 0);
        assert.ok(Object.values(start.queues).every((q) => q.hit === 'false'));
        assert.ok(start.bindings.every((b) => b.matched === 'false'));
        for (let k = 1; k <= scenario.steps.length; k++) {
          await page.keyboard.press('ArrowRight');
          const state = await readState(page);
          if (scenario.kind === 'routing') expectRouting(scenario, state, k);
          else expectConsumers(scenario, state, k);
          if (k === Math.ceil(scenario.steps.length / 2)) {
            // The viewport: diagram, step panel and controls, as the class sees it (full pages are slow to grab).
            await page.screenshot({ path: path.join(SHOTS, `scenario-${scenario.id}-${kind}-${lang}.png`) });
          }
        }
        // Past the last step, → changes nothing.
        await page.keyboard.press('ArrowRight');
        assert.equal((await readState(page)).step, scenario.steps.length);
      });
    }

    it('goes back with ←, resets with Home, steps with space and PageDown, plays and pauses with p', async () => {
      await open('topic', '&step=4');
      assert.equal((await readState(page)).step, 4);
      await page.keyboard.press('ArrowLeft');
      expectRouting(byId('topic') as RoutingScenario, await readState(page), 3);
      await page.keyboard.press('PageUp');
      assert.equal((await readState(page)).step, 2);
      await page.keyboard.press('Home');
      assert.equal((await readState(page)).step, 0);
      // A slide show and a presenter's clicker step forward with space and PageDown.
      await page.keyboard.press(' ');
      expectRouting(byId('topic') as RoutingScenario, await readState(page), 1);
      await page.keyboard.press('PageDown');
      assert.equal((await readState(page)).step, 2);
      await page.keyboard.press('p');
      // Play moves on at once, then every few seconds; p again pauses.
      await page.waitForFunction(() => (document.querySelector('[data-step]') as HTMLElement).dataset.step === '4', null, {
        timeout: 6000,
      });
      await page.keyboard.press('p');
      const paused = (await readState(page)).step;
      await page.waitForTimeout(PLAY_WAIT_MS);
      assert.equal((await readState(page)).step, paused, 'still paused');
      assert.equal(await page.getAttribute('[data-action="play"]', 'data-playing'), 'false');
    });

    it('steps with the buttons too, each button named for a screen reader', async () => {
      await open('direct');
      await page.click('[data-action="next"]');
      await page.click('[data-action="next"]');
      expectRouting(byId('direct') as RoutingScenario, await readState(page), 2);
      await page.click('[data-action="prev"]');
      expectRouting(byId('direct') as RoutingScenario, await readState(page), 1);
      // Each button says what it does to a screen reader (the icons alone do not).
      for (const action of ['reset', 'prev', 'play', 'next']) {
        const name = await page.getAttribute(`[data-action="${action}"]`, 'aria-label');
        assert.ok(name && name.trim().length > 2, `${action} has a name: ${name}`);
      }
      await page.click('[data-action="next"]');
      await page.click('[data-action="reset"]');
      assert.equal((await readState(page)).step, 0);
    });

    it('the clicker keys work whatever button has the focus: space steps, it does not press the button', async () => {
      await open('topic');
      await expectSteppingKeys(page, 'topic', {
        step: async () => (await readState(page)).step,
        first: 0,
        buttons: [
          '[data-action="prev"]',
          '[data-action="next"]',
          '[data-action="play"]',
          '[data-action="reset"]',
          '[data-action="present"]',
        ],
        play: true,
      });
    });

    it('presentation mode: the button hides the site bar and enlarges the type, pressed again brings them back', async () => {
      await open('topic', '&step=2');
      const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.why')!).fontSize));
      const before = await size();
      assert.ok(await page.isVisible('.topbar'));
      await page.click('[data-action="present"]');
      assert.equal(await page.getAttribute('html', 'data-presentation'), '');
      assert.equal(await page.getAttribute('[data-action="present"]', 'aria-pressed'), 'true');
      assert.equal(await page.isVisible('.topbar'), false, 'the site bar is hidden');
      assert.ok((await size()) > before, 'larger type');
      await page.click('[data-action="present"]');
      assert.equal(await page.getAttribute('html', 'data-presentation'), null);
      assert.ok(await page.isVisible('.topbar'));
    });

    it('opens at ?step=N, shareable, and the language link keeps the step', async () => {
      await open('headers', '&step=6');
      expectRouting(byId('headers') as RoutingScenario, await readState(page), 6);
      const other = lang === 'fr' ? 'en' : 'fr';
      const href = await page.getAttribute('.lang-switch', 'href');
      assert.match(href ?? '', new RegExp(`step=6`));
      assert.match(href ?? '', new RegExp(`lang=${other}`));
      await page.click('.lang-switch');
      await page.waitForSelector('[data-scenario-page][data-ready="true"]');
      assert.equal(await page.getAttribute('html', 'lang'), other);
      expectRouting(byId('headers') as RoutingScenario, await readState(page), 6);
    });

    it('predict mode: hides the answer until revealed, then says who was right', async () => {
      await open('topic');
      await page.check('[data-action="predict"]');
      await page.keyboard.press('ArrowRight');
      // Pending: step 1 shown, nothing highlighted, no narration yet, and how to play said.
      let state = await readState(page);
      assert.equal(state.step, 1);
      assert.ok(Object.values(state.queues).every((q) => q.hit === 'false'));
      assert.equal(await page.textContent('[data-narration]'), '');
      assert.match(
        (await page.textContent('[data-predict-hint]')) ?? '',
        lang === 'fr' ? /Cliquez sur les files.*→/ : /Click the queues.*→/,
      );
      // quick.orange.rabbit goes to Q1 and Q2: picking only Q1 is wrong — and the verdict says what was picked.
      await page.check('[data-predict-option="Q1"]');
      assert.equal(await page.getAttribute('[data-queue="Q1"]', 'data-picked'), 'true', 'the pick is marked on the diagram');
      assert.equal(await page.getAttribute('[data-queue="Q2"]', 'data-picked'), 'false');
      await page.click('[data-action="reveal"]');
      assert.equal(await page.getAttribute('[data-predict-result]', 'data-verdict'), 'wrong');
      assert.equal(await page.getAttribute('label:has([data-predict-option="Q2"])', 'data-verdict'), 'missed');
      assert.match(
        (await page.textContent('[data-predict-result]')) ?? '',
        lang === 'fr'
          ? /Pas tout à fait\. Votre choix : Q1\. Réponse : Q1, Q2\..*0\/1/
          : /Not quite\. You picked: Q1\. Answer: Q1, Q2\..*0\/1/,
      );
      expectRouting(byId('topic') as RoutingScenario, await readState(page), 1);
      // Step 2 (lazy.orange.elephant → Q1, Q2): pick both by clicking the queues in the diagram, reveal with PageDown (a clicker).
      await page.keyboard.press('PageDown');
      state = await readState(page);
      assert.equal(state.step, 2);
      assert.ok(Object.values(state.queues).every((q) => q.hit === 'false'));
      await page.click('[data-queue="Q1"]');
      await page.click('[data-queue="Q2"]');
      assert.ok(await page.isChecked('[data-predict-option="Q2"]'), 'a click on the diagram ticks the list too');
      await page.keyboard.press('PageDown');
      assert.equal(await page.getAttribute('[data-predict-result]', 'data-verdict'), 'right');
      assert.match((await page.textContent('[data-predict-result]')) ?? '', lang === 'fr' ? /Bravo.*1\/2/ : /Right!.*1\/2/);
      expectRouting(byId('topic') as RoutingScenario, await readState(page), 2);
      // Step 3 revealed without any pick: shown, not scored.
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.getAttribute('[data-predict-result]', 'data-verdict'), 'unanswered');
      assert.match((await page.textContent('[data-predict-result]')) ?? '', lang === 'fr' ? /Sans réponse.*1\/2/ : /Not answered.*1\/2/);
      // Step 6 (quick.brown.fox) is discarded: "nowhere" is right.
      for (let k = 4; k <= 6; k++) {
        await page.keyboard.press('ArrowRight');
        if (k < 6) await page.keyboard.press('ArrowRight');
      }
      await page.check('[data-predict-nowhere]');
      await page.click('[data-action="reveal"]');
      assert.equal(await page.getAttribute('[data-predict-result]', 'data-verdict'), 'right');
      assert.match(
        (await page.textContent('[data-predict-result]')) ?? '',
        lang === 'fr' ? /Votre choix : aucune\. Réponse : aucune\..*2\/3/ : /You picked: none\. Answer: none\..*2\/3/,
      );
      expectRouting(byId('topic') as RoutingScenario, await readState(page), 6);
      // Home starts the round again: step 1 is asked anew and the score restarts.
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.getAttribute('[data-scenario-page]', 'data-pending'), 'true');
      await page.check('[data-predict-option="Q1"]');
      await page.check('[data-predict-option="Q2"]');
      await page.keyboard.press('ArrowRight');
      assert.match((await page.textContent('[data-predict-result]')) ?? '', /1\/1/);
    });

    it('predict mode: Play stops on each question and waits for an answer', async () => {
      await open('topic');
      await page.check('[data-action="predict"]');
      await page.click('[data-action="play"]');
      await page.waitForSelector('[data-action="play"][data-playing="false"]', { timeout: 10_000 });
      assert.equal((await readState(page)).step, 1);
      assert.equal(await page.getAttribute('[data-scenario-page]', 'data-pending'), 'true', 'stopped on the question, not revealed');
      await sleep(PLAY_WAIT_MS);
      assert.equal((await readState(page)).step, 1, 'nothing moves while the class answers');
      assert.equal(await page.getAttribute('[data-predict-result]', 'data-verdict'), null, 'nothing scored');
    });

    it('predict mode in a consumer scenario asks which consumers get a message', async () => {
      await open('work-queue', '&step=1');
      await page.check('[data-action="predict"]');
      await page.keyboard.press('ArrowRight');
      await page.check('[data-predict-option="W1"]');
      await page.click('[data-action="reveal"]');
      assert.equal(await page.getAttribute('[data-predict-result]', 'data-verdict'), 'right'); // task 1 → W1
      expectConsumers(byId('work-queue') as ConsumerScenario, await readState(page), 2);
    });

    it('charts what each queue holds at the current step', async () => {
      await open('dead-lettering', '&step=3');
      const data = await page.evaluate(() => {
        const chart = (
          window as unknown as { Chart: { getChart(c: Element): { data: { labels: string[]; datasets: { data: (number | null)[] }[] } } } }
        ).Chart.getChart(document.querySelector('[data-chart]')!);
        return { labels: chart.data.labels, now: chart.data.datasets[0].data, sofar: chart.data.datasets[1].data };
      });
      assert.deepEqual(data.labels.slice(0, 2), ['work', 'dead_letters']);
      assert.deepEqual(data.now.slice(0, 2), [2, 1]); // work holds jobs 2 and 3; dead_letters job 1
      assert.deepEqual(data.sofar.slice(0, 2), [3, 1]); // work received three
    });

    it('explains a headers step key by key, and shows the code in both languages', async () => {
      await open('headers', '&step=1');
      const rows = await page.$$eval('[data-why-binding] .why-headers tbody tr', (trs) =>
        trs.map((tr) => `${tr.querySelector('code')!.textContent}:${(tr as HTMLElement).dataset.result}`),
      );
      // Binding A: format and type equal, x-department ignored (x- argument under all), x-match itself ignored.
      assert.deepEqual(rows.slice(0, 4), ['format:match', 'type:match', 'x-department:ignored', 'x-match:ignored']);
      // x-match is the rule, said as such; x-department is an argument left out.
      const said = await page.$$eval('[data-why-binding] .why-headers tbody tr td:last-child', (tds) =>
        tds.slice(0, 4).map((td) => td.textContent),
      );
      assert.deepEqual(
        said,
        lang === 'fr'
          ? ['✓ égal', '✓ égal', said[2], 'la règle (ci-dessus)']
          : ['✓ equal', '✓ equal', 'ignored (x- argument)', 'the rule (above)'],
      );
      assert.equal(await page.isVisible('pre[data-code="python"]'), false);
      await page.click('[data-code-tab="python"]');
      assert.match((await page.textContent('pre[data-code="python"]')) ?? '', /channel\.queue_bind\(queue='A', exchange='documents'/);
      assert.equal(await page.isVisible('pre[data-code="typescript"]'), false);
    });

    if (kind === 'embedded') {
      it('moves the message along the bindings it matched (with motion allowed)', async () => {
        const moving = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
        try {
          const p = await moving.newPage();
          await p.goto(`${app.url}/scenarios/topic?lang=${lang}`);
          await p.waitForSelector('[data-scenario-page][data-ready="true"]');
          await p.keyboard.press('ArrowRight');
          // Two tokens (one per queue reached) travel and arrive.
          await p.waitForFunction(() => document.querySelectorAll('.token[data-arrived="true"]').length === 2, null, { timeout: 5000 });
          const labels = await p.$$eval('.token text', (ts) => ts.map((t) => t.textContent));
          assert.deepEqual(labels, ['quick.orange.rabbit', 'quick.orange.rabbit']);
          await p.keyboard.press('ArrowRight');
          await p.keyboard.press('ArrowRight');
          await p.keyboard.press('ArrowRight');
          await p.keyboard.press('ArrowRight');
          await p.keyboard.press('ArrowRight'); // quick.brown.fox: discarded at the exchange
          await p.waitForFunction(() => document.querySelector('.token[data-gone="true"]') !== null, null, { timeout: 5000 });
          assert.equal(await p.getAttribute('[data-status-badge]', 'data-kind'), 'discarded');
        } finally {
          await moving.close();
        }
      });

      it('lists the scenarios on the home page and links to each', async () => {
        await page.goto(`${app.url}/?lang=${lang}`);
        const links = await page.$$eval('[data-scenario-list] a', (as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(
          links,
          scenarios.map((s) => `/scenarios/${s.id}?lang=${lang}`),
        );
        await page.screenshot({ path: path.join(SHOTS, `home-${lang}.png`), fullPage: true });
        await page.click('[data-scenario="topic"] a');
        await page.waitForSelector('[data-scenario-page][data-ready="true"]');
        assert.equal((await readState(page)).step, 0);
      });
    }
  });
}
