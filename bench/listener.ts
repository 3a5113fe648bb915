// The embedded broker's AMQP listener beside RabbitMQ (issue 29), the same
// amqplib client script against each in one run: (a) publish → consume of
// 1 KiB bodies, no confirms, auto-ack, one queue; (b) publisher confirms
// (window 200) and manual acks (prefetch 200); (c) publish → deliver latency
// at a paced 1,000 msg/s; (d) 10 publishers and 10 consumers on a topic
// exchange with the tutorial's bindings; (e) the server's memory with 500
// idle connections, and with 100,000 messages queued by 50 connections;
// (f) (a) again with a /live page watching the vhost. The server runs as
// `npm start` runs it (compiled, the embedded broker, its listener on a port
// of its own); RabbitMQ runs where it runs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import WebSocket from 'ws';
import { readRss } from '../tools/proc-memory.js';
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
  topic: number; // deliveries/s
}

const KEY = 'bench-listener-key';

export async function benchListener({ quick = false } = {}): Promise<Row[]> {
  let server: ServerProcess | null = null;
  try {
    buildServer();
    server = await startServer({ BROKER: 'embedded', AMQP_LISTEN: '127.0.0.1:0', TEACHER_KEY: KEY }, 30_000, true);
    for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await sleep(100);
    const port = /programs connect to amqp:\/\/localhost:(\d+)/.exec(server.output())?.[1];
    if (!port) throw new Error(`the listener did not start:\n${server.output()}`);
    const sizes = quick ? { n: 2000, paced: 200, idle: 20, queued: 2000 } : { n: 50_000, paced: 5000, idle: 500, queued: 100_000 };
    // RabbitMQ first, then the listener: the same script, one after the other on this machine.
    const listenerUrl = `amqp://guest:guest@127.0.0.1:${port}`;
    // (e) first, on the fresh server: memory, the listener's server process beside RabbitMQ's.
    const serverPid = server.child.pid!;
    const memory = {
      listener: await footprint(listenerUrl, () => readRss(serverPid).rssMb, sizes),
      rabbit: await footprint(AMQP_URL, rabbitRss, sizes),
    };
    // Three rounds, the two brokers taking turns; each figure is its median (a shared machine's noise is
    // larger than the difference measured: one round showed the listener's (a) at 0.57× and 0.76× an hour apart).
    const rounds: { rabbit: Measured; listener: Measured }[] = [];
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      rounds.push({ rabbit: await measure(AMQP_URL, sizes), listener: await measure(listenerUrl, sizes) });
    }
    const rabbit = medianOf(rounds.map((r) => r.rabbit));
    const listener = medianOf(rounds.map((r) => r.listener));
    // (f): (a) again, a /live page watching "/" (a WebSocket as the page's, reading every state).
    const watcher = await watchLive(server.url.replace('localhost', '127.0.0.1'));
    const watched = await withConnection(listenerUrl, async (conn) => {
      const runs: number[] = [];
      for (let round = 0; round < (quick ? 1 : 3); round++) runs.push(await throughput(conn, sizes.n, false));
      return median(runs);
    }).finally(() => watcher.close());
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
      {
        benchmark: `listener: (d) topic, tutorial bindings, 10 publishers + 10 consumers, ${n} publishes`,
        figure: { value: listener.topic, unit: 'deliveries/s' },
        baseline: { value: rabbit.topic, unit: 'deliveries/s', label },
        ratio: ratioOf(listener.topic, rabbit.topic),
        goal: '≥ 1.0×',
        met: listener.topic >= rabbit.topic,
      },
      {
        benchmark: `listener: (e) server RSS above idle with ${sizes.idle} idle connections`,
        figure: { value: memory.listener.connections, unit: 'MB' },
        baseline: { value: memory.rabbit.connections, unit: 'MB', label: 'RabbitMQ 3.10.8 (beam.smp), same connections' },
        ratio: ratioOf(memory.listener.connections, memory.rabbit.connections),
        goal: '≤ 100 MB',
        met: memory.listener.connections <= 100,
        note: `idle server ${memory.listener.idle.toFixed(0)} MB (RabbitMQ ${memory.rabbit.idle.toFixed(0)} MB)`,
      },
      {
        benchmark: `listener: (e) server RSS above idle, ${sizes.queued.toLocaleString('en')} × 1 KiB queued by 50 connections`,
        figure: { value: memory.listener.queued, unit: 'MB' },
        baseline: { value: memory.rabbit.queued, unit: 'MB', label: 'RabbitMQ 3.10.8 (beam.smp), same messages' },
        ratio: ratioOf(memory.listener.queued, memory.rabbit.queued),
        // Bounded (AMQP_MAX_QUEUED_MB of bodies at most), and holding them costs no more than on RabbitMQ.
        goal: '≤ 1.0×',
        met: memory.listener.queued <= memory.rabbit.queued,
        note: `${((sizes.queued * 1024) / 1e6).toFixed(0)} MB of bodies`,
      },
      {
        benchmark: `listener: (f) (a) with a /live page watching, ${n} × 1 KiB`,
        figure: { value: watched, unit: 'msg/s' },
        baseline: { value: listener.plain, unit: 'msg/s', label: '(a), nobody watching' },
        ratio: ratioOf(watched, listener.plain),
        goal: '≥ 0.9× (watching costs ≤ 10 %)',
        met: watched >= 0.9 * listener.plain,
        note: `${(watched / rabbit.plain).toFixed(2)}× RabbitMQ's (a)`,
      },
    ];
  } catch (err) {
    return [notRun('listener', '', (err as Error).message)];
  } finally {
    await server?.stop();
  }
}

async function measure(url: string, sizes: { n: number; paced: number }): Promise<Measured> {
  return withConnection(url, async (conn) => ({
    plain: await throughput(conn, sizes.n, false),
    confirmed: await throughput(conn, sizes.n, true),
    latency: await pacedLatency(conn, sizes.paced),
    topic: await topicFanIn(url, conn, sizes.n),
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Each figure the median of the rounds'. */
function medianOf(rounds: Measured[]): Measured {
  return {
    plain: median(rounds.map((r) => r.plain)),
    confirmed: median(rounds.map((r) => r.confirmed)),
    latency: { p50: median(rounds.map((r) => r.latency.p50)), p99: median(rounds.map((r) => r.latency.p99)) },
    topic: median(rounds.map((r) => r.topic)),
  };
}

async function withConnection<T>(url: string, fn: (conn: ChannelModel) => Promise<T>): Promise<T> {
  // noDelay: Nagle's algorithm would hold small frames back (amqplib's default is off).
  const conn = await amqp.connect(url, { noDelay: true });
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** The tutorial's keys, cycled, and how many of the two queues each reaches (*.orange.* → Q1; *.*.rabbit, lazy.# → Q2). */
const TOPIC_KEYS: [string, number][] = [
  ['quick.orange.rabbit', 2],
  ['lazy.orange.elephant', 2],
  ['quick.orange.fox', 1],
  ['lazy.brown.fox', 1],
  ['lazy.pink.rabbit', 1],
  ['quick.brown.fox', 0],
];

/** (d) n publishes from 10 connections to a topic exchange; 10 consumers (5 per queue, auto-ack); deliveries/s until the last. */
async function topicFanIn(url: string, admin: ChannelModel, n: number): Promise<number> {
  const id = `xtp.bench-listener.${randomBytes(6).toString('hex')}`;
  const [exchange, q1, q2] = [`${id}.topic`, `${id}.Q1`, `${id}.Q2`];
  const setup = await admin.createChannel();
  const connections: ChannelModel[] = [];
  try {
    await setup.assertExchange(exchange, 'topic', { durable: false });
    for (const q of [q1, q2]) await setup.assertQueue(q, { durable: false, arguments: { 'x-expires': 600_000 } });
    await setup.bindQueue(q1, exchange, '*.orange.*');
    await setup.bindQueue(q2, exchange, '*.*.rabbit');
    await setup.bindQueue(q2, exchange, 'lazy.#');
    const per = Math.ceil(n / 10);
    let expected = 0;
    for (let p = 0; p < 10; p++) for (let i = 0; i < per; i++) expected += TOPIC_KEYS[i % TOPIC_KEYS.length][1];
    let received = 0;
    let allIn!: () => void;
    const done = new Promise<void>((resolve) => (allIn = resolve));
    for (let c = 0; c < 10; c++) {
      const conn = await amqp.connect(url, { noDelay: true });
      connections.push(conn);
      const ch = await conn.createChannel();
      await ch.consume(c % 2 === 0 ? q1 : q2, () => ++received === expected && allIn(), { noAck: true });
    }
    const publishers: Channel[] = [];
    for (let p = 0; p < 10; p++) {
      const conn = await amqp.connect(url, { noDelay: true });
      connections.push(conn);
      publishers.push(await conn.createChannel());
    }
    const started = performance.now();
    await Promise.all(
      publishers.map(async (ch) => {
        for (let i = 0; i < per; i++) {
          if (!ch.publish(exchange, TOPIC_KEYS[i % TOPIC_KEYS.length][0], BODY))
            await new Promise<void>((r) => ch.once('drain', () => r()));
        }
      }),
    );
    await Promise.race([done, sleep(60_000)]);
    return received / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(connections.map((c) => c.close().catch(() => {})));
    for (const q of [q1, q2]) await setup.deleteQueue(q).catch(() => {});
    await setup.deleteExchange(exchange).catch(() => {});
    await setup.close().catch(() => {});
  }
}

/** RabbitMQ's resident memory: its Erlang VM (beam.smp) on this machine. */
function rabbitRss(): number {
  const pid = Number(execFileSync('pgrep', ['-o', 'beam.smp']).toString().trim().split('\n')[0]);
  return readRss(pid).rssMb;
}

/** (e) resident memory above idle: with `idle` idle connections, then with `queued` 1 KiB messages published by 50 connections into 50 queues. */
async function footprint(
  url: string,
  rss: () => number,
  sizes: { idle: number; queued: number },
): Promise<{ idle: number; connections: number; queued: number }> {
  await sleep(500);
  const idle = rss();
  const open: ChannelModel[] = [];
  const queues: string[] = [];
  try {
    for (let i = 0; i < sizes.idle; i++) open.push(await amqp.connect(url));
    await sleep(1000);
    // Above idle, never below: a collection meanwhile can leave less than at the start.
    const connections = Math.max(0, rss() - idle);
    const id = `xtp.bench-listener.${randomBytes(6).toString('hex')}`;
    await Promise.all(
      open.slice(0, 50).map(async (conn, c) => {
        const ch = await conn.createConfirmChannel();
        const queue = `${id}.${c}`;
        queues.push(queue);
        await ch.assertQueue(queue, { durable: false, arguments: { 'x-expires': 600_000 } });
        for (let i = 0; i < sizes.queued / 50; i++) ch.sendToQueue(queue, BODY);
        await ch.waitForConfirms();
        await ch.close();
      }),
    );
    await sleep(1000);
    return { idle, connections, queued: Math.max(0, rss() - idle) };
  } finally {
    if (open[0]) {
      const ch = await open[0].createChannel();
      for (const q of queues) await ch.deleteQueue(q).catch(() => {});
    }
    await Promise.all(open.map((c) => c.close().catch(() => {})));
  }
}

/** A /live viewer of "/" on the server, reading every state it is sent (the teacher key: any vhost). */
async function watchLive(httpUrl: string): Promise<{ close(): void }> {
  const ws = new WebSocket(`${httpUrl.replace('http', 'ws')}/api/live/ws`, { headers: { origin: httpUrl } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let states = 0;
  ws.on('message', () => states++);
  ws.send(JSON.stringify({ type: 'watch', vhost: '/', key: KEY }));
  for (let i = 0; i < 50 && states === 0; i++) await sleep(100);
  if (states === 0) throw new Error('the /live viewer got no state');
  return { close: () => ws.close() };
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
