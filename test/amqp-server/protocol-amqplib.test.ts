// amqplib programs against the listener, judged by RabbitMQ: each script
// runs once on RabbitMQ 3.10.8 and once on the listener, writing down what
// the client sees (replies, deliveries, returns, confirms, errors); the two
// transcripts must be equal.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage, type GetMessage } from 'amqplib';
import { startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';

type Log = unknown[];
type Script = (conn: ChannelModel, log: Log, name: (s: string) => string) => Promise<void>;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function message(m: ConsumeMessage | GetMessage | false | null): unknown {
  if (!m) return m;
  const { deliveryTag, redelivered, exchange, routingKey } = m.fields as ConsumeMessage['fields'];
  const p = m.properties;
  return {
    body: m.content.toString(),
    deliveryTag,
    redelivered,
    exchange,
    routingKey,
    messageCount: (m.fields as GetMessage['fields']).messageCount,
    properties: Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)),
  };
}

/** Runs `fn`, logging its result or the channel error it caused. */
async function attempt(log: Log, label: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    log.push([label, await fn()]);
  } catch (error) {
    log.push([label, 'error', (error as { code?: number }).code, (error as Error).message]);
  }
}

const SCRIPTS: Record<string, Script> = {
  async 'declare, bind, publish with properties, get, ack'(conn, log, name) {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    const q = name('q');
    log.push(await ch.assertQueue(q, { autoDelete: false, durable: false }));
    await ch.assertExchange(name('x'), 'direct', { durable: false, autoDelete: true });
    await ch.bindQueue(q, name('x'), 'k');
    const headers = { n: 1, s: 'text', b: true, list: [1, 'two'], nested: { a: 1 } };
    ch.publish(name('x'), 'k', Buffer.from('one'), {
      headers,
      contentType: 'text/plain',
      messageId: 'm1',
      priority: 3,
      deliveryMode: 2,
      correlationId: 'c',
      replyTo: 'r',
      type: 't',
      appId: 'a',
      timestamp: 1700000000,
    });
    ch.publish(name('x'), 'k', Buffer.from('two'));
    await wait(100);
    log.push(await ch.checkQueue(q));
    const first = await ch.get(q);
    log.push(message(first));
    log.push(message(await ch.get(q, { noAck: true })));
    log.push(message(await ch.get(q)));
    ch.ack(first as GetMessage);
    log.push(await ch.purgeQueue(q));
    log.push(await ch.deleteQueue(q));
    await ch.close();
  },
  async 'consume with prefetch, nack with requeue, redelivered, reject, dead letters'(conn, log, name) {
    const ch = await conn.createChannel();
    ch.on('error', (e) => log.push(['channel error', e.message]));
    const q = name('work');
    await ch.assertQueue(name('dead'), { autoDelete: false });
    await ch.assertQueue(q, { deadLetterExchange: '', deadLetterRoutingKey: name('dead') });
    for (const body of ['a', 'b', 'c']) ch.sendToQueue(q, Buffer.from(body));
    await ch.prefetch(1);
    const seen: unknown[] = [];
    let count = 0;
    await new Promise<void>((resolve) => {
      void ch.consume(q, (m) => {
        if (!m) return; // the server's cancel when the queue goes
        seen.push(message(m));
        count++;
        if (count === 1) ch.nack(m, false, true);
        else if (count === 2) ch.reject(m, false);
        else ch.ack(m);
        if (count === 4) resolve();
      });
    });
    log.push(seen.map((s) => ({ ...(s as object), deliveryTag: undefined })));
    await wait(100);
    log.push(message(await ch.get(name('dead'), { noAck: true })));
    await ch.deleteQueue(q);
    await ch.deleteQueue(name('dead'));
    await ch.close();
  },
  async 'publisher confirms, mandatory returns, nack from reject-publish'(conn, log, name) {
    const ch = await conn.createConfirmChannel();
    const returns: unknown[] = [];
    ch.on('return', (m) => returns.push([m.fields, m.content.toString()]));
    const q = name('limited');
    await ch.assertQueue(q, { maxLength: 1, arguments: { 'x-overflow': 'reject-publish' } });
    const results: unknown[] = [];
    const confirm = (p: Promise<unknown>) =>
      p.then(
        () => 'ack',
        () => 'nack',
      );
    ch.publish('', q, Buffer.from('1'), {}, () => {});
    results.push(await confirm(new Promise((res, rej) => ch.publish('', q, Buffer.from('2'), {}, (err) => (err ? rej(err) : res(null))))));
    results.push(
      await confirm(
        new Promise((res, rej) =>
          ch.publish('', name('nowhere'), Buffer.from('3'), { mandatory: true }, (err) => (err ? rej(err) : res(null))),
        ),
      ),
    );
    await ch.waitForConfirms();
    log.push(results, returns);
    await ch.deleteQueue(q);
    await ch.close();
  },
  async 'transactions: commit and rollback of publishes and acks'(conn, log, name) {
    const ch = await conn.createChannel();
    const q = name('tx');
    await ch.assertQueue(q);
    ch.sendToQueue(q, Buffer.from('before'));
    await wait(50);
    // amqplib has no tx API in its types: the methods go through the channel's rpc.
    const rpc = (ch as unknown as { rpc(m: number, f: object, r: number): Promise<unknown> }).rpc.bind(ch);
    const defs = {
      TxSelect: 5898250,
      TxSelectOk: 5898251,
      TxCommit: 5898260,
      TxCommitOk: 5898261,
      TxRollback: 5898270,
      TxRollbackOk: 5898271,
    };
    await rpc(defs.TxSelect, {}, defs.TxSelectOk);
    const m = await ch.get(q);
    ch.ack(m as GetMessage);
    ch.sendToQueue(q, Buffer.from('rolled back'));
    await rpc(defs.TxRollback, {}, defs.TxRollbackOk);
    log.push(await ch.checkQueue(q));
    ch.sendToQueue(q, Buffer.from('committed'));
    await wait(50);
    log.push(await ch.checkQueue(q));
    await rpc(defs.TxCommit, {}, defs.TxCommitOk);
    log.push(await ch.checkQueue(q));
    await ch.deleteQueue(q);
    await ch.close();
  },
  async 'direct reply-to round trip'(conn, log, name) {
    const server = await conn.createChannel();
    const client = await conn.createChannel();
    const q = name('rpc');
    await server.assertQueue(q, { exclusive: true });
    await server.consume(q, (m) => {
      server.sendToQueue(m!.properties.replyTo, Buffer.from(`reply to ${m!.content}`), { correlationId: m!.properties.correlationId });
      server.ack(m!);
    });
    const reply = new Promise<ConsumeMessage>((resolve) => {
      void client.consume('amq.rabbitmq.reply-to', (m) => resolve(m!), { noAck: true });
    });
    await wait(50);
    client.sendToQueue(q, Buffer.from('ping'), { replyTo: 'amq.rabbitmq.reply-to', correlationId: 'x1' });
    const m = await reply;
    log.push([
      m.content.toString(),
      m.properties.correlationId,
      m.fields.routingKey.startsWith('amq.rabbitmq.reply-to.'),
      m.fields.exchange,
    ]);
    await client.close();
    await server.close();
  },
  async 'channel errors: 404, 406 inequivalent, 405 exclusive, 403 reserved'(conn, log, name) {
    const other = await amqp.connect((conn as unknown as { url: string }).url);
    other.on('error', () => {});
    try {
      const errors = async (fn: (ch: Channel) => Promise<unknown>, label: string, on: ChannelModel = conn) => {
        const ch = await on.createChannel();
        ch.on('error', () => {});
        await attempt(log, label, () => fn(ch));
        await ch.close().catch(() => {});
      };
      await errors((ch) => ch.checkQueue(name('missing')), 'checkQueue missing');
      await errors((ch) => ch.checkExchange(name('missing')), 'checkExchange missing');
      await errors(async (ch) => {
        await ch.assertQueue(name('durable'), { durable: true });
        return ch.assertQueue(name('durable'), { durable: false });
      }, 'inequivalent durable');
      await errors((ch) => ch.deleteQueue(name('durable')), 'delete durable');
      await errors((ch) => ch.assertQueue('amq.mine'), 'reserved name');
      await errors((ch) => ch.assertExchange(name('x'), 'nonsense'), 'unknown type (connection error)', other);
      const owner = await conn.createChannel();
      await owner.assertQueue(name('excl'), { exclusive: true });
      const other2 = await amqp.connect((conn as unknown as { url: string }).url);
      other2.on('error', () => {});
      await errors((ch) => ch.checkQueue(name('excl')), 'exclusive queue from another connection', other2);
      await other2.close().catch(() => {});
      await owner.close();
    } finally {
      await other.close().catch(() => {});
    }
  },
  async 'exclusive queues go with their connection, auto-delete with their last consumer'(conn, log, name) {
    const url = (conn as unknown as { url: string }).url;
    const temp = await amqp.connect(url);
    const tch = await temp.createChannel();
    await tch.assertQueue(name('gone'), { exclusive: true });
    await tch.assertQueue(name('auto'), { autoDelete: true });
    const { consumerTag } = await tch.consume(name('auto'), () => {});
    await tch.cancel(consumerTag);
    await temp.close();
    await wait(100);
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    await attempt(log, 'exclusive after close', () => ch.checkQueue(name('gone')));
    const ch2 = await conn.createChannel();
    ch2.on('error', () => {});
    await attempt(log, 'auto-delete after cancel', () => ch2.checkQueue(name('auto')));
  },
  async 'message TTL and per-message expiration pass in real time'(conn, log, name) {
    const ch = await conn.createChannel();
    const q = name('ttl');
    await ch.assertQueue(q, { messageTtl: 300 });
    ch.sendToQueue(q, Buffer.from('queue ttl'));
    ch.sendToQueue(q, Buffer.from('own expiration'), { expiration: '100' });
    await wait(50);
    log.push((await ch.checkQueue(q)).messageCount);
    await wait(600);
    log.push((await ch.checkQueue(q)).messageCount);
    await ch.deleteQueue(q);
    await ch.close();
  },
  async 'consumer cancel notification when the queue is deleted'(conn, log, name) {
    const ch = await conn.createChannel();
    const q = name('cancelled');
    await ch.assertQueue(q);
    const cancelled = new Promise<unknown>((resolve) => {
      void ch.consume(q, (m) => resolve(m));
    });
    const other = await conn.createChannel();
    await other.deleteQueue(q);
    log.push(await Promise.race([cancelled, wait(2000).then(() => 'no notification')]));
    await ch.close();
    await other.close();
  },
};

async function transcript(url: string, script: Script): Promise<Log> {
  const prefix = `protocol-amqplib-${randomBytes(4).toString('hex')}-`;
  const conn = await amqp.connect(url);
  (conn as unknown as { url: string }).url = url;
  conn.on('error', () => {});
  const log: Log = [];
  try {
    await script(conn, log, (s) => prefix + s);
  } finally {
    await conn.close().catch(() => {});
  }
  // The names differ per run; the rest must not.
  // x-death times are the clock's: any time within a minute of now reads "now".
  const now = Date.now() / 1000;
  return JSON.parse(
    JSON.stringify(log)
      .replaceAll(prefix, '<prefix>')
      .replace(/amq\.ctag-[A-Za-z0-9_-]+/g, 'amq.ctag-…')
      .replace(/"!":"timestamp","value":(\d+)/g, (all, v) => (Math.abs(Number(v) - now) < 60 ? '"!":"timestamp","value":"now"' : all)),
  );
}

describe('amqplib on the listener, compared with RabbitMQ', function () {
  this.timeout(60_000);
  let server: AmqpServer;

  before(async function () {
    await requireRabbit(this);
    server = await startAmqpServer({ port: 0, tickMs: 20 });
  });
  after(async () => server?.close());

  for (const [label, script] of Object.entries(SCRIPTS)) {
    it(`${label}: as RabbitMQ`, async () => {
      const rabbit = await transcript(AMQP_URL, script);
      const ours = await transcript(`amqp://guest:guest@127.0.0.1:${server.port}`, script);
      assert.deepEqual(ours, rabbit);
      assert.ok(rabbit.length > 0);
    });
  }
});
