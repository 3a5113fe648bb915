// /live in a real browser, on the embedded broker's listener and on RabbitMQ
// through the observing relay: RabbitMQ tutorial 5's programs (as amqplib
// ships them, the URL pointed at the playground) run while the page is open,
// and the page says what the broker did with kern.critical, why, and who took
// it — in English and in French.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { runTutorial, type Program } from '../../tools/tutorial-program.js';
import { pageErrors, requireBrowser } from '../helpers/browser.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { rabbitmqctl } from '../../tools/rabbitmqctl.js';
import amqp from 'amqplib';
import { diagramOverlaps } from '../helpers/diagram-overlaps.js';

const KEY = 'test-teacher-key';

for (const kind of ['embedded', 'rabbitmq'] as const)
  describe(`the live page, ${kind === 'embedded' ? "on the embedded broker's listener" : 'on RabbitMQ through the relay'}`, function () {
    this.timeout(60_000);
    let browser: Browser;
    let server: ServerProcess;
    let programUrl: string;
    const programs: Program[] = [];

    before(async function () {
      if (kind === 'rabbitmq') await requireRabbit(this);
      browser = await requireBrowser(this);
      server = await startServer({ BROKER: kind, AMQP_LISTEN: '127.0.0.1:0', TEACHER_KEY: KEY }, 30_000);
      // The banner's lines follow "playground on …": wait for the relay's.
      for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
      programUrl = /programs connect to (amqp:\/\/localhost:\d+)/.exec(server.output())![1]!;
    });
    after(async () => {
      await Promise.all(programs.map((p) => p.stop()));
      await server?.stop();
    });

    /** The bindings as the page's diagram draws them: "source\tqueue\tkey" lines. */
    async function pageBindings(page: Page): Promise<string> {
      return page.$$eval('[data-binding][data-destination-type="queue"]', (els) =>
        els
          .map((e) => {
            const label = document.querySelector(`[data-label-for="${e.getAttribute('data-edge')}"]`)?.textContent ?? '';
            return `${e.getAttribute('data-source')}\t${e.getAttribute('data-destination')}\t${label}`;
          })
          .join('\n'),
      );
    }

    async function open(lang: 'en' | 'fr'): Promise<{ page: Page; errors: string[] }> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(`${server.url}/live?lang=${lang}&key=${KEY}&vhost=/`);
      await page.waitForSelector('[data-live-status][data-status="watching"]');
      return { page, errors };
    }

    it("draws topic_logs, the receivers' queues, and where kern.critical went and why", async () => {
      const { page, errors } = await open('en');
      assert.match((await page.textContent('[data-live-status]'))!, /Watching vhost \//);
      for (const keys of [['kern.*'], ['*.critical'], ['auth.#']]) {
        const receiver = runTutorial('receive_logs_topic.js', keys, programUrl);
        programs.push(receiver);
        await receiver.waitFor(/Waiting for logs/);
      }
      await page.waitForFunction(() => document.querySelectorAll('[data-live-queue^="amq.gen-"]').length === 3);
      assert.equal(await page.locator('[data-live-exchange="topic_logs"]').count(), 1);
      assert.equal(await page.locator('[data-live-connection]').count(), 3);

      const emit = runTutorial('emit_log_topic.js', ['kern.critical', 'A critical kernel error'], programUrl);
      await emit.waitFor(/Sent kern.critical/);
      await Promise.all(programs.slice(0, 2).map((p) => p.waitFor(/kern.critical:'A critical kernel error'/)));

      const message = page.locator('[data-live-message][data-routing-key="kern.critical"]');
      await message.waitFor();
      assert.equal(await message.getAttribute('data-exchange'), 'topic_logs');
      // The queues RabbitMQ's rules give: the kern.* and *.critical receivers', not auth.#'s. On
      // RabbitMQ, from its own list of bindings (other tests may bind topic_logs too: ours only);
      // on both, the auth.# receiver got nothing.
      const ours = await page.$$eval('[data-live-queue]', (els) => els.map((e) => e.getAttribute('data-live-queue')!));
      const listed =
        kind === 'rabbitmq'
          ? await rabbitmqctl('list_bindings', 'source_name', 'destination_name', 'routing_key')
          : await pageBindings(page);
      const bindings = listed.split('\n').map((l) => l.split('\t'));
      const expected = bindings
        .filter(([source, queue, key]) => source === 'topic_logs' && ours.includes(queue) && (key === 'kern.*' || key === '*.critical'))
        .map(([, queue]) => queue)
        .sort();
      assert.equal(expected.length, 2);
      await new Promise((r) => setTimeout(r, 300));
      assert.doesNotMatch(programs[2].output(), /kern\.critical/);
      assert.deepEqual((await message.getAttribute('data-queues'))!.split(' ').sort(), expected);
      // The diagram marks those two, and the why panel says which bindings matched.
      await page.waitForFunction(
        (qs) => qs.every((q) => document.querySelector(`[data-queue="${q}"]`)?.getAttribute('data-hit') === 'true'),
        expected,
      );
      const why = (await page.textContent('[data-why]'))!;
      assert.match(why, /kern\.\*/);
      assert.match(why, /\*\.critical/);
      assert.match(why, /auth\.#/);
      const card = (await page.textContent('[data-message-card]'))!;
      assert.match(card, /Message #\d+ to topic_logs with key kern\.critical/);
      assert.match(card, /A critical kernel error/);
      assert.match(card, /Routed to /);
      await page.waitForFunction(
        () => (document.querySelector('[data-message-card]')?.textContent?.match(/removed from the queue at once/g) ?? []).length === 2,
      );
      // Each receiver's consumer is drawn, queue → consumer, labelled with its tag (the tutorial
      // gives no connection name); the one that took kern.critical is marked.
      const drawn = await page.$$eval('[data-live-consumer]', (els) =>
        els.map((e) => ({
          tag: e.getAttribute('data-live-consumer')!,
          queue: e.getAttribute('data-queue')!,
          hit: e.getAttribute('data-hit'),
        })),
      );
      assert.equal(drawn.length, 3);
      assert.deepEqual(
        drawn
          .filter((c) => c.hit === 'true')
          .map((c) => c.queue)
          .sort(),
        expected,
      );
      for (const c of drawn) assert.equal(await page.locator(`[data-edge="consume:${c.tag}"]`).count(), 1, `an arrow to ${c.tag}`);
      // A server-named queue is shortened in the middle, shown whole on focus (and in a title on hover).
      const q = expected[0];
      const node = page.locator(`[data-queue="${q}"]:not([data-live-consumer])`);
      const short = (await node.locator('.name-short').textContent())!;
      assert.ok(short.length < q.length && short.includes('…'), short);
      assert.ok(q.startsWith(short.split('…')[0]) && q.endsWith(short.split('…')[1]), `${short} is ${q} shortened`);
      assert.equal(await node.locator('title').textContent(), q);
      await node.focus();
      assert.equal(await node.locator('.name-full').isVisible(), true);
      assert.equal(await node.locator('.name-short').isVisible(), false);
      await page.screenshot({ path: 'screenshots/live-en-1280x720.png', fullPage: true });

      // "Save what I see as a scenario": a file the scenario loader accepts, whose one step
      // expects kern.critical in the two receivers' queues (server-made names renamed).
      await page.fill('[data-live-save] [name=count]', '1');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=save-scenario]')]);
      const file = JSON.parse(await readFile(await download.path(), 'utf8'));
      assert.equal(file.kind, 'routing');
      assert.equal(file.steps.length, 1);
      assert.equal(file.steps[0].message.routing_key, 'kern.critical');
      assert.deepEqual(file.steps[0].expect.queues.sort(), ['server-named-1', 'server-named-2']);
      assert.match((await page.textContent('[data-live-save-status]'))!, /Saved as what-my-programs-did\.json/);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it('speaks French, and refuses a wrong password with a clear sentence', async () => {
      const { page, errors } = await open('fr');
      assert.match((await page.textContent('h1'))!, /En direct/);
      assert.match((await page.textContent('[data-live-status]'))!, /Vous regardez le vhost \//);
      await page.locator('[data-live-message][data-routing-key="kern.critical"]').waitFor();
      assert.match((await page.textContent('[data-message-card]'))!, /vers topic_logs, clé kern\.critical/);
      await page.screenshot({ path: 'screenshots/live-fr-1280x720.png', fullPage: true });

      const other = await page.context().newPage();
      await other.goto(`${server.url}/live?lang=fr&login=1`);
      await other.fill('[name=user]', 'guest');
      await other.fill('[name=password]', 'not-the-password');
      await other.click('[data-action=watch]');
      await other.waitForSelector('[data-live-status][data-status="error"]');
      assert.match((await other.textContent('[data-live-status]'))!, /mot de passe ou vhost incorrect/);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it('shows a hostile routing key and body as text', async () => {
      const { page, errors } = await open('en');
      const emit = runTutorial('emit_log_topic.js', ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>'], programUrl);
      await emit.waitFor(/Sent/);
      const message = page.locator('[data-live-message][data-routing-key="<img src=x onerror=alert(1)>"]');
      await message.waitFor();
      await message.locator('button').click();
      assert.match((await page.textContent('[data-message-card]'))!, /<script>alert\(2\)<\/script>/);
      assert.equal(await page.locator('[data-live-page] img').count(), 0);
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it('stays readable at 30 queues: no label over another or over a box, names at a readable size', async () => {
      const { page, errors } = await open('en');
      const connection = await amqp.connect(programUrl.replace('amqp://', 'amqp://guest:guest@'));
      const exchange = `live30-${process.pid}`;
      try {
        const ch = await connection.createChannel();
        await ch.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });
        for (let i = 0; i < 30; i++) {
          const { queue } = await ch.assertQueue(`live30-${process.pid}-q${i}`, { exclusive: true });
          await ch.bindQueue(queue, exchange, i % 3 === 0 ? `app${i}.#` : `*.service${i}.*`);
        }
        ch.publish(exchange, 'app3.anything.here', Buffer.from('to q3'));
        await page.waitForFunction((x) => document.querySelector(`[data-live-message][data-exchange="${x}"]`), exchange);
        assert.equal(
          await page.locator('[data-live-message][data-routing-key="app3.anything.here"]').getAttribute('data-queues'),
          `live30-${process.pid}-q3`,
        );
        const overlaps = await diagramOverlaps(page);
        assert.deepEqual(overlaps.out.slice(0, 10), [], `${overlaps.out.length} overlaps`);
        assert.ok(overlaps.labels >= 30);
        await page.screenshot({ path: 'screenshots/live-30-queues-1280x720.png' });
        assert.deepEqual(errors, []);
      } finally {
        await connection.close();
        await page.context().close();
      }
    });
  });
