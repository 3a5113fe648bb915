// The listener fed thousands of bad inputs (test/helpers/amqp-fuzz-cases.ts),
// judged by RabbitMQ: a sample of every category goes to the real broker
// first, which decides how that category must end (connection.close with
// its reply code and class/method ids, or a dropped socket); then every
// input goes to the listener, which must end each the same way, keep
// serving a healthy amqplib connection, and keep its memory bounded.
//
//   FUZZ_SEED=1234 FUZZ_COUNT=20000 REQUIRE_RABBITMQ=1 npx mocha test/amqp-server/fuzz-wire.test.ts
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { DEFAULT_LIMITS, startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';
import { encodeMethod } from '../../src/amqp-server/codec.js';
import { CATEGORIES, fuzzCase, type FuzzCase } from '../helpers/amqp-fuzz-cases.js';
import { pool, runCase } from '../helpers/amqp-fuzz-run.js';
import { WireClient } from '../helpers/amqp-wire.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_COUNT ?? 5000);
/** Inputs per category sent to RabbitMQ as well (32 categories → 352). */
const SAMPLE_PER_CATEGORY = 11;
const BATCH = 500;
/** Growth allowed over the whole run, measured after a full GC. */
const HEAP_LIMIT_MB = 48;
const RSS_LIMIT_MB = 160;

// A full collection before each memory reading, so garbage is not counted as growth.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const memory = () => {
  gc();
  const m = process.memoryUsage();
  return { heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 };
};

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (FUZZ_SEED=${SEED})`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(ms: number, what: string, test: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`${what} (FUZZ_SEED=${SEED})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const describeCase = (c: FuzzCase) => `#${c.index} ${c.category} [${c.stage}] ${c.bytes.subarray(0, 48).toString('hex')}`;

describe('the listener under fuzzing, judged by RabbitMQ', function () {
  this.timeout(60_000);
  let server: AmqpServer;
  let healthy: ChannelModel;
  let channel: Channel;
  let baseline: { heapMb: number; rssMb: number };
  let roundTrips = 0;

  /** The connection opened before the fuzzing still publishes and gets. */
  async function roundTrip(): Promise<void> {
    const body = `round trip ${++roundTrips}`;
    channel.sendToQueue('fuzz-healthy', Buffer.from(body));
    const deadline = Date.now() + 3000;
    const got = await within(
      3000,
      'the healthy connection gets its message back',
      (async () => {
        while (Date.now() < deadline) {
          const m = await channel.get('fuzz-healthy', { noAck: true });
          if (m) return m.content.toString();
        }
      })(),
    );
    assert.equal(got, body);
  }

  before(async function () {
    await requireRabbit(this);
    console.log(`      FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT}`);
    server = await startAmqpServer({ port: 0 });
    healthy = await within(3000, 'amqplib connects', amqp.connect(server.url));
    channel = await healthy.createChannel();
    await channel.assertQueue('fuzz-healthy', { durable: false });
    await roundTrip();
    baseline = memory();
  });
  after(async () => {
    await healthy?.close().catch(() => {});
    await server?.close();
  });

  it(`ends ${COUNT} bad inputs as RabbitMQ ends them, and keeps serving`, async () => {
    const started = Date.now();
    const cases = Array.from({ length: COUNT }, (_, i) => fuzzCase(SEED, i));

    // RabbitMQ decides each category's ending (its silent closes take 3 s, hence the width).
    const sample = cases.filter((c) => Math.floor(c.index / Object.keys(CATEGORIES).length) < SAMPLE_PER_CATEGORY);
    const rabbit = await pool(80, sample.length, (i) => runCase(5672, sample[i], 10_000));
    const expected = new Map<string, string>();
    sample.forEach((c, i) => {
      const known = expected.get(c.category);
      assert.ok(
        known === undefined || known === rabbit[i],
        `RabbitMQ ends "${c.category}" two ways: ${known} and ${rabbit[i]} (${describeCase(c)})`,
      );
      expected.set(c.category, rabbit[i]);
    });
    const rabbitMs = Date.now() - started;

    const wrong: string[] = [];
    const tally = new Map<string, number>();
    for (let from = 0; from < cases.length; from += BATCH) {
      const batch = cases.slice(from, from + BATCH);
      const ours = await pool(64, batch.length, (i) => runCase(server.port, batch[i], 3000));
      batch.forEach((c, i) => {
        tally.set(ours[i], (tally.get(ours[i]) ?? 0) + 1);
        if (ours[i] !== expected.get(c.category)) wrong.push(`${describeCase(c)}: ours ${ours[i]}, RabbitMQ ${expected.get(c.category)}`);
      });
      // After every batch: no bad connection is left behind, and the healthy one still works.
      await until(
        3000,
        `bad connections still open after batch ${from / BATCH + 1}: ${server.connectionCount() - 1}`,
        () => server.connectionCount() === 1,
      );
      await roundTrip();
    }
    const end = memory();
    console.log(
      `      ${cases.length} inputs, ${expected.size} categories, ${sample.length} also on RabbitMQ (${rabbitMs} ms); ` +
        `all in ${Date.now() - started} ms; heap +${(end.heapMb - baseline.heapMb).toFixed(1)} MB, rss +${(end.rssMb - baseline.rssMb).toFixed(1)} MB`,
    );
    console.log(`      endings: ${[...tally].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} inputs ended unlike RabbitMQ (FUZZ_SEED=${SEED})`);
    assert.ok(end.heapMb - baseline.heapMb < HEAP_LIMIT_MB, `heap grew ${(end.heapMb - baseline.heapMb).toFixed(1)} MB`);
    assert.ok(end.rssMb - baseline.rssMb < RSS_LIMIT_MB, `rss grew ${(end.rssMb - baseline.rssMb).toFixed(1)} MB`);
  });

  it('answers 10,000 channel opens on one connection as RabbitMQ does', async () => {
    const open = (ch: number) => encodeMethod('ChannelOpen', ch, { outOfBand: '' });
    const close = (ch: number) => encodeMethod('ChannelClose', ch, { replyCode: 200, replyText: '', classId: 0, methodId: 0 });
    // All at once: past channel_max (2047) the connection is closed.
    const burst: FuzzCase = {
      index: 0,
      category: '10,000 channels',
      stage: 'open',
      bytes: Buffer.concat(Array.from({ length: 10_000 }, (_, i) => open(i + 1))),
      fin: false,
    };
    const [rabbit, ours] = await Promise.all([runCase(5672, burst, 15_000), runCase(server.port, burst, 15_000)]);
    console.log(`      10,000 channel.open at once: RabbitMQ ${rabbit}, ours ${ours}`);
    assert.equal(ours, rabbit);

    // Opened and closed 10,000 times, 1,000 channels a round. Each round waits for its
    // close-oks: reopening a number before close-ok is a race on RabbitMQ (504 or not).
    const cycles = async (port: number) => {
      const c = await WireClient.open(port);
      try {
        for (let round = 1; round <= 10; round++) {
          c.send(Buffer.concat(Array.from({ length: 1000 }, (_, i) => Buffer.concat([open(i + 1), close(i + 1)]))));
          await until(
            10_000,
            `round ${round} of channel open/close on port ${port}`,
            () => c.closed || c.frames.filter((f) => f.method === 'ChannelCloseOk').length === round * 1000,
          );
        }
        return `${c.frames.filter((f) => f.method === 'ChannelOpenOk').length} open-ok, ${c.closed ? 'closed' : 'still open'}`;
      } finally {
        c.close();
      }
    };
    const [rabbitCycles, ourCycles] = await Promise.all([cycles(5672), cycles(server.port)]);
    console.log(`      10,000 channel open/close cycles: RabbitMQ ${rabbitCycles}, ours ${ourCycles}`);
    assert.equal(ourCycles, rabbitCycles);
    assert.equal(ourCycles, '10000 open-ok, still open');
    await until(3000, 'the channel-heavy connections are gone', () => server.connectionCount() === 1);
    await roundTrip();
  });

  it('holds deliveries back from a consumer that stops reading, with bounded memory', async () => {
    const slow = await WireClient.open(server.port);
    slow.method('ChannelOpen', 1, { outOfBand: '' });
    slow.method('QueueDeclare', 1, { queue: 'fuzz-slow', exclusive: true, arguments: {} });
    slow.method('BasicConsume', 1, { queue: 'fuzz-slow', consumerTag: 'slow', noAck: true, arguments: {} });
    await slow.waitFor('BasicConsumeOk');
    slow.socket.pause();
    const body = Buffer.alloc(64 * 1024, 7);
    const published = 400 * body.length;
    for (let i = 0; i < 400; i++) channel.sendToQueue('fuzz-slow', body);
    await roundTrip(); // every publish has reached the listener
    // What left the queue sits in the connection's buffers: at most about writeBufferBytes.
    await new Promise((r) => setTimeout(r, 300));
    const inFlight = published - server.shared.bytes;
    const grown = memory().rssMb - baseline.rssMb;
    console.log(
      `      ${published / 2 ** 20} MB published to a paused consumer: ${(inFlight / 2 ** 20).toFixed(1)} MB sent, the rest queued; rss +${grown.toFixed(1)} MB`,
    );
    assert.ok(inFlight <= DEFAULT_LIMITS.writeBufferBytes + 8 * 2 ** 20, `${inFlight} bytes pushed at a client that does not read`);
    assert.equal(slow.closed, false, 'a slow reader is not disconnected (RabbitMQ keeps it too)');
    slow.close();
    await until(3000, 'the exclusive queue of the slow consumer goes with it', () => server.shared.bytes === 0);
    await roundTrip();
    assert.ok(memory().rssMb - baseline.rssMb < RSS_LIMIT_MB, 'rss stays bounded');
  });
});
