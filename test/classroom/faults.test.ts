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
import amqp from 'amqplib';
import type { Browser, BrowserContext } from 'playwright-core';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { createApp } from '../../src/web/app.js';
import { requireBrowser } from '../helpers/browser.js';
import { AMQP_URL, rabbitRequired, requireRabbit } from '../helpers/rabbitmq.js';
import { closeConnectionNamed, rabbitmqctl } from '../../tools/rabbitmqctl.js';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { LiveTestClient, uniqueName } from '../chat/fixture.js';
import { ClassVhost, footprintAfterStop } from '../../tools/classroom-load/after-class.js';
import { exchangesIn, queuesIn } from '../../tools/classroom-load/broker-footprint.js';
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
    server = http.createServer(
      createApp({ broker: new RabbitMqBroker(connection), connection, rateLimit: { perSecond: 1e9, burst: 1e9 } }),
    );
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

    // Five students keep running, without pause: runs, a routing scenario, consumer scenarios (the
    // more requests in flight when the connection goes, the likelier a channel is mid-open or mid-close).
    const answers: { what: string; answer: JsonAnswer }[] = [];
    let running = true;
    const student = async (what: string, request: () => Promise<JsonAnswer>) => {
      while (running) {
        const answer = await request();
        answers.push({ what, answer });
        if (answer.status !== 200) await sleep(20);
      }
    };
    const students = [
      student('run', () => call(`${base}/api/run`, { body: tutorial5 })),
      student('dead-lettering play', () => call(`${base}/api/scenarios/dead-lettering/play`)),
      student('work-queue play', () => call(`${base}/api/scenarios/work-queue/play`)),
      student('acknowledgements play', () => call(`${base}/api/scenarios/acknowledgements/play`)),
      student('run', () => call(`${base}/api/run`, { body: tutorial5 })),
    ];
    try {
      await sleep(500);
      await closeConnectionNamed(connectionName);

      // While it is away: /healthz says so, a run and a play say so, and so does the page.
      const health = await waitForHealth(base, 503, 5000);
      assert.deepEqual(health.body, {
        status: 'unreachable',
        broker: { kind: 'rabbitmq', connected: false, state: 'disconnected', url: connection.redactedUrl },
      });
      const run = await call(`${base}/api/run`, { body: tutorial5 });
      assert.equal(run.status, 503);
      assert.match(run.body.error.message, /^RabbitMQ at amqp:\/\/guest:\*\*\*@.* is not reachable right now .*retrying$/);
      assert.doesNotMatch(JSON.stringify(run.body), /guest:guest/);
      context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/scenarios/direct`);
      await page.waitForSelector('[data-play-status][data-state=error]', { timeout: 10_000 });
      assert.match(
        (await page.textContent('[data-play-status]')) ?? '',
        /^Could not play the scenario: RabbitMQ at .* is not reachable right now/,
      );

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

describe('the server process restarted', function () {
  this.timeout(120_000);
  const vhost = new ClassVhost(AMQP_URL);
  const connectionName = `playground restart ${vhost.name}`;
  const servers: ServerProcess[] = [];
  const tabs: LiveTestClient[] = [];

  before(async function () {
    await requireRabbit(this);
    await vhost.create();
  });
  after(async () => {
    for (const tab of tabs) await tab.close().catch(() => {});
    for (const s of servers) if (s.child.exitCode === null) await s.stop('SIGKILL');
    await vhost.delete().catch(() => {});
  });

  /** The server as `npm start` runs it, on RabbitMQ, in this test's vhost. */
  async function start(): Promise<{ server: ServerProcess; base: string }> {
    const server = await startServer({ BROKER: 'rabbitmq', AMQP_URL: vhost.url, AMQP_CONNECTION_NAME: connectionName });
    servers.push(server);
    return { server, base: server.url.replace('localhost', '127.0.0.1') };
  }

  function openTab(base: string, token: string): LiveTestClient {
    const tab = new LiveTestClient(base, token);
    tabs.push(tab);
    return tab;
  }

  it('keeps the chat inboxes: what was shown but not acknowledged, and what came while it was down, arrive once after', async () => {
    const first = await start();
    const otana = uniqueName('Otana');
    const mehdi = uniqueName('Mehdi');
    const a = await call(`${first.base}/api/chat/session`, { body: { name: otana } });
    const b = await call(`${first.base}/api/chat/session`, { body: { name: mehdi } });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const before = openTab(first.base, b.body.token);
    await before.waitForStatus('online');
    const shown = await call(`${first.base}/api/chat/messages`, {
      body: { id: 'before-the-crash', to: { kind: 'person', name: mehdi }, text: 'shown, not yet acknowledged' },
      headers: { authorization: `Bearer ${a.body.token}` },
    });
    assert.equal(shown.status, 200);
    await before.waitForText('shown, not yet acknowledged');

    // The server dies (no goodbye): the tab sees its live channel close — the page says "server away" and reconnects.
    await first.server.stop('SIGKILL');
    await before.closed;

    // Meanwhile an outside program (the report's pika one, here amqplib) writes to Mehdi, as the page documents.
    const outside = await amqp.connect(vhost.url);
    try {
      const channel = await outside.createConfirmChannel();
      channel.publish('chat', `user.${mehdi}`, Buffer.from('sent while the server was down'), {
        persistent: true,
        messageId: 'while-down',
        headers: { from: 'Outside' },
      });
      await channel.waitForConfirms();
    } finally {
      await outside.close();
    }

    // A new server process (new port): the same token opens the same inbox — the key derives from the AMQP URL, no server state.
    const second = await start();
    assert.equal((await call(`${second.base}/healthz`)).status, 200);
    const token = before.events.filter((e) => e.type === 'welcome').at(-1)?.token ?? b.body.token;
    const after = openTab(second.base, token);
    await after.waitForStatus('online');
    const crashed = await after.waitForText('shown, not yet acknowledged');
    assert.equal(crashed.redelivered, true);
    await after.waitForText('sent while the server was down');
    // Otana's token, signed by the first process, still sends through the second.
    const later = await call(`${second.base}/api/chat/messages`, {
      body: { id: 'after-the-restart', to: { kind: 'person', name: mehdi }, text: 'after the restart' },
      headers: { authorization: `Bearer ${a.body.token}` },
    });
    assert.equal(later.status, 200, JSON.stringify(later.body));
    await after.waitForText('after the restart');
    after.ack('before-the-crash', 'while-down', 'after-the-restart');
    await sleep(500);
    assert.deepEqual(
      after
        .messages()
        .filter((m) => m.event === null)
        .map((m) => m.id),
      ['before-the-crash', 'while-down', 'after-the-restart'],
    );
  });

  it('finishes a request in flight on SIGTERM, then closes its AMQP connection and exits 0', async () => {
    const running =
      servers.at(-1)?.child.exitCode === null
        ? { server: servers.at(-1)!, base: servers.at(-1)!.url.replace('localhost', '127.0.0.1') }
        : await start();
    // A run that takes a few seconds on RabbitMQ: 100 messages (the most a
    // run may hold) fanned out to 300 queues, declared and bound one by one.
    const queues = Array.from({ length: 300 }, (_, i) => `q${i}`);
    const body = {
      definitions: {
        exchanges: [{ name: 'fan', type: 'fanout' }],
        queues: queues.map((name) => ({ name })),
        bindings: queues.map((destination) => ({ source: 'fan', destination, routing_key: '' })),
      },
      messages: Array.from({ length: 100 }, (_, i) => ({ exchange: 'fan', routing_key: '', payload: `m${i}` })),
    };
    const started = Date.now();
    const inFlight = call(`${running.base}/api/run`, { body });
    await sleep(500);
    const signalledAt = Date.now() - started;
    const exited = running.server.stop('SIGTERM');
    const answer = await inFlight;
    const answeredAt = Date.now() - started;
    assert.equal(answer.status, 200);
    for (const q of queues) assert.equal(answer.body.queues[q].length, 100);
    assert.ok(answeredAt > signalledAt, `the run answered ${answeredAt} ms in, after SIGTERM at ${signalledAt} ms`);
    await assert.rejects(fetch(`${running.base}/healthz`), 'no new request once stopping');
    assert.equal(await exited, 0);
    const stopped = await footprintAfterStop(connectionName);
    assert.deepEqual(stopped, { connections: [], channels: [] });
    assert.match(running.server.output(), /SIGTERM: finishing requests, then closing the broker connection/);
    // The run deleted what it declared before the connection closed.
    assert.deepEqual(await emptiedButChat(vhost.name), []);
  });
});

/** What is left in the vhost beyond the chat's own (its exchange, the participants' inboxes and their names' leases, durable by design). */
async function emptiedButChat(vhost: string): Promise<string[]> {
  const [queues, exchanges] = await Promise.all([queuesIn(vhost), exchangesIn(vhost)]);
  const chats = (q: string) => q.startsWith('chat.') || q.startsWith('chat-lease.');
  return [
    ...queues.filter((q) => !chats(q)).map((q) => `queue ${q}`),
    ...exchanges.filter((x) => x !== 'chat').map((x) => `exchange ${x}`),
  ];
}

// Stopping the machine's RabbitMQ disturbs every other program using it, so
// this runs only where the broker is ours to stop: in CI (CI=true or
// REQUIRE_RABBITMQ=1, as .ci/run sets) or when asked
// (CLASSROOM_RESTART_TEST=1), and only on a local broker. start_app always
// runs afterwards, whatever happened.
const restartWanted =
  (rabbitRequired || process.env.CLASSROOM_RESTART_TEST === '1') && /@(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(AMQP_URL);

describe('RabbitMQ stopped and started (rabbitmqctl stop_app / start_app)', function () {
  this.timeout(180_000);
  const vhost = new ClassVhost(AMQP_URL);
  let server: ServerProcess | null = null;
  let stopped = false;

  before(async function () {
    if (!restartWanted) {
      console.warn('      stopping the shared RabbitMQ only in CI or with CLASSROOM_RESTART_TEST=1 (and a local broker): skipping');
      this.skip();
    }
    await requireRabbit(this);
    await vhost.create();
  });
  after(async () => {
    if (stopped) await brokerBack();
    if (server && server.child.exitCode === null) await server.stop('SIGKILL');
    if (restartWanted) await vhost.delete().catch(() => {});
  });

  async function brokerBack(): Promise<void> {
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup');
    stopped = false;
  }

  it('refuses runs, plays and chats clearly while it is down, keeps the durable inbox, and serves again without a restart', async () => {
    server = await startServer({ BROKER: 'rabbitmq', AMQP_URL: vhost.url, AMQP_CONNECTION_NAME: `playground stop-app ${vhost.name}` });
    const base = server.url.replace('localhost', '127.0.0.1');
    const otana = uniqueName('Otana');
    const mehdi = uniqueName('Mehdi');
    const a = await call(`${base}/api/chat/session`, { body: { name: otana } });
    const b = await call(`${base}/api/chat/session`, { body: { name: mehdi } });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    // Mehdi has no tab open: the message waits in his durable inbox, persistent.
    const sent = await call(`${base}/api/chat/messages`, {
      body: { id: 'before-the-broker-restart', to: { kind: 'person', name: mehdi }, text: 'waiting in the inbox' },
      headers: { authorization: `Bearer ${a.body.token}` },
    });
    assert.equal(sent.status, 200);

    stopped = true;
    await rabbitmqctl('stop_app');
    const health = await waitForHealth(base, 503, 15_000);
    assert.equal(health.body.broker.connected, false);
    const run = await call(`${base}/api/run`, { body: tutorial5 });
    assert.equal(run.status, 503);
    assert.match(run.body.error.message, /^RabbitMQ at .* is not reachable right now/);
    const play = await call(`${base}/api/scenarios/work-queue/play`);
    assert.equal(play.status, 503);
    assert.match(play.body.error.message, /not reachable right now/);
    const chat = await call(`${base}/api/chat/messages`, {
      body: { id: 'while-stopped', to: { kind: 'person', name: mehdi }, text: 'while stopped' },
      headers: { authorization: `Bearer ${a.body.token}` },
    });
    assert.equal(chat.status, 503);
    assert.equal(chat.body.error.message, 'The broker is unreachable right now: the message was not sent.');

    await brokerBack();
    await waitForHealth(base, 200, 30_000);
    assert.equal(server.child.exitCode, null, 'the same server process');
    assertTutorialOutcome(await call(`${base}/api/run`, { body: tutorial5 }));
    const again = await call(`${base}/api/scenarios/work-queue/play`);
    assert.equal(again.status, 200);
    assert.equal(again.body.error, null);
    // The durable inbox and its persistent message came through the broker's restart.
    const tab = new LiveTestClient(base, b.body.token);
    try {
      await tab.waitForStatus('online', 15_000);
      const kept = await tab.waitForText('waiting in the inbox');
      assert.equal(kept.id, 'before-the-broker-restart');
      tab.ack(kept.id);
    } finally {
      await tab.close();
    }
  });
});
