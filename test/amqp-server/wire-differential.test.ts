// A differential property test at the wire: random sequences of channel
// operations — declare, bind, publish with properties, consume, get,
// ack/nack/reject, recover, cancel, purge, delete, and the mistakes that close
// a channel — run through amqplib on the embedded broker's listener and on the
// machine's RabbitMQ, and must give the same replies, deliveries, returns and
// channel closes (code and text). Each program is a pure function of its seed:
// a failure prints the seed and the first difference.
//   DIFF_WIRE_RUNS (default 300), DIFF_WIRE_SEED (default: random, printed).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage, type GetMessage } from 'amqplib';
import { startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';
import { seededRandom } from '../../tools/random.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';

const RUNS = Number(process.env.DIFF_WIRE_RUNS ?? 300);
const SEED = Number(process.env.DIFF_WIRE_SEED ?? Math.floor(Math.random() * 2 ** 31));

type Op =
  | { op: 'declareExchange'; e: string; type: string; autoDelete: boolean }
  | { op: 'declareQueue'; q: string; exclusive: boolean; autoDelete: boolean; args: Record<string, unknown> }
  | { op: 'checkQueue'; q: string }
  | { op: 'checkExchange'; e: string }
  | { op: 'bind'; q: string; e: string; key: string; args: Record<string, unknown> }
  | { op: 'unbind'; q: string; e: string; key: string }
  | { op: 'bindExchange'; dest: string; source: string; key: string }
  | { op: 'publish'; e: string; key: string; body: string; mandatory: boolean; props: Record<string, unknown> }
  | { op: 'get'; q: string; noAck: boolean }
  | { op: 'ack' | 'nack' | 'reject'; multiple: boolean; requeue: boolean; stale: boolean }
  | { op: 'recover' }
  | { op: 'consume'; q: string; exclusive: boolean }
  | { op: 'cancel'; consumer: number }
  | { op: 'purge'; q: string }
  | { op: 'deleteQueue'; q: string; ifEmpty: boolean; ifUnused: boolean }
  | { op: 'deleteExchange'; e: string; ifUnused: boolean };

const EXCHANGES = ['x0', 'x1', 'x2'];
const QUEUES = ['q0', 'q1', 'q2'];
const KEYS = ['a', 'b', 'a.b', 'a.*', '#', '*.b', ''];
const TYPES = ['direct', 'topic', 'fanout', 'headers'];

/** One random program: ~25 operations over a few names, mistakes included. */
function program(seed: number): Op[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const ops: Op[] = [];
  // Most runs start with some topology, so publishes have somewhere to go.
  for (const q of QUEUES) if (chance(0.8)) ops.push({ op: 'declareQueue', q, exclusive: false, autoDelete: false, args: {} });
  for (const e of EXCHANGES) if (chance(0.7)) ops.push({ op: 'declareExchange', e, type: pick(TYPES), autoDelete: false });
  const length = 10 + Math.floor(r() * 25);
  let consumers = 0;
  for (let i = 0; i < length; i++) {
    const roll = r();
    if (roll < 0.06) ops.push({ op: 'declareExchange', e: pick(EXCHANGES), type: pick(TYPES), autoDelete: chance(0.2) });
    else if (roll < 0.12) {
      const args: Record<string, unknown> = {};
      if (chance(0.3)) args['x-max-length'] = 1 + Math.floor(r() * 3);
      if (chance(0.15)) args['x-overflow'] = pick(['drop-head', 'reject-publish']);
      ops.push({ op: 'declareQueue', q: pick(QUEUES), exclusive: chance(0.15), autoDelete: chance(0.15), args });
    } else if (roll < 0.15) ops.push({ op: 'checkQueue', q: pick(QUEUES) });
    else if (roll < 0.17) ops.push({ op: 'checkExchange', e: pick([...EXCHANGES, 'amq.topic']) });
    else if (roll < 0.29) {
      const args: Record<string, unknown> = chance(0.3) ? { 'x-match': pick(['all', 'any']), k: pick(['a', 'b']) } : {};
      ops.push({ op: 'bind', q: pick(QUEUES), e: pick([...EXCHANGES, 'amq.direct']), key: pick(KEYS), args });
    } else if (roll < 0.32) ops.push({ op: 'unbind', q: pick(QUEUES), e: pick(EXCHANGES), key: pick(KEYS) });
    else if (roll < 0.34) ops.push({ op: 'bindExchange', dest: pick(EXCHANGES), source: pick(EXCHANGES), key: pick(KEYS) });
    else if (roll < 0.55) {
      const props: Record<string, unknown> = {};
      if (chance(0.4)) props.headers = { k: pick(['a', 'b']), n: Math.floor(r() * 5), flag: chance(0.5) };
      if (chance(0.3)) props.messageId = `m${i}`;
      if (chance(0.3)) props.persistent = chance(0.5);
      if (chance(0.2)) props.priority = Math.floor(r() * 10);
      if (chance(0.2)) props.contentType = 'text/plain';
      if (chance(0.15)) props.correlationId = `c${i}`;
      if (chance(0.1)) props.expiration = '60000';
      // rabbit_channel's check_user_id_header: another name than the login closes the channel (406).
      if (chance(0.06)) props.userId = pick(['guest', 'someone']);
      // Integers past 32 bits, as py-amqp sends them (64-bit; amqplib tags them 'l').
      if (chance(0.1)) props.headers = { ...(props.headers as object), big: { '!': 'int64', value: 2 ** 40 + Math.floor(r() * 1000) } };
      ops.push({
        op: 'publish',
        e: pick([...EXCHANGES, '', '', 'amq.direct', 'nowhere']),
        key: pick([...KEYS, ...QUEUES]),
        body: `body ${i}`,
        mandatory: chance(0.4),
        props,
      });
    } else if (roll < 0.66) ops.push({ op: 'get', q: pick(QUEUES), noAck: chance(0.3) });
    else if (roll < 0.76)
      ops.push({ op: pick(['ack', 'nack', 'reject'] as const), multiple: chance(0.3), requeue: chance(0.5), stale: chance(0.1) });
    else if (roll < 0.78) ops.push({ op: 'recover' });
    else if (roll < 0.84) {
      ops.push({ op: 'consume', q: pick(QUEUES), exclusive: chance(0.15) });
      consumers++;
    } else if (roll < 0.87 && consumers > 0) ops.push({ op: 'cancel', consumer: Math.floor(r() * consumers) });
    else if (roll < 0.91) ops.push({ op: 'purge', q: pick(QUEUES) });
    else if (roll < 0.96) ops.push({ op: 'deleteQueue', q: pick(QUEUES), ifEmpty: chance(0.3), ifUnused: chance(0.3) });
    else ops.push({ op: 'deleteExchange', e: pick(EXCHANGES), ifUnused: chance(0.3) });
  }
  return ops;
}

function message(m: ConsumeMessage | GetMessage | false): unknown {
  if (!m) return 'empty';
  const f = m.fields as GetMessage['fields'];
  const props = Object.fromEntries(Object.entries(m.properties).filter(([, v]) => v !== undefined));
  return {
    body: m.content.toString(),
    tag: f.deliveryTag,
    redelivered: f.redelivered,
    exchange: f.exchange,
    key: f.routingKey,
    count: f.messageCount,
    props,
  };
}

/** Runs a program on one connection; the log is what a client could see. */
async function execute(conn: ChannelModel, ops: Op[], prefix: string): Promise<unknown[]> {
  const log: unknown[] = [];
  const name = (s: string) => (s === '' || s.startsWith('amq.') ? s : prefix + s);
  const deliveries: unknown[][] = [];
  const consumerTags: (string | null)[] = [];
  let lastTag = 0;
  // A confirm channel: a publish is awaited until the broker has it in its
  // queues; without that, RabbitMQ answers a declare or a get sent right
  // after a publish with or without the message (they travel different paths
  // inside it), and the two transcripts could not be compared.
  let channel: ConfirmChannel;
  const open = async () => {
    channel = await conn.createConfirmChannel();
    const mine = channel;
    mine.on('error', (err: Error & { code?: number }) => log.push(['channel closed', err.code, err.message]));
    mine.on('return', (m: ConsumeMessage) => log.push(['returned', m.fields.exchange, m.fields.routingKey, m.content.toString()]));
    lastTag = 0;
  };
  await open();
  for (const [i, o] of ops.entries()) {
    try {
      const result = await step(channel!, o);
      if (result !== undefined) log.push([i, o.op, result]);
    } catch (err) {
      log.push([i, o.op, 'error', (err as { code?: number }).code ?? null]);
      // A closed channel: the program goes on on a new one, as a client would
      // — a moment later: RabbitMQ may still be tearing the old one down and
      // refuse its number with 504 "second 'channel.open' seen".
      if (/closed|ended/i.test((err as Error).message)) {
        await new Promise((r) => setTimeout(r, 20));
        await open();
      }
    }
  }
  // Let the last deliveries arrive: a round trip on the channel, then a moment.
  await channel!.checkExchange('amq.direct').catch(() => {});
  await new Promise((r) => setTimeout(r, 30));
  // Which of two queues' deliveries of one publish reaches the channel first
  // (and takes the lower delivery tag) is a race between RabbitMQ's queue
  // processes: the tags are compared as the set a run used, and as
  // increasing for each consumer, not one by one.
  const received = deliveries.map((list) => list.filter((d): d is { tag: number } => typeof d === 'object' && d !== null));
  log.push(['deliveries', deliveries.map((list) => list.map((d) => (typeof d === 'object' && d !== null ? { ...d, tag: '…' } : d)))]);
  log.push([
    'delivery tags',
    received
      .flat()
      .map((d) => d.tag)
      .sort((a, b) => a - b),
    received.map((list) => list.every((d, i) => i === 0 || list[i - 1].tag < d.tag)),
  ]);
  return log;

  async function step(ch: ConfirmChannel, o: Op): Promise<unknown> {
    switch (o.op) {
      case 'declareExchange':
        return ch.assertExchange(name(o.e), o.type, { durable: false, autoDelete: o.autoDelete });
      case 'declareQueue':
        return ch.assertQueue(name(o.q), { durable: false, exclusive: o.exclusive, autoDelete: o.autoDelete, arguments: o.args });
      case 'checkQueue':
        return ch.checkQueue(name(o.q));
      case 'checkExchange':
        return ch.checkExchange(name(o.e));
      case 'bind':
        return ch.bindQueue(name(o.q), name(o.e), o.key, o.args);
      case 'unbind':
        return ch.unbindQueue(name(o.q), name(o.e), o.key);
      case 'bindExchange':
        return ch.bindExchange(name(o.dest), name(o.source), o.key);
      case 'publish':
        ch.publish(name(o.e), o.key.startsWith('q') ? name(o.key) : o.key, Buffer.from(o.body), { ...o.props, mandatory: o.mandatory });
        await ch.waitForConfirms();
        return undefined;
      case 'get': {
        const m = await ch.get(name(o.q), { noAck: o.noAck });
        if (m && !o.noAck) lastTag = m.fields.deliveryTag;
        return message(m);
      }
      case 'ack':
      case 'nack':
      case 'reject': {
        const tag = o.stale ? lastTag + 7 : lastTag;
        if (tag === 0) return 'nothing to ack';
        const m = { fields: { deliveryTag: tag } } as GetMessage;
        if (o.op === 'ack') ch.ack(m, o.multiple);
        else if (o.op === 'nack') ch.nack(m, o.multiple, o.requeue);
        else ch.reject(m, o.requeue);
        return undefined;
      }
      case 'recover':
        return ch.recover();
      case 'consume': {
        const index = deliveries.push([]) - 1;
        consumerTags.push(null);
        const ok = await ch.consume(name(o.q), (m) => deliveries[index].push(m ? message(m) : 'cancelled by the broker'), {
          noAck: true,
          exclusive: o.exclusive,
        });
        consumerTags[index] = ok.consumerTag;
        return 'consuming';
      }
      case 'cancel': {
        const tag = consumerTags[o.consumer];
        if (!tag) return 'no such consumer';
        consumerTags[o.consumer] = null;
        return ch.cancel(tag);
      }
      case 'purge':
        return ch.purgeQueue(name(o.q));
      case 'deleteQueue':
        return ch.deleteQueue(name(o.q), { ifEmpty: o.ifEmpty, ifUnused: o.ifUnused });
      case 'deleteExchange':
        return ch.deleteExchange(name(o.e), { ifUnused: o.ifUnused });
    }
  }
}

/**
 * One run on one broker, on a connection of its own (a connection error ends
 * only that run, and is part of its log): a fresh prefix, the program, then
 * everything it made deleted.
 */
async function transcript(url: string, ops: Op[]): Promise<unknown[]> {
  const prefix = `wire-diff-${randomBytes(4).toString('hex')}-`;
  // noDelay: with Nagle on, a publish followed by a method waits for a delayed ACK (~40 ms).
  const conn = await amqp.connect(url, { noDelay: true });
  const connectionLog: unknown[] = [];
  conn.on('error', (err: Error & { code?: number }) => connectionLog.push(['connection closed', err.code, err.message]));
  let log: unknown[];
  try {
    log = await execute(conn, ops, prefix);
  } catch (err) {
    log = [['run ended', (err as Error).message]];
  }
  log.push(...connectionLog);
  await conn.close().catch(() => {});
  await cleanUp(url, prefix);
  return JSON.parse(
    JSON.stringify(log)
      .replaceAll(prefix, '<p>')
      .replace(/amq\.ctag-[A-Za-z0-9_-]+/g, 'amq.ctag-…'),
  ) as unknown[];
}

async function cleanUp(url: string, prefix: string): Promise<void> {
  const conn = await amqp.connect(url, { noDelay: true });
  conn.on('error', () => {});
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  for (const q of QUEUES) await ch.deleteQueue(prefix + q).catch(() => {});
  for (const e of EXCHANGES) await ch.deleteExchange(prefix + e).catch(() => {});
  await conn.close().catch(() => {});
}

function firstDifference(a: unknown[], b: unknown[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (JSON.stringify(a[i]) !== JSON.stringify(b[i]))
      return `entry ${i}: listener ${JSON.stringify(a[i])}, RabbitMQ ${JSON.stringify(b[i])}`;
  }
  return 'none';
}

describe('the listener at the wire, against RabbitMQ, on random programs', function () {
  this.timeout(240_000);
  let server: AmqpServer;
  let ours: string;

  before(async function () {
    await requireRabbit(this);
    server = await startAmqpServer({ port: 0, host: '127.0.0.1' });
    ours = `amqp://guest:guest@127.0.0.1:${server.port}`;
  });

  after(async () => server?.close());

  it(`gives the same replies, deliveries, returns and closes (${RUNS} programs, seed ${SEED})`, async () => {
    let operations = 0;
    let closes = 0;
    for (let run = 0; run < RUNS; run++) {
      const seed = SEED + run;
      const ops = program(seed);
      operations += ops.length;
      const listener = await transcript(ours, ops);
      const rabbit = await transcript(AMQP_URL, ops);
      closes += rabbit.filter((e) => Array.isArray(e) && e[0] === 'channel closed').length;
      assert.deepEqual(
        listener,
        rabbit,
        `program of seed ${seed} (DIFF_WIRE_SEED=${seed} DIFF_WIRE_RUNS=1 to replay): ${firstDifference(listener, rabbit)}\n${JSON.stringify(ops)}`,
      );
    }
    console.log(`      ${RUNS} programs, ${operations} operations, ${closes} channel closes: same on both`);
  });
});
