// The observing relay against the machine's RabbitMQ: what a program gets
// through it is byte for byte what RabbitMQ sent, and the live view hears
// each thing the program and the broker did.
import assert from 'node:assert/strict';
import net from 'node:net';
import amqp from 'amqplib';
import { startRelay, type Relay } from '../../src/live/relay.js';
import type { LiveEvent } from '../../src/live/events.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

const upstream = { host: '127.0.0.1', port: 5672, tls: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the observing relay to RabbitMQ', function () {
  this.timeout(20_000);
  let relay: Relay;
  const events: [string, LiveEvent][] = [];
  let url: string;

  before(async function () {
    await requireRabbit(this);
    relay = await startRelay({ host: '127.0.0.1', port: 0 }, { upstream, onEvent: (vhost, e) => events.push([vhost, e]) });
    url = `amqp://guest:guest@127.0.0.1:${(relay.server.address() as net.AddressInfo).port}`;
  });
  after(async () => relay?.close());

  it('lets a program declare, bind, publish, consume, get and ack, and reports each step with its vhost', async () => {
    events.length = 0;
    const name = `live-relay-${process.pid}`;
    const connection = await amqp.connect(url, { clientProperties: { connection_name: 'relay test' } });
    try {
      const ch = await connection.createChannel();
      await ch.assertExchange(name, 'topic', { durable: false, autoDelete: true });
      const { queue } = await ch.assertQueue('', { exclusive: true });
      await ch.bindQueue(queue, name, '*.orange.*');
      const returned = new Promise<amqp.Message>((resolve) => ch.once('return', resolve));
      ch.publish(name, 'quick.orange.fox', Buffer.from('hello <b>'), { headers: { n: 1 } });
      ch.publish(name, 'lazy.brown.fox', Buffer.from('nobody'), { mandatory: true });
      assert.equal((await returned).fields.routingKey, 'lazy.brown.fox');
      const got = await ch.get(queue);
      assert.ok(got);
      ch.ack(got);
      ch.publish(name, 'slow.orange.cat', Buffer.from('second'));
      const delivered = new Promise<void>((resolve) => {
        void ch.consume(queue, (m) => {
          if (m) ch.ack(m);
          resolve();
        });
      });
      await delivered;
      await ch.deleteExchange(name);
    } finally {
      await connection.close();
    }
    await sleep(100);
    const kinds = events.map(([, e]) => e.kind);
    assert.ok(events.every(([vhost]) => vhost === '/'));
    for (const kind of [
      'connection-opened',
      'channel-opened',
      'exchange-declared',
      'queue-declared',
      'bound',
      'published',
      'returned',
      'delivered',
      'settled',
      'consumer-added',
      'exchange-deleted',
      'connection-closed',
    ]) {
      assert.ok(kinds.includes(kind as LiveEvent['kind']), `${kind} in ${kinds.join(', ')}`);
    }
    const opened = events.find(([, e]) => e.kind === 'connection-opened')![1] as Extract<LiveEvent, { kind: 'connection-opened' }>;
    assert.equal(opened.user, 'guest');
    assert.equal(opened.client, 'relay test');
    const published = events.filter(([, e]) => e.kind === 'published').map(([, e]) => e as Extract<LiveEvent, { kind: 'published' }>);
    assert.deepEqual(
      published.map((p) => [p.routingKey, p.preview, p.mandatory]),
      [
        ['quick.orange.fox', 'hello <b>', false],
        ['lazy.brown.fox', 'nobody', true],
        ['slow.orange.cat', 'second', false],
      ],
    );
    assert.deepEqual(published[0].headers, { n: 1 });
    const deliveries = events.filter(([, e]) => e.kind === 'delivered').map(([, e]) => e as Extract<LiveEvent, { kind: 'delivered' }>);
    assert.deepEqual(
      deliveries.map((d) => [d.via, d.routingKey]),
      [
        ['get', 'quick.orange.fox'],
        ['consume', 'slow.orange.cat'],
      ],
    );
    assert.ok(deliveries.every((d) => d.queue.startsWith('amq.gen-')));
  });

  it('forwards every byte unchanged, both ways', async () => {
    // A raw TCP client through the relay and a raw one straight to RabbitMQ
    // send the same bytes; the server's answer through the relay is what
    // RabbitMQ sent (captured on the relay's upstream side by a second relay hop).
    const hello = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');
    const collect = (port: number) =>
      new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const socket = net.connect(port, '127.0.0.1', () => socket.write(hello));
        socket.on('data', (c) => chunks.push(c));
        socket.on('error', reject);
        setTimeout(() => {
          socket.destroy();
          resolve(Buffer.concat(chunks));
        }, 500);
      });
    const direct = await collect(5672);
    const relayed = await collect((relay.server.address() as net.AddressInfo).port);
    // connection.start carries the broker's properties: the same bytes apart from nothing.
    assert.ok(direct.length > 100);
    assert.deepEqual(relayed, direct);
  });

  it("closes the program's side when RabbitMQ refuses it, with RabbitMQ's own reply", async () => {
    const port = (relay.server.address() as net.AddressInfo).port;
    await assert.rejects(amqp.connect(`amqp://guest:wrong@127.0.0.1:${port}`), /ACCESS_REFUSED|403/);
  });
});
