// Bad inputs for the AMQP listener, one category at a time, from a seeded
// PRNG: case i is a pure function of (seed, i), so a failure replays with
// FUZZ_SEED. Every category is narrow enough that RabbitMQ answers all of
// its inputs the same way (the fuzz test checks that on a sample).
import { encodeMethod, FRAME, methodName, PROTOCOL_HEADER } from '../../src/amqp-server/codec.js';
import { prng } from './fuzz.js';

/** How far the handshake goes before the bad bytes are sent. */
export type Stage = 'raw' | 'start' | 'tune' | 'open';

export interface FuzzCase {
  index: number;
  category: string;
  stage: Stage;
  bytes: Buffer;
  /** The client half-closes after sending (a cut-off input). */
  fin: boolean;
  /** "class/method" of the method the input is about, when the close names it (it varies within the category). */
  methodIds?: string;
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, list: readonly T[]) => list[int(r, list.length)];
const bytes = (r: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => int(r, 256)));

export function frame(type: number, channel: number, payload: Buffer, end: number = FRAME.END): Buffer {
  const head = Buffer.alloc(7);
  head.writeUInt8(type, 0);
  head.writeUInt16BE(channel, 1);
  head.writeUInt32BE(payload.length, 3);
  return Buffer.concat([head, payload, Buffer.from([end])]);
}

const open = (ch: number) => encodeMethod('ChannelOpen', ch, { outOfBand: '' });
const publish = (ch: number) => encodeMethod('BasicPublish', ch, { exchange: '', routingKey: 'fuzz', mandatory: false, immediate: false });
function contentHeader(ch: number, bodySize: number, properties = Buffer.from([0, 0])): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(60, 0);
  b.writeBigUInt64BE(BigInt(bodySize), 4);
  return frame(FRAME.HEADER, ch, Buffer.concat([b, properties]));
}

/** Well-formed channel methods (not channel.open/close, which have their own rules). */
const CHANNEL_METHODS: (() => [string, Record<string, unknown>])[] = [
  () => ['QueueDeclare', { queue: 'fuzz', arguments: {} }],
  () => ['ExchangeDeclare', { exchange: 'fuzz', type: 'direct', arguments: {} }],
  () => ['QueueBind', { queue: 'fuzz', exchange: 'amq.direct', routingKey: 'k', arguments: {} }],
  () => ['BasicQos', { prefetchSize: 0, prefetchCount: 1, global: false }],
  () => ['BasicConsume', { queue: 'fuzz', consumerTag: '', arguments: {} }],
  () => ['BasicGet', { queue: 'fuzz', noAck: true }],
  () => ['BasicAck', { deliveryTag: 1, multiple: false }],
  () => ['TxSelect', {}],
  () => ['ConfirmSelect', { nowait: false }],
  () => ['QueuePurge', { queue: 'fuzz', nowait: false }],
];

/** A method id no class defines (RabbitMQ cannot even name it). */
function unknownMethodId(r: Rand): number {
  for (;;) {
    const id = (pick(r, [10, 20, 40, 50, 60, 85, 90, int(r, 65536)]) << 16) | int(r, 65536);
    if (!methodName(id >>> 0)) return id >>> 0;
  }
}

/** queue.declare's arguments replaced by `table` (a length-prefixed field table, possibly lying). */
function declareWithTable(ch: number, table: Buffer): Buffer {
  const head = encodeMethod('QueueDeclare', ch, { queue: 'fuzz', arguments: {} });
  // The encoded method ends with an empty table (4 zero bytes) and the frame end.
  const payload = Buffer.concat([head.subarray(7, head.length - 5), table]);
  return frame(FRAME.METHOD, ch, payload);
}

const KNOWN_VERSIONS = ['0,0,9,1', '0,0,9,0', '1,1,0,9', '1,1,8,0', '1,1,9,1', '0,0,8,0', '0,1,0,0', '2,1,0,0', '3,1,0,0'];

interface Category {
  stage: Stage;
  make(r: Rand): Buffer;
  fin?: boolean;
  /** The bytes start with the method frame whose ids the close should carry. */
  named?: boolean;
}

export const CATEGORIES: Record<string, Category> = {
  'random bytes for a protocol header': {
    stage: 'raw',
    make: (r) => {
      const b = bytes(r, 8 + int(r, 56));
      if (b.subarray(0, 4).toString('latin1') === 'AMQP') b[0] = 0;
      return b;
    },
  },
  'a wrong protocol version': {
    stage: 'raw',
    make: (r) => {
      let v = bytes(r, 4);
      while (KNOWN_VERSIONS.includes([...v].join(','))) v = bytes(r, 4);
      return Buffer.concat([Buffer.from('AMQP'), v]);
    },
  },
  'a truncated protocol header, then the client closes': { stage: 'raw', fin: true, make: (r) => PROTOCOL_HEADER.subarray(0, int(r, 8)) },
  'a frame error before login': { stage: 'start', make: (r) => frame(FRAME.METHOD, 0, bytes(r, int(r, 20)), int(r, 206)) },
  'a connection method other than start-ok before login': {
    stage: 'start',
    make: (r) =>
      pick(r, [
        () => encodeMethod('ConnectionOpen', 0, { virtualHost: '/', capabilities: '', insist: false }),
        () => encodeMethod('ConnectionTuneOk', 0, { channelMax: 0, frameMax: 131072, heartbeat: 0 }),
        () => encodeMethod('ConnectionSecureOk', 0, { response: Buffer.from('x') }),
      ])(),
  },
  'a channel frame before login': { stage: 'start', make: (r) => open(1 + int(r, 100)) },
  'a login with a wrong password': {
    stage: 'start',
    make: (r) =>
      encodeMethod('ConnectionStartOk', 0, {
        clientProperties: {},
        mechanism: 'PLAIN',
        response: Buffer.concat([Buffer.from('\0guest\0'), Buffer.from(`x${bytes(r, int(r, 30)).toString('hex')}`)]),
        locale: 'en_US',
      }),
  },
  'a login with a mechanism the broker does not offer': {
    stage: 'start',
    make: (r) =>
      encodeMethod('ConnectionStartOk', 0, {
        clientProperties: {},
        mechanism: pick(r, ['EXTERNAL', 'SCRAM-SHA-256', 'CRAM-MD5', 'X', bytes(r, 1 + int(r, 20)).toString('hex')]),
        response: bytes(r, int(r, 40)),
        locale: 'en_US',
      }),
  },
  // A vhost that is not there, or that is another student's on the listener (user:…): refused like any unknown vhost.
  'connection.open to a vhost that does not exist or is another student’s': {
    stage: 'tune',
    make: (r) =>
      Buffer.concat([
        encodeMethod('ConnectionTuneOk', 0, { channelMax: 2047, frameMax: 131072, heartbeat: 0 }),
        encodeMethod('ConnectionOpen', 0, {
          virtualHost: pick(r, [() => `fuzz-${bytes(r, 1 + int(r, 12)).toString('hex')}`, () => 'user:bob', () => 'class-x', () => ''])(),
          capabilities: '',
          insist: false,
        }),
      ]),
  },
  // rabbit_reader refuses 0 ("no limit") and anything above its own 2047 channels and 131072-byte frames.
  'tune-ok asking for no limit or more than the broker offers': {
    stage: 'tune',
    make: (r) =>
      encodeMethod(
        'ConnectionTuneOk',
        0,
        pick(r, [
          () => ({ channelMax: 0, frameMax: 131072, heartbeat: 0 }),
          () => ({ channelMax: 2048 + int(r, 63487), frameMax: 131072, heartbeat: 0 }),
          () => ({ channelMax: 2047, frameMax: 0, heartbeat: 0 }),
          () => ({ channelMax: 2047, frameMax: 131073 + int(r, 2 ** 31), heartbeat: 0 }),
        ])(),
      ),
  },
  'tune-ok with frame_max below 4096': {
    stage: 'tune',
    make: (r) => encodeMethod('ConnectionTuneOk', 0, { channelMax: 0, frameMax: 1 + int(r, 4095), heartbeat: 0 }),
  },
  'a bad frame-end octet': {
    stage: 'open',
    make: (r) => frame(pick(r, [1, 2, 3, 8]), int(r, 3), bytes(r, int(r, 40)), int(r, 206)),
  },
  'a frame larger than frame_max': {
    stage: 'open',
    make: (r) => {
      const f = frame(pick(r, [1, 2, 3, 8, 9, 65]), int(r, 3), bytes(r, int(r, 64)));
      f.writeUInt32BE(131073 + int(r, 2 ** 32 - 131073), 3);
      return f;
    },
  },
  'an unknown frame type': {
    stage: 'open',
    make: (r) => frame(pick(r, [0, 4, 5, 6, 7, 9, 65, 206, 255]), int(r, 3), bytes(r, int(r, 40))),
  },
  'a truncated frame, then the client closes': {
    stage: 'open',
    fin: true,
    make: (r) => {
      const whole = Buffer.concat([open(1), publish(1), contentHeader(1, 5), frame(FRAME.BODY, 1, Buffer.from('hello'))]);
      // Cut inside the last frame, so nothing complete is left to answer.
      return whole.subarray(0, whole.length - 1 - int(r, 12));
    },
  },
  'a method frame shorter than a method id': {
    stage: 'open',
    make: (r) => frame(FRAME.METHOD, int(r, 2), bytes(r, int(r, 4))),
  },
  'a method on a channel never opened': {
    stage: 'open',
    named: true,
    make: (r) => {
      const [name, fields] = pick(r, CHANNEL_METHODS)();
      return encodeMethod(name, 1 + int(r, 65535), fields);
    },
  },
  'basic.publish before channel.open': {
    stage: 'open',
    make: (r) => Buffer.concat([publish(1), contentHeader(1, 2), frame(FRAME.BODY, 1, bytes(r, 2))]),
  },
  'a content frame on a channel never opened': {
    stage: 'open',
    make: (r) => (r() < 0.5 ? contentHeader(1 + int(r, 9), int(r, 10)) : frame(FRAME.BODY, 1 + int(r, 9), bytes(r, 1 + int(r, 20)))),
  },
  'a content body with no header': { stage: 'open', make: (r) => Buffer.concat([open(1), frame(FRAME.BODY, 1, bytes(r, 1 + int(r, 50)))]) },
  'a content header with no publish': { stage: 'open', make: (r) => Buffer.concat([open(1), contentHeader(1, int(r, 100))]) },
  'a method where the content header should be': {
    stage: 'open',
    make: (r) => {
      const [name, fields] = pick(r, CHANNEL_METHODS)();
      return Buffer.concat([open(1), publish(1), encodeMethod(name, 1, fields)]);
    },
  },
  'a method inside the content body': {
    stage: 'open',
    make: (r) => {
      const [name, fields] = pick(r, CHANNEL_METHODS)();
      return Buffer.concat([open(1), publish(1), contentHeader(1, 10 + int(r, 100)), encodeMethod(name, 1, fields)]);
    },
  },
  'a heartbeat on a channel other than 0': { stage: 'open', make: (r) => frame(FRAME.HEARTBEAT, 1 + int(r, 65535), Buffer.alloc(0)) },
  'an unknown method id on channel 0': {
    stage: 'open',
    make: (r) => frame(FRAME.METHOD, 0, Buffer.concat([u32(unknownMethodId(r)), bytes(r, int(r, 20))])),
  },
  'an unknown method id on an open channel': {
    stage: 'open',
    make: (r) => Buffer.concat([open(1), frame(FRAME.METHOD, 1, Buffer.concat([u32(unknownMethodId(r)), bytes(r, int(r, 20))]))]),
  },
  'a field table longer than its method': {
    stage: 'open',
    make: (r) => Buffer.concat([open(1), declareWithTable(1, Buffer.concat([u32(5 + int(r, 1000)), bytes(r, int(r, 5))]))]),
  },
  'a field table with an unknown value type': {
    stage: 'open',
    make: (r) => {
      const tag = pick(r, [...'!#$%&()*+,-./0123456789:;<=>?@CEGHJKMNOPQRUWXYZ_`aeghjkmnopqrvwyz{|}~']);
      const entry = Buffer.concat([Buffer.from([1]), Buffer.from('k'), Buffer.from(tag), bytes(r, 4)]);
      return Buffer.concat([open(1), declareWithTable(1, Buffer.concat([u32(entry.length), entry]))]);
    },
  },
  'a field table whose entry runs past its end': {
    stage: 'open',
    make: (r) => {
      // A long string claiming more bytes than the table holds.
      const entry = Buffer.concat([Buffer.from([1]), Buffer.from('k'), Buffer.from('S'), u32(100 + int(r, 1000)), bytes(r, int(r, 8))]);
      return Buffer.concat([open(1), declareWithTable(1, Buffer.concat([u32(entry.length), entry]))]);
    },
  },
  'channel.open above channel_max': { stage: 'open', make: (r) => open(2048 + int(r, 65536 - 2048)) },
  'connection.tune-ok after the handshake': {
    stage: 'open',
    make: (r) => encodeMethod('ConnectionTuneOk', 0, { channelMax: int(r, 100), frameMax: 131072, heartbeat: 0 }),
  },
  'a content frame on channel 0': {
    stage: 'open',
    make: (r) => (r() < 0.5 ? contentHeader(0, int(r, 10)) : frame(FRAME.BODY, 0, bytes(r, 1 + int(r, 20)))),
  },
};

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

const NAMES = Object.keys(CATEGORIES);

/** Case `index` of the run seeded with `seed`: categories in turn, contents random. */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const category = NAMES[index % NAMES.length];
  const c = CATEGORIES[category];
  const r = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const bytes = c.make(r);
  const methodIds = c.named ? `${bytes.readUInt16BE(7)}/${bytes.readUInt16BE(9)}` : undefined;
  return { index, category, stage: c.stage, bytes, fin: c.fin ?? false, methodIds };
}
