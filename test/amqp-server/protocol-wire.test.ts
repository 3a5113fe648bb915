// The listener at the byte level, judged by RabbitMQ: each script sends the
// same frames (many of them wrong) to RabbitMQ 3.10.8 and to the listener,
// and both must answer with the same methods, reply codes and texts.
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';
import { FRAME, PROTOCOL_HEADER } from '../../src/amqp-server/codec.js';
import { WireClient, type WireFrame } from '../helpers/amqp-wire.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

const open = (c: WireClient) => c.method('ChannelOpen', 1, { outOfBand: '' });
const header = (bodySize: number, props: number[] = [0, 0]) => {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(60, 0);
  b.writeBigUInt64BE(BigInt(bodySize), 4);
  return Buffer.concat([b, Buffer.from(props)]);
};
const publish = (c: WireClient, fields: Record<string, unknown> = {}) =>
  c.method('BasicPublish', 1, { exchange: '', routingKey: 'q', mandatory: false, immediate: false, ...fields });

/** Declared by a script, deleted after (on RabbitMQ; the listener goes with its process). */
const INTERNAL_EXCHANGE = 'protocol-wire-internal';

/** After the handshake: what the client does, on an open connection. */
const SCRIPTS: Record<string, (c: WireClient) => void> = {
  'a method on a channel never opened': (c) => c.method('QueueDeclare', 5, { queue: 'x', arguments: {} }),
  'channel.open twice': (c) => {
    open(c);
    open(c);
  },
  'a body with no header': (c) => {
    open(c);
    c.frame(FRAME.BODY, 1, Buffer.from('hi'));
  },
  'a content header with no publish': (c) => {
    open(c);
    c.frame(FRAME.HEADER, 1, header(2));
  },
  'a method where the content header should be': (c) => {
    open(c);
    publish(c);
    c.method('BasicQos', 1, { prefetchSize: 0, prefetchCount: 1, global: false });
  },
  'a method inside the body': (c) => {
    open(c);
    publish(c);
    c.frame(FRAME.HEADER, 1, header(10));
    c.method('BasicQos', 1, { prefetchCount: 1 });
  },
  'a bad frame-end byte': (c) => c.frame(FRAME.METHOD, 0, Buffer.from([0, 10, 0, 50]), 7),
  'a frame larger than frame_max': (c) => c.frame(FRAME.METHOD, 1, Buffer.alloc(200_000)),
  'an unknown frame type': (c) => c.frame(9, 0, Buffer.from([1, 2])),
  'truncated method arguments': (c) => {
    open(c);
    c.frame(FRAME.METHOD, 1, Buffer.from([0, 50, 0, 10, 0]));
  },
  'immediate=true': (c) => {
    open(c);
    publish(c, { immediate: true });
    c.frame(FRAME.HEADER, 1, header(0));
  },
  'channel.open above channel_max (2048 of 2047)': (c) => c.method('ChannelOpen', 2048, { outOfBand: '' }),
  'channel.open at channel_max (2047)': (c) => c.method('ChannelOpen', 2047, { outOfBand: '' }),
  'a channel method on channel 0': (c) => c.method('QueueDeclare', 0, { queue: 'x', arguments: {} }),
  'a heartbeat on channel 1': (c) => c.frame(FRAME.HEARTBEAT, 1, Buffer.alloc(0)),
  'channel.close on a channel never opened': (c) => c.method('ChannelClose', 3, { replyCode: 200, replyText: '', classId: 0, methodId: 0 }),
  'an ack of an unknown delivery tag': (c) => {
    open(c);
    c.method('BasicAck', 1, { deliveryTag: 5, multiple: false });
  },
  'access.request': (c) => {
    open(c);
    c.method('AccessRequest', 1, { realm: '/data', passive: true, active: true, write: true, read: true });
  },
  'channel.flow active=false': (c) => {
    open(c);
    c.method('ChannelFlow', 1, { active: false });
  },
  'confirm.select in a transaction': (c) => {
    open(c);
    c.method('TxSelect', 1, {});
    c.method('ConfirmSelect', 1, { nowait: false });
  },
  'tx.select in confirm mode': (c) => {
    open(c);
    c.method('ConfirmSelect', 1, { nowait: false });
    c.method('TxSelect', 1, {});
  },
  'tx.commit without tx.select': (c) => {
    open(c);
    c.method('TxCommit', 1, {});
  },
  'tx.rollback without tx.select': (c) => {
    open(c);
    c.method('TxRollback', 1, {});
  },
  'basic.qos with prefetch_size': (c) => {
    open(c);
    c.method('BasicQos', 1, { prefetchSize: 10, prefetchCount: 1, global: false });
  },
  'basic.consume on a missing queue': (c) => {
    open(c);
    c.method('BasicConsume', 1, { queue: 'protocol-wire-missing', consumerTag: '', arguments: {} });
  },
  'basic.cancel of an unknown tag': (c) => {
    open(c);
    c.method('BasicCancel', 1, { consumerTag: 'zz', nowait: false });
  },
  'connection.close': (c) => c.method('ConnectionClose', 0, { replyCode: 200, replyText: 'bye', classId: 0, methodId: 0 }),
  'connection.open again': (c) => c.method('ConnectionOpen', 0, { virtualHost: '/', capabilities: '', insist: false }),
  'reply-to amq.rabbitmq.reply-to with no reply consumer': (c) => {
    open(c);
    publish(c);
    c.frame(FRAME.HEADER, 1, header(0, [0x02, 0x00, 21, ...Buffer.from('amq.rabbitmq.reply-to')]));
  },
  'reply consumer that acknowledges': (c) => {
    open(c);
    c.method('BasicConsume', 1, { queue: 'amq.rabbitmq.reply-to', consumerTag: '', noAck: false, arguments: {} });
  },
  'publish to a missing exchange': (c) => {
    open(c);
    publish(c, { exchange: 'protocol-wire-missing-x' });
    c.frame(FRAME.HEADER, 1, header(0));
  },
  'basic.get on an empty server-named queue, then ack 1': (c) => {
    open(c);
    c.method('QueueDeclare', 1, { queue: '', exclusive: true, arguments: {} });
    c.method('BasicGet', 1, { queue: '', noAck: false });
    c.method('BasicAck', 1, { deliveryTag: 1, multiple: false });
  },
  'recover with requeue=false': (c) => {
    open(c);
    c.method('BasicRecover', 1, { requeue: false });
  },
  // rabbit_channel's check_user_id_header: the user_id property must be the login's.
  'a publish with a user_id other than the login': (c) => {
    open(c);
    publish(c);
    c.frame(FRAME.HEADER, 1, header(0, [0x00, 0x10, 7, ...Buffer.from('someone')]));
  },
  'a publish with the login as user_id': (c) => {
    open(c);
    publish(c);
    c.frame(FRAME.HEADER, 1, header(0, [0x00, 0x10, 5, ...Buffer.from('guest')]));
  },
  // py-amqp and rabbitmq-c send integers as 'L' (64-bit): RabbitMQ takes them.
  'headers with an L (64-bit) value, published and got back': (c) => {
    open(c);
    c.method('QueueDeclare', 1, { queue: 'protocol-wire-l', exclusive: true, arguments: {} });
    publish(c, { routingKey: 'protocol-wire-l' });
    const table = Buffer.concat([Buffer.from([1, 0x6e, 0x4c]), Buffer.from([0, 0, 1, 0, 0, 0, 0, 0])]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(table.length);
    c.frame(FRAME.HEADER, 1, header(0, [0x20, 0x00, ...length, ...table]));
    c.method('BasicGet', 1, { queue: 'protocol-wire-l', noAck: true });
  },
  // rabbit_channel's other publish-time checks, in its order: the exchange is
  // not internal (check_internal_exchange), the expiration is a
  // non-negative integer (check_expiration_header).
  'a publish to an internal exchange': (c) => {
    open(c);
    c.method('ExchangeDeclare', 1, { exchange: INTERNAL_EXCHANGE, type: 'fanout', internal: true, arguments: {} });
    publish(c, { exchange: INTERNAL_EXCHANGE });
    c.frame(FRAME.HEADER, 1, header(0));
  },
  'a publish whose expiration is not a number': (c) => {
    open(c);
    publish(c);
    c.frame(FRAME.HEADER, 1, header(0, [0x01, 0x00, 3, ...Buffer.from('abc')]));
  },
  'a publish whose expiration is negative': (c) => {
    open(c);
    publish(c);
    c.frame(FRAME.HEADER, 1, header(0, [0x01, 0x00, 2, ...Buffer.from('-5')]));
  },
  'a publish whose expiration is empty': (c) => {
    open(c);
    publish(c);
    c.frame(FRAME.HEADER, 1, header(0, [0x01, 0x00, 0]));
  },
  'basic.get with no queue declared on the channel': (c) => {
    open(c);
    c.method('BasicGet', 1, { queue: '', noAck: true });
  },
};

/** What is compared: the frames after connection.open-ok, server-made names blanked. */
function transcript(c: WireClient): unknown[] {
  const start = c.frames.findIndex((f) => f.method === 'ConnectionOpenOk') + 1;
  return c.frames.slice(start).map((f: WireFrame) => {
    const fields = { ...(f.fields ?? {}) };
    if (typeof fields.queue === 'string' && fields.queue.startsWith('amq.gen-')) fields.queue = 'amq.gen-…';
    if (typeof fields.consumerTag === 'string' && fields.consumerTag.startsWith('amq.ctag-')) fields.consumerTag = 'amq.ctag-…';
    return [f.channel, f.method ?? `frame type ${f.type}`, fields];
  });
}

async function run(port: number, script: (c: WireClient) => void): Promise<{ frames: unknown[]; closed: boolean }> {
  const c = await WireClient.open(port);
  try {
    script(c);
    await c.settle(400, 4000);
    return { frames: transcript(c), closed: c.closed };
  } finally {
    c.close();
  }
}

describe('the listener at the wire, compared with RabbitMQ', function () {
  this.timeout(60_000);
  let server: AmqpServer;

  before(async function () {
    await requireRabbit(this);
    server = await startAmqpServer({ port: 0 });
  });
  after(async () => {
    await server?.close();
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672').catch(() => null);
    if (!connection) return;
    const ch = await connection.createChannel();
    await ch.deleteExchange(INTERNAL_EXCHANGE).catch(() => {});
    await connection.close().catch(() => {});
  });

  for (const [name, script] of Object.entries(SCRIPTS)) {
    it(`answers ${name} as RabbitMQ does`, async () => {
      const [rabbit, ours] = await Promise.all([run(5672, script), run(server.port, script)]);
      assert.deepEqual(ours.frames, rabbit.frames);
      assert.ok(ours.frames.length > 0 || name === 'unknown', 'the script got an answer');
    });
  }

  it('answers a wrong protocol header with its own version and closes, as RabbitMQ', async () => {
    for (const bytes of ['AMQP\x00\x00\x09\x00', 'GET / HTTP/1.1\r\n\r\n', 'AMQP\x03\x01\x00\x00']) {
      const replies = await Promise.all(
        [5672, server.port].map(async (port) => {
          const c = await WireClient.connect(port);
          c.send(Buffer.from(bytes, 'latin1'));
          await c.settle(300, 3000);
          c.close();
          return { raw: [...c.raw], closed: c.closed };
        }),
      );
      assert.deepEqual(replies[1], replies[0]);
      assert.deepEqual(replies[1].raw, [...PROTOCOL_HEADER]);
    }
  });

  it('refuses a wrong password with 403 ACCESS_REFUSED, as RabbitMQ', async () => {
    const replies = await Promise.all(
      [5672, server.port].map(async (port) => {
        const c = await WireClient.connect(port);
        c.send(PROTOCOL_HEADER);
        await c.waitFor('ConnectionStart');
        c.method('ConnectionStartOk', 0, {
          clientProperties: { capabilities: { authentication_failure_close: true } },
          mechanism: 'PLAIN',
          response: Buffer.from('\0guest\0wrong'),
          locale: 'en_US',
        });
        const close = await c.waitFor('ConnectionClose', 8000);
        c.close();
        return close.fields;
      }),
    );
    assert.deepEqual(replies[1], replies[0]);
    assert.equal(replies[1]!.replyCode, 403);
  });

  it('logs in with AMQPLAIN as with PLAIN', async () => {
    const c = await WireClient.connect(server.port);
    c.send(PROTOCOL_HEADER);
    await c.waitFor('ConnectionStart');
    const field = (k: string, v: string) =>
      Buffer.concat([Buffer.from([k.length]), Buffer.from(k), Buffer.from('S'), Buffer.from([0, 0, 0, v.length]), Buffer.from(v)]);
    c.method('ConnectionStartOk', 0, {
      clientProperties: {},
      mechanism: 'AMQPLAIN',
      response: Buffer.concat([field('LOGIN', 'guest'), field('PASSWORD', 'guest')]),
      locale: 'en_US',
    });
    const tune = await c.waitFor('ConnectionTune');
    assert.deepEqual(tune.fields, { channelMax: 2047, frameMax: 131072, heartbeat: 60 });
    c.close();
  });

  it('refuses an unknown vhost with 530, as RabbitMQ', async () => {
    const c = await WireClient.connect(server.port);
    c.send(PROTOCOL_HEADER);
    await c.waitFor('ConnectionStart');
    c.method('ConnectionStartOk', 0, {
      clientProperties: {},
      mechanism: 'PLAIN',
      response: Buffer.from('\0guest\0guest'),
      locale: 'en_US',
    });
    await c.waitFor('ConnectionTune');
    c.method('ConnectionTuneOk', 0, { channelMax: 10, frameMax: 131072, heartbeat: 0 });
    c.method('ConnectionOpen', 0, { virtualHost: 'nohost', capabilities: '', insist: false });
    const close = await c.waitFor('ConnectionClose');
    assert.deepEqual(close.fields, { replyCode: 530, replyText: 'NOT_ALLOWED - vhost nohost not found', classId: 10, methodId: 40 });
    c.close();
  });
});
