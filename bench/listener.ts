// The embedded broker's AMQP listener beside RabbitMQ (issue 29), the same
// amqplib client script against each in one run: (a) publish → consume of
// 1 KiB bodies, no confirms, auto-ack, one queue; (b) publisher confirms
// (window 200) and manual acks (prefetch 200); (c) publish → deliver latency
// at a paced 1,000 msg/s. The server runs as `npm start` runs it (compiled,
// the embedded broker, its listener on a port of its own); RabbitMQ runs
// where it runs. Rows (d) to (f) of the issue are not measured yet.
import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { buildServer } from '../tools/build-server.js';
import { startServer, type ServerProcess } from '../tools/server-process.js';
import { summarize } from '../tools/stats.js';
import { AMQP_URL } from './lib/amqp-url.js';
import { notRun, ratioOf, type Row } from './lib/result.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BODY = Buffer.alloc(1024, 'x');

interface Measured {
  plain: number; // msg/s
  confirmed: number; // msg/s
  latency: { p50: number; p99: number };
}

export async function benchListener({ quick = false } = {}): Promise<Row[]> {
  let server: ServerProcess | null = null;
  try {
    buildServer();
    server = await startServer({ BROKER: 'embedded', AMQP_LISTEN: '127.0.0.1:0' }, 30_000, true);
    for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await sleep(100);
    const port = /programs connect to amqp:\/\/localhost:(\d+)/.exec(server.output())?.[1];
    if (!port) throw new Error(`the listener did not start:\n${server.output()}`);
    const sizes = quick ? { n: 2000, paced: 200 } : { n: 50_000, paced: 5000 };
    // RabbitMQ first, then the listener: the same script, one after the other on this machine.
    const rabbit = await measure(AMQP_URL, sizes);
    const listener = await measure(`amqp://guest:guest@127.0.0.1:${port}`, sizes);
    const label = 'RabbitMQ 3.10.8, same client';
    const n = sizes.n.toLocaleString('en');
    return [
      {
        benchmark: `listener: (a) publish → consume, ${n} × 1 KiB, no confirms, auto-ack`,
        figure: { value: listener.plain, unit: 'msg/s' },
        baseline: { value: rabbit.plain, unit: 'msg/s', label },
        ratio: ratioOf(listener.plain, rabbit.plain),
        goal: '≥ 1.0×',
        met: listener.plain >= rabbit.plain,
      },
      {
        benchmark: `listener: (b) confirms (window 200), manual acks (prefetch 200), ${n} × 1 KiB`,
        figure: { value: listener.confirmed, unit: 'msg/s' },
        baseline: { value: rabbit.confirmed, unit: 'msg/s', label },
        ratio: ratioOf(listener.confirmed, rabbit.confirmed),
        goal: '≥ 1.0×',
        met: listener.confirmed >= rabbit.confirmed,
      },
      {
        benchmark: `listener: (c) publish → deliver p99 at 1,000 msg/s (${sizes.paced.toLocaleString('en')} messages)`,
        figure: { value: listener.latency.p99, unit: 'ms' },
        baseline: { value: rabbit.latency.p99, unit: 'ms', label },
        ratio: ratioOf(listener.latency.p99, rabbit.latency.p99),
        goal: '≤ 1.0×',
        met: listener.latency.p99 <= rabbit.latency.p99,
        note: `p50 ${listener.latency.p50.toFixed(2)} ms (RabbitMQ ${rabbit.latency.p50.toFixed(2)} ms)`,
      },
    ];
  } catch (err) {
    return [notRun('listener', '', (err as Error).message)];
  } finally {
    await server?.stop();
  }
}

async function measure(url: string, sizes: { n: number; paced: number }): Promise<Measured> {
  // noDelay: Nagle's algorithm would hold small frames back (amqplib's default is off).
  const conn = await amqp.connect(url, { noDelay: true });
  try {
    return {
      plain: await throughput(conn, sizes.n, false),
      confirmed: await throughput(conn, sizes.n, true),
      latency: await pacedLatency(conn, sizes.paced),
    };
  } finally {
    await conn.close();
  }
}

/** Publishes n messages to a queue of its own and consumes them; msg/s from the first publish to the last delivery. */
async function throughput(conn: ChannelModel, n: number, confirmed: boolean): Promise<number> {
  const queue = `xtp.bench-listener.${randomBytes(6).toString('hex')}`;
  const publisher: Channel | ConfirmChannel = confirmed ? await conn.createConfirmChannel() : await conn.createChannel();
  const consumer = await conn.createChannel();
  try {
    await publisher.assertQueue(queue, { durable: false, arguments: { 'x-expires': 600_000 } });
    if (confirmed) await consumer.prefetch(200);
    let received = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.consume(
        queue,
        (m) => {
          if (!m) return;
          if (confirmed) consumer.ack(m);
          if (++received === n) resolve();
        },
        { noAck: !confirmed },
      );
    });
    const started = performance.now();
    let outstanding = 0;
    let windowFree: (() => void) | null = null;
    for (let i = 0; i < n; i++) {
      if (confirmed) {
        // A window of 200 unconfirmed publishes.
        while (outstanding >= 200) await new Promise<void>((r) => (windowFree = r));
        outstanding++;
        (publisher as ConfirmChannel).publish('', queue, BODY, {}, () => {
          outstanding--;
          windowFree?.();
          windowFree = null;
        });
      } else if (!publisher.publish('', queue, BODY)) {
        // The socket's buffer is full: wait for it to drain (backpressure).
        await new Promise<void>((r) => publisher.once('drain', () => r()));
      }
    }
    await done;
    return n / ((performance.now() - started) / 1000);
  } finally {
    await publisher.deleteQueue(queue).catch(() => {});
    await publisher.close().catch(() => {});
    await consumer.close().catch(() => {});
  }
}

/** One publish a millisecond, each body carrying its send time; publish → deliver latencies in ms. */
async function pacedLatency(conn: ChannelModel, count: number): Promise<{ p50: number; p99: number }> {
  const queue = `xtp.bench-listener.${randomBytes(6).toString('hex')}`;
  const publisher = await conn.createChannel();
  const consumer = await conn.createChannel();
  const latencies: number[] = [];
  try {
    await publisher.assertQueue(queue, { durable: false, arguments: { 'x-expires': 600_000 } });
    const done = new Promise<void>((resolve) => {
      void consumer.consume(
        queue,
        (m) => {
          if (!m) return;
          latencies.push(performance.now() - m.content.readDoubleBE(0));
          if (latencies.length === count) resolve();
        },
        { noAck: true },
      );
    });
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      // Paced on the clock, not on sleeps: message i leaves at started + i ms.
      const due = started + i;
      while (performance.now() < due) await new Promise((r) => setImmediate(r));
      const body = Buffer.alloc(1024);
      body.writeDoubleBE(performance.now(), 0);
      publisher.publish('', queue, body);
    }
    await Promise.race([done, sleep(30_000)]);
    const s = summarize(latencies);
    return { p50: s.p50, p99: s.p99 };
  } finally {
    await publisher.deleteQueue(queue).catch(() => {});
    await publisher.close().catch(() => {});
    await consumer.close().catch(() => {});
  }
}
