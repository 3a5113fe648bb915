// The live model of a vhost, fed the events real programs cause (through the
// relay, against the machine's RabbitMQ): counts of ready and unacknowledged
// messages follow publish, get, consume, ack, nack and a channel closing, and
// a flood keeps only the last messages while counting every path.
import assert from 'node:assert/strict';
import net from 'node:net';
import amqp from 'amqplib';
import { startRelay, type Relay } from '../../src/live/relay.js';
import { LiveVhost, MAX_MESSAGES } from '../../src/live/live-vhost.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the live model of a vhost', function () {
  this.timeout(30_000);
  let relay: Relay;
  let model: LiveVhost;
  let url: string;

  before(async function () {
    await requireRabbit(this);
    relay = await startRelay(
      { host: '127.0.0.1', port: 0 },
      { upstream: { host: '127.0.0.1', port: 5672, tls: false }, onEvent: (_vhost, e) => model.apply(e) },
    );
    url = `amqp://guest:guest@127.0.0.1:${(relay.server.address() as net.AddressInfo).port}`;
  });
  beforeEach(() => (model = new LiveVhost('/')));
  after(async () => relay?.close());

  const until = async (test: () => boolean, what: string) => {
    for (let i = 0; i < 100 && !test(); i++) await sleep(20);
    assert.ok(test(), what);
  };

  it('counts ready and unacked as a worker gets, consumes, acks and nacks, and gives back what a closed channel held', async () => {
    const connection = await amqp.connect(url);
    try {
      const ch = await connection.createChannel();
      const { queue } = await ch.assertQueue('', { exclusive: true });
      for (const body of ['a', 'b', 'c', 'd']) ch.sendToQueue(queue, Buffer.from(body));
      await until(() => model.queues.get(queue)?.ready === 4, 'four ready after four publishes to the default exchange');
      assert.deepEqual(
        model.messages.map((m) => m.queues),
        [[queue], [queue], [queue], [queue]],
      );

      const got = await ch.get(queue);
      assert.ok(got);
      await until(() => model.queues.get(queue)?.unacked === 1 && model.queues.get(queue)?.ready === 3, 'get: 3 ready, 1 unacked');
      ch.ack(got);
      await until(() => model.queues.get(queue)?.unacked === 0, 'ack: 0 unacked');

      const worker = await connection.createChannel();
      await worker.prefetch(2);
      const seen: amqp.Message[] = [];
      await worker.consume(queue, (m) => m && seen.push(m));
      await until(() => seen.length === 2 && model.queues.get(queue)?.unacked === 2, 'prefetch 2: two unacked');
      worker.nack(seen[0], false, true); // back to the queue
      await until(
        () => model.queues.get(queue)?.consumers === 1 && model.queues.get(queue)!.unacked + model.queues.get(queue)!.ready === 3,
        'nack requeue keeps the total',
      );
      await worker.close(); // unacked go back
      await until(
        () => model.queues.get(queue)?.unacked === 0 && model.queues.get(queue)?.ready === 3 && model.queues.get(queue)?.consumers === 0,
        'closing the channel requeues what it held',
      );
      assert.ok(model.messages[0].deliveries.length >= 1);
    } finally {
      await connection.close();
    }
    await until(() => model.connections.size === 0, 'connection gone');
    assert.equal(model.queues.size, 0, 'the exclusive queue went with its connection');
  });

  it('keeps the last messages of a flood and counts every path', async () => {
    const connection = await amqp.connect(url);
    const total = MAX_MESSAGES + 300;
    try {
      const ch = await connection.createChannel();
      const { queue } = await ch.assertQueue('', { exclusive: true });
      for (let i = 0; i < total; i++) ch.sendToQueue(queue, Buffer.from(String(i)));
      ch.publish('', 'nobody-has-this-queue', Buffer.from('x'));
      await until(() => model.published === total + 1, 'every publish seen');
      assert.equal(model.messages.length, MAX_MESSAGES);
      assert.equal(model.messages.at(-1)!.preview, 'x');
      assert.equal([...model.paths.values()].find((p) => p.queues[0] === queue)!.count, total);
      assert.equal([...model.paths.values()].find((p) => p.queues.length === 0)!.count, 1);
      // Only the first messages of each second are explained in full; all are routed.
      assert.ok(model.messages.filter((m) => m.trace).length < MAX_MESSAGES);
      assert.ok(model.messages.every((m) => m.queues.length > 0 || m.preview === 'x'));
    } finally {
      await connection.close();
    }
  });
});
