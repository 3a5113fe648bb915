// The listener's bounds, as a program meets them: AMQP_MAX_CONNECTIONS (one
// more is refused: the socket closes before the handshake, and a place freed
// is taken again), and AMQP_MAX_QUEUED_MB (RabbitMQ's memory alarm: past it
// publishers get connection.blocked and are no longer read; once consumers
// drain the queues, connection.unblocked — and nothing published is lost).
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';

const until = async (what: string, test: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the listener’s bounds', function () {
  this.timeout(30_000);

  describe('AMQP_MAX_CONNECTIONS = 3', () => {
    let server: AmqpServer;
    before(async () => {
      server = await startAmqpServer({ port: 0, maxConnections: 3 });
    });
    after(async () => server?.close());

    it('refuses the fourth connection before its handshake, and takes one again once a place is free', async () => {
      const url = `amqp://guest:guest@127.0.0.1:${server.port}`;
      const open = await Promise.all([1, 2, 3].map(() => amqp.connect(url)));
      await assert.rejects(amqp.connect(url), /closed|ECONNRESET|handshake/i);
      await open.pop()!.close();
      await until('the closed connection to be counted out', () => server.connectionCount() === 2);
      open.push(await amqp.connect(url));
      assert.equal(server.connectionCount(), 3);
      await Promise.all(open.map((c) => c.close()));
    });
  });

  describe('AMQP_MAX_QUEUED_MB = 1', () => {
    let server: AmqpServer;
    before(async () => {
      server = await startAmqpServer({ port: 0, maxQueuedBytes: 1024 * 1024, tickMs: 20 });
    });
    after(async () => server?.close());

    it('blocks a publisher past the bound with connection.blocked, unblocks once a consumer drains, and loses nothing', async () => {
      const url = `amqp://guest:guest@127.0.0.1:${server.port}`;
      const publisher = await amqp.connect(url);
      const consumer = await amqp.connect(url);
      const events: string[] = [];
      publisher.on('blocked', (reason: string) => events.push(`blocked: ${reason}`));
      publisher.on('unblocked', () => events.push('unblocked'));
      try {
        const pub = await publisher.createChannel();
        await pub.assertQueue('bounds-queue', { durable: false });
        const body = Buffer.alloc(100 * 1024, 'x');
        // 11 × 100 KiB: just past the bound.
        for (let i = 0; i < 11; i++) pub.sendToQueue('bounds-queue', body, { messageId: String(i) });
        await until('connection.blocked', () => events.length > 0);
        assert.equal(events[0], 'blocked: low on memory');
        // Blocked: the listener no longer reads the publisher, so what it sends now waits in its socket.
        for (let i = 11; i < 20; i++) pub.sendToQueue('bounds-queue', body, { messageId: String(i) });
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(server.shared.bytes, 11 * body.length, 'the queue holds the 11 sent before the block');

        const ids: string[] = [];
        const con = await consumer.createChannel();
        await con.consume('bounds-queue', (m) => m && ids.push(m.properties.messageId as string), { noAck: true });
        await until('unblocked and every message consumed', () => events.includes('unblocked') && ids.length === 20);
        assert.deepEqual(
          ids,
          Array.from({ length: 20 }, (_, i) => String(i)),
        );
      } finally {
        await publisher.close();
        await consumer.close();
      }
    });

    it('never blocks the app’s own connection (the inside port): a program’s flood does not stop the class or the chat', async () => {
      const program = await amqp.connect(`amqp://guest:guest@127.0.0.1:${server.port}`);
      const app = await amqp.connect(`amqp://guest:guest@127.0.0.1:${server.insidePort}`);
      const blocked: string[] = [];
      program.on('blocked', () => blocked.push('program'));
      app.on('blocked', () => blocked.push('app'));
      try {
        const flood = await program.createChannel();
        await flood.assertQueue('flood', { durable: false });
        for (let i = 0; i < 11; i++) flood.sendToQueue('flood', Buffer.alloc(100 * 1024, 'x'));
        await until('the program blocked', () => blocked.includes('program'));
        const own = await app.createConfirmChannel();
        await own.assertQueue('app-own', { durable: false });
        // Confirmed while the alarm is on: the listener still reads the app.
        await new Promise<void>((resolve, reject) =>
          own.sendToQueue('app-own', Buffer.from('answer'), {}, (err) => (err ? reject(err) : resolve())),
        );
        assert.deepEqual(blocked, ['program']);
        assert.equal((await own.checkQueue('app-own')).messageCount, 1);
        await own.deleteQueue('app-own');
        // The blocked program is not read until the alarm clears: the app deletes the flood.
        await own.deleteQueue('flood');
        await until('the program unblocked', () => server.shared.bytes === 0);
      } finally {
        await program.close();
        await app.close();
      }
    });
  });
});
