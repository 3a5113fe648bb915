// Benchmarks 3 and 4: chat delivery latency with 10, 100 and 500 connected
// tabs on RabbitMQ, beside raw amqplib publish → consume (the floor), and the
// server's resident memory idle and with 500 tabs.
//
// The server runs as `npm start` runs it (a child process, BROKER=rabbitmq),
// so its RSS is its own. A sample: tab A POSTs a message to person B; the
// latency is from just before the POST to B's WebSocket frame. The floor
// sample, taken right after it, publishes to one of as many raw consumers on
// one connection. Tabs sit in rooms of 10 (breakout groups): every join
// tells its room "X is online", and one 500-tab room would be 125,000
// notices before the first sample.
import amqp from 'amqplib';
import { startServer, type ServerProcess } from '../tools/server-process.js';
import { buildServer } from '../tools/build-server.js';
import { AmqpRoundTrip } from './lib/amqp-roundtrip.js';
import { AMQP_URL, benchPrefix } from './lib/amqp-url.js';
import { ChatTab } from './lib/chat-tab.js';
import { CHAT_EXCHANGE, inboxOf, leaseOf } from '../src/chat/naming.js';
import { processCpuMs } from './lib/proc-cpu.js';
import { bareNodeRss, readRss } from '../tools/proc-memory.js';
import { notRun, ratioOf, type Row } from './lib/result.js';
import { inBatches, quiet } from './lib/settle.js';
import { summarize } from '../tools/stats.js';
import { nowNs } from '../tools/timing.js';

export interface ChatBenchOptions {
  /** Connected tabs for each measurement, ascending. */
  clientCounts?: number[];
  /** Latency samples per count. */
  samples?: number;
  amqpUrl?: string;
  quick?: boolean;
  /** Part of every tab's name ("b<tag>n<i>", inbox "chat.b<tag>n<i>"); random by default. */
  tag?: string;
}

const ROOM_SIZE = 10;
const MEMORY_GOAL_MB = 150;

export async function benchChat(options: ChatBenchOptions = {}): Promise<Row[]> {
  const counts = options.clientCounts ?? (options.quick ? [3] : [10, 100, 500]);
  if (counts.some((n) => n < 2)) throw new Error('the chat benchmark needs at least 2 tabs (a sender and a receiver)');
  // 500: a p99 is then the 5th-worst sample, not the 2nd (one hiccup of a busy machine)
  const samples = options.samples ?? (options.quick ? 3 : 500);
  const amqpUrl = options.amqpUrl ?? AMQP_URL;
  const tag = options.tag ?? Math.random().toString(36).slice(2, 7);
  const names: string[] = [];
  const tabs: ChatTab[] = [];
  const rows: Row[] = [];
  let server: ServerProcess | null = null;
  const exchangeExisted = await exchangeExists(amqpUrl, CHAT_EXCHANGE);

  try {
    const bare = await bareNodeRss();
    // The server as `npm start` runs it: compiled JavaScript on plain node.
    buildServer();
    server = await startServer({ BROKER: 'rabbitmq', AMQP_URL: amqpUrl }, 20000, true);
    const pid = server.child.pid!;
    // Loopback source addresses are IPv4: talk to the server over IPv4.
    const base = server.url.replace('localhost', '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = readRss(pid);
    rows.push({
      benchmark: 'server RSS, idle (BROKER=rabbitmq)',
      figure: { value: idle.rssMb, unit: 'MB' },
      baseline: { value: bare.rssMb, unit: 'MB', label: 'bare node' },
      ratio: ratioOf(idle.rssMb, bare.rssMb),
      goal: '',
      met: null,
    });

    for (const n of counts) {
      const firstNew = tabs.length;
      const joined = await inBatches(
        Array.from({ length: n - firstNew }, (_, k) => firstNew + k),
        16,
        async (i) => {
          const name = `b${tag}n${i}`;
          names.push(name);
          return ChatTab.join(base, name, `b${tag}r${Math.floor(i / ROOM_SIZE)}`, i);
        },
      );
      tabs.push(...joined);
      await quiet(() => tabs.reduce((max, t) => (t.lastArrivalNs > max ? t.lastArrivalNs : max), 0n), 300, 30_000);
      rows.push(...(await latencyRows(tabs, n, samples, amqpUrl, pid)));
    }

    const loaded = readRss(pid);
    const most = counts[counts.length - 1];
    rows.push({
      benchmark: `server RSS, ${most} chat tabs connected (peak)`,
      figure: { value: loaded.peakMb, unit: 'MB' },
      baseline: { value: idle.rssMb, unit: 'MB', label: 'idle server' },
      ratio: ratioOf(loaded.peakMb, idle.rssMb),
      goal: most >= 500 ? `≤ ${MEMORY_GOAL_MB} MB` : '',
      met: most >= 500 ? loaded.peakMb <= MEMORY_GOAL_MB : null,
      note: `now ${loaded.rssMb.toFixed(1)} MB, peak ${loaded.peakMb.toFixed(1)} MB (VmHWM)`,
    });
  } catch (err) {
    rows.push(notRun('chat delivery / server memory', '', (err as Error).message));
  } finally {
    for (const tab of tabs) tab.close();
    await server?.stop();
    await deleteChatQueues(amqpUrl, names, exchangeExisted);
  }
  return rows;
}

async function latencyRows(tabs: ChatTab[], n: number, samples: number, amqpUrl: string, serverPid: number): Promise<Row[]> {
  const floor = await AmqpRoundTrip.open(amqpUrl, benchPrefix(), n);
  const chat: number[] = [];
  const raw: number[] = [];
  let serverCpuMs: number;
  try {
    const warmup = Math.min(10, samples);
    let cpuAtStart = 0;
    for (let i = 0; i < warmup + samples; i++) {
      if (i === warmup) cpuAtStart = processCpuMs(serverPid);
      // Pairs change every sample: A → B with A ≠ B, in different rooms as often as not.
      const from = tabs[(i * 7) % n];
      const to = tabs[(i * 7 + 1 + (i % (n - 1))) % n];
      const id = `bench-${i}-${Math.random().toString(36).slice(2, 10)}`;
      const arrival = to.expect(id);
      const start = nowNs();
      await from.send({ kind: 'person', name: to.name }, `sample ${i}`, id);
      const chatMs = Number((await arrival) - start) / 1e6;
      const [floorMs] = await floor.sample(`floor-${id}`, i % n);
      if (i >= warmup) {
        chat.push(chatMs);
        raw.push(floorMs);
      }
    }
    serverCpuMs = processCpuMs(serverPid) - cpuAtStart;
  } finally {
    await floor.close();
  }
  const c = summarize(chat);
  const f = summarize(raw);
  const goal = n === 100 ? '≤ 2× floor + 5 ms' : '';
  const limit = 2 * f.p99 + 5;
  return [
    {
      benchmark: `chat delivery p50, ${n} tabs (RabbitMQ)`,
      figure: { value: c.p50, unit: 'ms' },
      baseline: { value: f.p50, unit: 'ms', label: 'raw amqplib publish→consume' },
      ratio: ratioOf(c.p50, f.p50),
      goal: '',
      met: null,
      // The server's own work per message (send, delivery, ack; all its threads,
      // GC included): a latency tail far above it is waiting for a CPU, not working.
      note: `the server process used ${(serverCpuMs / samples).toFixed(2)} ms of CPU per sample (${samples} samples)`,
    },
    {
      benchmark: `chat delivery p99, ${n} tabs (RabbitMQ)`,
      figure: { value: c.p99, unit: 'ms' },
      baseline: { value: f.p99, unit: 'ms', label: 'raw amqplib publish→consume' },
      ratio: ratioOf(c.p99, f.p99),
      goal,
      met: goal ? c.p99 <= limit : null,
      ...(goal ? { note: `limit 2 × ${f.p99.toFixed(2)} + 5 = ${limit.toFixed(2)} ms` } : {}),
    },
  ];
}

async function exchangeExists(url: string, name: string): Promise<boolean> {
  const model = await amqp.connect(url);
  try {
    const channel = await model.createChannel();
    channel.on('error', () => {});
    await channel.checkExchange(name);
    return true;
  } catch {
    return false;
  } finally {
    await model.close().catch(() => {});
  }
}

/** Deletes the tabs' inboxes (chat.<name>) and name leases (chat-lease.<name>), and the chat exchange if this run created it and nobody else binds to it now. */
async function deleteChatQueues(url: string, names: string[], exchangeExisted: boolean): Promise<void> {
  const model = await amqp.connect(url);
  model.on('error', () => {});
  try {
    const channel = await model.createChannel();
    for (const name of names) {
      await channel.deleteQueue(inboxOf(name));
      await channel.deleteQueue(leaseOf(name));
    }
    if (!exchangeExisted) {
      // if-unused: someone else's chat (a parallel test) may be using it right now.
      await channel.deleteExchange(CHAT_EXCHANGE, { ifUnused: true }).catch(() => {});
    }
  } finally {
    await model.close().catch(() => {});
  }
}
