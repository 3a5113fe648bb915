// Two faults that leave the server's AMQP connection open but useless, on the
// machine's real RabbitMQ: its memory alarm (it stops reading from publishing
// connections and says connection.blocked) and a network that stops
// forwarding without closing (only heartbeats tell). Each request must answer
// within its bound with a 503 naming the cause, in the asker's language;
// /healthz must say so; and once the fault clears the same process serves
// again. The alarm is always switched off again, whatever happens.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { ChatHub } from '../../src/chat/chat-hub.js';
import { AmqpChat } from '../../src/chat/amqp-chat.js';
import { inboxOf } from '../../src/chat/naming.js';
import { createApp } from '../../src/web/app.js';
import { BlackHoleProxy } from '../helpers/black-hole-proxy.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';
import { rabbitmqctl } from '../helpers/rabbitmqctl.js';
import { deleteChatQueues, LiveTestClient, uniqueName } from '../chat/fixture.js';
import { assertTutorialOutcome, call, sleep, tutorial5, waitForHealth, type JsonAnswer } from '../classroom/fault-kit.js';

interface Served {
  base: string;
  connection: AmqpConnection;
  hub: ChatHub;
  close(): Promise<void>;
}

/** The app on its own AMQP connection to `url` (the fault must not touch the other tests' connection). */
async function serve(url: string, name: string): Promise<Served> {
  const connection = new AmqpConnection(url, { connectionName: name, reconnectDelayMs: 200, maxReconnectDelayMs: 1000 });
  await connection.start(5000);
  const hub = new ChatHub(new AmqpChat(connection), { secret: randomBytes(32), brokerUrl: connection.redactedUrl });
  const server = http.createServer(
    createApp({ broker: new RabbitMqBroker(connection), connection, chat: hub, rateLimit: { perSecond: 1e9, burst: 1e9 } }),
  );
  hub.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connection,
    hub,
    close: async () => {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
    },
  };
}

/** A call and how long it took. */
async function timed(url: string, init: Parameters<typeof call>[1] = {}): Promise<JsonAnswer & { ms: number }> {
  const started = Date.now();
  const answer = await call(url, init, 60_000);
  return { ...answer, ms: Date.now() - started };
}

/** Polls /healthz until its status word is `word`; answers how long it took. */
async function healthSays(base: string, word: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await call(`${base}/healthz`, {}, 5000);
    if (answer.body?.status === word) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      assert.fail(`/healthz did not say "${word}" within ${timeoutMs} ms: ${JSON.stringify(answer.body)}`);
    await sleep(100);
  }
}

describe('RabbitMQ refusing publishes (memory alarm) and a silent network', function () {
  this.timeout(120_000);

  before(async function () {
    await requireRabbit(this);
  });

  describe('while RabbitMQ’s memory alarm is on', () => {
    let app: Served;
    const names: string[] = [];

    before(async () => {
      app = await serve(AMQP_URL, 'playground-alarm-test');
    });

    after(async () => {
      await setAlarm(false);
      await deleteChatQueues(app.connection, names.map(inboxOf)).catch(() => {});
      await app.close();
    });

    async function setAlarm(on: boolean): Promise<void> {
      await rabbitmqctl('set_vm_memory_high_watermark', on ? '0.0001' : '0.4');
    }

    it('runs, plays and chat sends answer 503 within 5 s naming the alarm; /healthz says blocked; all serve again once it clears, the waiting chat message delivered once', async () => {
      const alice = uniqueName('Alice');
      const bob = uniqueName('Bob');
      names.push(alice, bob);
      const join = async (name: string) => (await call(`${app.base}/api/chat/session`, { body: { name } })).body as { token: string };
      const a = await join(alice);
      const b = await join(bob);
      const listener = new LiveTestClient(app.base, b.token);
      await listener.opened;
      const id = randomUUID();
      const send = () =>
        timed(`${app.base}/api/chat/messages`, {
          body: { id, to: { kind: 'room' }, text: 'pendant l’alarme' },
          headers: { authorization: `Bearer ${a.token}`, 'accept-language': 'fr' },
        });

      try {
        await setAlarm(true);
        const run = await timed(`${app.base}/api/run`, { body: tutorial5 });
        assert.equal(run.status, 503, JSON.stringify(run.body));
        assert.ok(run.ms < 5000, `the run answered after ${run.ms} ms`);
        assert.equal(run.body.error.code, 'broker.blocked');
        assert.match(run.body.error.message, /memory or disk alarm is on/);

        await healthSays(app.base, 'blocked', 5000);
        const page = await call(`${app.base}/?lang=en`);
        assert.match(String(page.body), /memory or disk alarm is on/, 'the header badge says why');

        const fr = await timed(`${app.base}/api/run?lang=fr`, { body: tutorial5 });
        assert.equal(fr.status, 503);
        assert.ok(fr.ms < 1000, `an alarm already known is refused at once (${fr.ms} ms)`);
        assert.match(fr.body.error.message, /alarme de mémoire ou de disque/);

        const play = await timed(`${app.base}/api/scenarios/direct/play?lang=en`);
        assert.equal(play.status, 503, JSON.stringify(play.body));
        assert.ok(play.ms < 5000, `the play answered after ${play.ms} ms`);

        const waiting = await send();
        assert.equal(waiting.status, 503, JSON.stringify(waiting.body));
        assert.ok(waiting.ms < 5000, `the chat send answered after ${waiting.ms} ms`);
        assert.match(waiting.body.error.message, /alarme de mémoire ou de disque/);
        console.log(`      memory alarm: run 503 after ${run.ms} ms, play ${play.ms} ms, chat send ${waiting.ms} ms`);
      } finally {
        await setAlarm(false);
      }

      await healthSays(app.base, 'ok', 20_000);
      const again = await send(); // what the page's outbox does with a waiting message
      assert.equal(again.status, 200, JSON.stringify(again.body));
      const twice = await send(); // and once more, as a retry racing the first answer would
      assert.equal(twice.status, 200, JSON.stringify(twice.body));
      await listener.waitForText('pendant l’alarme');
      await sleep(1000);
      const got = listener.messages().filter((m) => m.id === id);
      assert.equal(got.length, 1, `delivered ${got.length} times`);
      await listener.close();

      const run = await timed(`${app.base}/api/run`, { body: tutorial5 });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assertTutorialOutcome(run);
    });
  });

  describe('when the network stops forwarding without closing', () => {
    let proxy: BlackHoleProxy;
    let app: Served;

    before(async () => {
      proxy = await BlackHoleProxy.start();
      const url = new URL(AMQP_URL);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      app = await serve(url.toString(), 'playground-black-hole-test'); // the default heartbeat (10 s) and bound (12 s)
    });

    after(async () => {
      await app?.close();
      await proxy?.close();
    });

    it('answers a run within 15 s, says unreachable once a heartbeat is missed, and serves again when the network is back', async () => {
      assertTutorialOutcome(await call(`${app.base}/api/run`, { body: tutorial5 }));

      proxy.swallow();
      const swallowedAt = Date.now();
      const [run, unreachableAfter] = await Promise.all([
        timed(`${app.base}/api/run`, { body: tutorial5 }),
        healthSays(app.base, 'unreachable', 15_000),
      ]);
      assert.equal(run.status, 503, JSON.stringify(run.body));
      assert.ok(run.ms <= 15_000, `the run answered after ${run.ms} ms`);
      assert.match(run.body.error.message, /has not answered|did not answer/);
      assert.ok(unreachableAfter <= 12_000, `/healthz said unreachable ${unreachableAfter} ms after the network went`);
      console.log(`      silent network: run answered 503 after ${run.ms} ms, /healthz unreachable after ${unreachableAfter} ms`);

      const next = await timed(`${app.base}/api/run`, { body: tutorial5 });
      assert.equal(next.status, 503);
      assert.ok(next.ms < 6000, `a run while the network is known dead answers in ${next.ms} ms`);

      proxy.restore();
      await waitForHealth(app.base, 200, 30_000);
      console.log(`      back ${Date.now() - swallowedAt} ms after the network went`);
      assertTutorialOutcome(await call(`${app.base}/api/run`, { body: tutorial5 }));
    });
  });
});
