// Benchmarks of the live view (issue "Live view"): what the observing relay
// adds to publish → deliver against RabbitMQ direct, how long a message takes
// to be on a viewer's screen with 30 viewers at 100 msg/s, and whether the
// page keeps its frame rate while a program floods (2,000 msg/s).
//
// The server runs as `npm start` runs it (compiled, BROKER=rabbitmq,
// AMQP_LISTEN for the relay); 29 viewers are WebSockets of their own and the
// 30th is a real Chromium page, which says when each message is on screen.
import amqp from 'amqplib';
import WebSocket from 'ws';
import { launchChromium } from '../tools/chromium.js';
import { buildServer } from '../tools/build-server.js';
import { startServer, type ServerProcess } from '../tools/server-process.js';
import { percentile, summarize } from '../tools/stats.js';
import { msSince, nowNs } from '../tools/timing.js';
import { AMQP_URL } from './lib/amqp-url.js';
import { notRun, ratioOf, type Row } from './lib/result.js';

const KEY = 'bench-teacher-key';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchLive({ quick = false } = {}): Promise<Row[]> {
  const rows: Row[] = [];
  let server: ServerProcess | null = null;
  try {
    buildServer();
    server = await startServer({ BROKER: 'rabbitmq', AMQP_URL, AMQP_LISTEN: '127.0.0.1:0', TEACHER_KEY: KEY }, 30_000, true);
    for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await sleep(100);
    const port = /programs connect to amqp:\/\/localhost:(\d+)/.exec(server.output())?.[1];
    if (!port) throw new Error(`the relay did not start:\n${server.output()}`);
    const direct = new URL(AMQP_URL);
    const relayed = new URL(AMQP_URL);
    relayed.hostname = '127.0.0.1';
    relayed.port = port;
    rows.push(...(await relayOverhead(direct.toString(), relayed.toString(), quick ? 50 : 2000)));
    rows.push(...(await eventToScreen(server.url.replace('localhost', '127.0.0.1'), relayed.toString(), direct.toString(), quick)));
  } catch (err) {
    rows.push(notRun('live view', '', (err as Error).message));
  } finally {
    await server?.stop();
  }
  return rows;
}

/** publish → deliver, one message at a time, alternating direct and relayed blocks. */
async function relayOverhead(directUrl: string, relayUrl: string, samples: number): Promise<Row[]> {
  const measure = async (url: string, n: number) => {
    const connection = await amqp.connect(url, { noDelay: true });
    try {
      const ch = await connection.createChannel();
      const { queue } = await ch.assertQueue('', { exclusive: true });
      let resolve: (() => void) | null = null;
      await ch.consume(queue, () => resolve?.(), { noAck: true });
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const delivered = new Promise<void>((r) => (resolve = r));
        const start = nowNs();
        ch.sendToQueue(queue, Buffer.alloc(1024));
        await delivered;
        out.push(msSince(start));
      }
      return out;
    } finally {
      await connection.close();
    }
  };
  await measure(directUrl, 50); // warm both paths
  await measure(relayUrl, 50);
  const d: number[] = [];
  const r: number[] = [];
  for (let block = 0; block < 10; block++) {
    d.push(...(await measure(directUrl, Math.ceil(samples / 10))));
    r.push(...(await measure(relayUrl, Math.ceil(samples / 10))));
  }
  const ds = summarize(d);
  const rs = summarize(r);
  const label = 'RabbitMQ direct, same client';
  return [
    {
      benchmark: 'relay: publish → deliver p50 (1 KiB)',
      figure: { value: rs.p50, unit: 'ms' },
      baseline: { value: ds.p50, unit: 'ms', label },
      ratio: ratioOf(rs.p50, ds.p50),
      goal: '≤ direct + 0.5 ms',
      met: rs.p50 <= ds.p50 + 0.5,
    },
    {
      benchmark: 'relay: publish → deliver p99 (1 KiB)',
      figure: { value: rs.p99, unit: 'ms' },
      baseline: { value: ds.p99, unit: 'ms', label },
      ratio: ratioOf(rs.p99, ds.p99),
      goal: '≤ direct + 2 ms',
      met: rs.p99 <= ds.p99 + 2,
    },
  ];
}

async function eventToScreen(httpUrl: string, relayUrl: string, directUrl: string, quick: boolean): Promise<Row[]> {
  const viewers: WebSocket[] = [];
  const browser = await launchChromium();
  try {
    // 29 viewers over the page's own protocol…
    for (let i = 0; i < (quick ? 2 : 29); i++) {
      const ws = new WebSocket(`${httpUrl.replace('http', 'ws')}/api/live/ws`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(JSON.stringify({ type: 'watch', vhost: '/', key: KEY }));
      ws.on('message', () => {});
      viewers.push(ws);
    }
    // …and the 30th a real page, which notes when each routing key is first on screen.
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${httpUrl}/live?key=${KEY}&vhost=/`);
    await page.waitForSelector('[data-live-status][data-status="watching"]');
    // Scripts for the page go as strings: the compiler's helpers around functions do not exist there.
    await page.evaluate(`(() => {
      const seen = {};
      window.seen = seen;
      new MutationObserver(() => {
        for (const li of document.querySelectorAll('[data-live-message]')) {
          const key = li.dataset.routingKey;
          if (!(key in seen)) seen[key] = Date.now();
        }
      }).observe(document.querySelector('[data-live-messages]'), { childList: true, subtree: true });
    })()`);

    const connection = await amqp.connect(relayUrl, { noDelay: true });
    const rows: Row[] = [];
    try {
      const ch = await connection.createChannel();
      await ch.assertExchange('bench_live', 'topic', { durable: false, autoDelete: true });
      const { queue } = await ch.assertQueue('', { exclusive: true });
      await ch.bindQueue(queue, 'bench_live', 'bench.#');
      await ch.consume(queue, () => {}, { noAck: true });

      // 100 msg/s: each key's publish time, then when the page showed it.
      const n = quick ? 20 : 1000;
      const sent: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        const key = `bench.screen.${i}`;
        sent[key] = Date.now();
        ch.publish('bench_live', key, Buffer.from(`message ${i}`));
        await sleep(10);
      }
      await sleep(500);
      const seen = await page.evaluate<Record<string, number>>('window.seen');
      const latencies = Object.entries(sent)
        .filter(([k]) => k in seen)
        .map(([k, t]) => seen[k] - t);
      const floor = await rawLatency(directUrl, quick ? 20 : 300);
      if (latencies.length < n * 0.95) throw new Error(`the page showed only ${latencies.length} of ${n} messages`);
      const s = summarize(latencies);
      rows.push({
        benchmark: `live: event → screen p99, 100 msg/s, ${viewers.length + 1} viewers`,
        figure: { value: s.p99, unit: 'ms' },
        baseline: { value: floor, unit: 'ms', label: 'raw amqplib publish → consume p99' },
        ratio: ratioOf(s.p99, floor),
        goal: '≤ 150 ms',
        met: s.p99 <= 150,
      });

      // 2,000 msg/s for a few seconds: the page's frame time (requestAnimationFrame deltas).
      const frames = async (ms: number, flood: boolean) => {
        const measuring = page.evaluate<number[]>(`new Promise((resolve) => {
          const deltas = [];
          let last = performance.now();
          const end = last + ${ms};
          const frame = (now) => {
            deltas.push(now - last);
            last = now;
            if (now < end) requestAnimationFrame(frame);
            else resolve(deltas);
          };
          requestAnimationFrame(frame);
        })`);
        if (flood) {
          const stop = Date.now() + ms;
          let i = 0;
          while (Date.now() < stop) {
            for (let j = 0; j < 20; j++) ch.publish('bench_live', `bench.flood.${i++ % 50}`, Buffer.from('flood'));
            await sleep(10);
          }
        }
        return [...(await measuring)].sort((a, b) => a - b);
      };
      const idle = await frames(quick ? 500 : 2000, false);
      const busy = await frames(quick ? 500 : 5000, true);
      const p95 = percentile(busy, 95);
      const idle95 = percentile(idle, 95);
      rows.push({
        benchmark: 'live: page frame time p95 at 2,000 msg/s',
        figure: { value: p95, unit: 'ms' },
        baseline: { value: idle95, unit: 'ms', label: 'the same page, no traffic' },
        ratio: ratioOf(p95, idle95),
        goal: '≤ 50 ms',
        met: p95 <= 50,
      });
    } finally {
      await connection.close();
    }
    return rows;
  } finally {
    for (const ws of viewers) ws.close();
    await browser.close();
  }
}

/** The floor: the same kind of publish → consume on RabbitMQ itself, p99. */
async function rawLatency(url: string, n: number): Promise<number> {
  const connection = await amqp.connect(url, { noDelay: true });
  try {
    const ch = await connection.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true });
    let resolve: (() => void) | null = null;
    await ch.consume(queue, () => resolve?.(), { noAck: true });
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const delivered = new Promise<void>((r) => (resolve = r));
      const start = nowNs();
      ch.sendToQueue(queue, Buffer.from(`message ${i}`));
      await delivered;
      out.push(msSince(start));
      await sleep(10);
    }
    return summarize(out).p99;
  } finally {
    await connection.close();
  }
}
