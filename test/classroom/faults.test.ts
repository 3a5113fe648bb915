// Faults a classroom server meets: its AMQP connection closed by the broker,
// RabbitMQ stopped and started, the server process itself restarted. What is
// durable survives, the user is told about what did not, and the server
// recovers without a restart of its own. (The chat's own behaviour when its
// connection drops or RabbitMQ restarts is tested in test/chat/chat-outage
// and test/browser/chat-broker-restart; here: scenario runs, and what
// survives across restarts.)
//
// Each server here runs in a vhost of its own, so "nothing left behind" is
// exact even while other programs use the same RabbitMQ.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { createApp } from '../../src/web/app.js';
import { requireBrowser } from '../helpers/browser.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';
import { closeConnectionNamed } from '../helpers/rabbitmqctl.js';
import { ClassVhost } from './load/after-class.js';
import { exchangesIn, queuesIn } from './load/broker-footprint.js';
import { assertTutorialOutcome, call, sleep, tutorial5, waitForHealth, type JsonAnswer } from './fault-kit.js';

/** Polls until the vhost holds no queue and no exchange of its own; answers what is left after `timeoutMs`. */
async function emptied(vhost: string, timeoutMs = 15_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [queues, exchanges] = await Promise.all([queuesIn(vhost), exchangesIn(vhost)]);
    const left = [...queues.map((q) => `queue ${q}`), ...exchanges.map((x) => `exchange ${x}`)];
    if (left.length === 0 || Date.now() > until) return left;
    await sleep(500);
  }
}

describe('scenario runs when the broker closes the app’s AMQP connection', function () {
  this.timeout(120_000);
  const vhost = new ClassVhost(AMQP_URL);
  const connectionName = `playground faults ${vhost.name}`;
  let connection: AmqpConnection;
  let server: http.Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext | null = null;

  before(async function () {
    await requireRabbit(this);
    browser = await requireBrowser(this);
    await vhost.create();
    // Back after 8 s (in production: 0.5 s, doubling up to 5 s), long enough to look at the outage.
    connection = new AmqpConnection(vhost.url, { connectionName, reconnectDelayMs: 8000 });
    await connection.start();
    server = http.createServer(createApp({ broker: new RabbitMqBroker(connection), connection, rateLimit: { perSecond: 1000, burst: 1000 } }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await context?.close();
    server?.closeAllConnections();
    server?.close();
    await connection?.close();
    await vhost.delete().catch(() => {});
  });

  it('answers every run in flight in full or with a clear 503, tells the page, and runs again once reconnected, leaving nothing', async () => {
    assertTutorialOutcome(await call(`${base}/api/run`, { body: tutorial5 }));

    // Three students keep running: a run, a routing scenario, a consumer scenario.
    const answers: { what: string; answer: JsonAnswer }[] = [];
    let running = true;
    const student = async (what: string, request: () => Promise<JsonAnswer>) => {
      while (running) {
        const answer = await request();
        answers.push({ what, answer });
        if (answer.status !== 200) await sleep(100); // a student tries again, not in a tight loop
      }
    };
    const students = [
      student('run', () => call(`${base}/api/run`, { body: tutorial5 })),
      student('dead-lettering play', () => call(`${base}/api/scenarios/dead-lettering/play`)),
      student('work-queue play', () => call(`${base}/api/scenarios/work-queue/play`)),
    ];
    try {
      await sleep(500);
      await closeConnectionNamed(connectionName);

      // While it is away: /healthz says so, a run and a play say so, and so does the page.
      const health = await waitForHealth(base, 503, 5000);
      assert.deepEqual(health.body, { status: 'degraded', broker: { kind: 'rabbitmq', connected: false, url: connection.redactedUrl } });
      const run = await call(`${base}/api/run`, { body: tutorial5 });
      assert.equal(run.status, 503);
      assert.match(run.body.error.message, /^RabbitMQ at amqp:\/\/guest:\*\*\*@.* is not reachable right now .*retrying$/);
      assert.doesNotMatch(JSON.stringify(run.body), /guest:guest/);
      context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/scenarios/direct`);
      await page.waitForSelector('[data-play-status][data-state=error]', { timeout: 10_000 });
      assert.match((await page.textContent('[data-play-status]')) ?? '', /^Could not play the scenario: RabbitMQ at .* is not reachable right now/);

      // Back by itself, without a restart: the same page, reloaded, plays.
      await waitForHealth(base, 200, 20_000);
      await page.reload();
      await page.waitForSelector('[data-scenario-page][data-ready=true]', { timeout: 15_000 });
    } finally {
      running = false;
      await Promise.all(students);
    }
    assertTutorialOutcome(await call(`${base}/api/run`, { body: tutorial5 }));
    for (const id of ['dead-lettering', 'work-queue']) {
      const play = await call(`${base}/api/scenarios/${id}/play`);
      assert.equal(play.status, 200);
      assert.equal(play.body.error ?? null, null);
    }

    // Every answer during the outage was a full one or a clear refusal: never a 5xx other than 503, never a hang.
    const refused = answers.filter(({ answer }) => answer.status !== 200);
    assert.deepEqual(
      refused.filter(({ answer }) => answer.status !== 503 || !/RabbitMQ|connection/i.test(answer.body?.error?.message ?? '')),
      [],
    );
    assert.ok(refused.length > 0, 'some requests met the outage');
    // A 200 is a whole answer: a play cut off half way is a 503 too ("lost the connection to RabbitMQ during the play").
    for (const { what, answer } of answers.filter(({ answer }) => answer.status === 200)) {
      assert.equal(answer.body.error ?? null, null, `${what}: ${answer.body.error}`);
      assert.ok(answer.body.steps?.length > 0 || answer.body.queues, `${what}: ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
    const cutOff = refused.filter(({ answer }) => /during the (run|play)/.test(answer.body.error.message)).length;
    console.log(`      during the outage: ${answers.length} requests, ${refused.length} answered 503 (${cutOff} of them cut off half way)`);

    // What the runs cut off declared is deleted once the connection is back.
    assert.deepEqual(await emptied(vhost.name), []);
  });
});
