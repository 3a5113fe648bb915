// The two chat services answer alike: each behaviour runs on the embedded
// one and on the machine's RabbitMQ.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { GetMessage } from 'amqplib';
import type { AmqpConnection } from '../../src/broker/amqp-connection.js';
import type { OutgoingMessage } from '../../src/chat/chat-message.js';
import { NoRouteError, type ChatService, type Delivery } from '../../src/chat/chat-service.js';
import { CHAT_EXCHANGE, inboxOf, personKey, roomKey } from '../../src/chat/naming.js';
import { AmqpChat } from '../../src/chat/amqp-chat.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { connectionFor, deleteChatQueues, eventually, SERVICE_KINDS, sleep, uniqueName } from './fixture.js';

const EXPIRES_MS = 1000;

function message(over: Partial<OutgoingMessage>): OutgoingMessage {
  return {
    id: randomUUID(),
    from: 'Otana',
    text: 'hello',
    exchange: CHAT_EXCHANGE,
    routingKey: 'user.nobody',
    replyTo: 'chat.Otana',
    ...over,
  };
}

for (const kind of SERVICE_KINDS) {
  describe(`chat service on the ${kind} broker`, function () {
    let service: ChatService;
    let connection: AmqpConnection;
    const queues: string[] = [];

    before(async function () {
      connection = await connectionFor(this, kind);
      service = new AmqpChat(connection, { inboxExpiresMs: EXPIRES_MS });
    });
    after(async () => {
      await service?.close();
      if (connection) await deleteChatQueues(connection, queues);
    });

    async function inbox(name: string): Promise<string> {
      const queue = inboxOf(name);
      queues.push(queue);
      await service.declareQueue(queue, 'inbox');
      await service.bind(queue, personKey(name));
      return queue;
    }

    function collect(queue: string) {
      const got: Delivery[] = [];
      const consumer = service.consume(
        queue,
        (d) => got.push(d),
        () => {},
      );
      return { got, consumer };
    }

    it('refuses a message nobody is bound to receive (mandatory: basic.return)', async () => {
      const nobody = uniqueName('Nobody');
      await assert.rejects(service.publish(message({ routingKey: personKey(nobody) })), NoRouteError);
      await assert.rejects(service.publish(message({ exchange: '', routingKey: inboxOf(nobody) })), NoRouteError);
    });

    it('delivers a private message with its id, sender and path', async () => {
      const name = uniqueName('Mehdi');
      const queue = await inbox(name);
      const { got, consumer } = collect(queue);
      const id = randomUUID();
      await service.publish(message({ id, routingKey: personKey(name), text: 'Hi How Are you' }));
      await eventually('the delivery', () => got.length === 1);
      const m = got[0].message;
      assert.deepEqual(
        { id: m.id, from: m.from, text: m.text, path: m.path, replyTo: m.replyTo },
        {
          id,
          from: 'Otana',
          text: 'Hi How Are you',
          path: { exchange: CHAT_EXCHANGE, routingKey: personKey(name), queue },
          replyTo: 'chat.Otana',
        },
      );
      got[0].ack();
      await (await consumer).close();
    });

    it('delivers a room message to every inbox bound to the room, once each', async () => {
      const room = uniqueName('room');
      const [a, b] = [await inbox(uniqueName('A')), await inbox(uniqueName('B'))];
      await service.bind(a, roomKey(room));
      await service.bind(b, roomKey(room));
      await service.bind(b, roomKey(room)); // a second identical binding is still one copy
      const ca = collect(a);
      const cb = collect(b);
      await service.publish(message({ routingKey: roomKey(room), text: 'to all' }));
      await eventually('both deliveries', () => ca.got.length === 1 && cb.got.length === 1);
      await sleep(100);
      assert.equal(cb.got.length, 1);
      for (const c of [ca, cb]) {
        c.got[0].ack();
        await (await c.consumer).close();
      }
    });

    it('reaches an inbox through the default exchange by its queue name, as the report does', async () => {
      const name = uniqueName('Mehdi');
      const queue = await inbox(name);
      const { got, consumer } = collect(queue);
      await service.publish(message({ exchange: '', routingKey: queue, text: 'via default' }));
      await eventually('the delivery', () => got.length === 1);
      assert.deepEqual(got[0].message.path, { exchange: '', routingKey: queue, queue });
      got[0].ack();
      await (await consumer).close();
    });

    it('gives unacknowledged messages back when the consumer goes, redelivered, and not the acknowledged ones', async () => {
      const name = uniqueName('Mehdi');
      const queue = await inbox(name);
      const first = collect(queue);
      for (const text of ['m1', 'm2', 'm3']) await service.publish(message({ routingKey: personKey(name), text }));
      await eventually('three deliveries', () => first.got.length === 3);
      first.got.find((d) => d.message.text === 'm2')!.ack();
      await (await first.consumer).close();

      const second = collect(queue);
      await eventually('two redeliveries', () => second.got.length === 2);
      await sleep(100);
      assert.deepEqual(
        second.got.map((d) => d.message.text),
        ['m1', 'm3'],
      );
      assert.ok(second.got.every((d) => d.message.redelivered));
      assert.deepEqual(
        second.got.map((d) => d.message.id),
        first.got.filter((d) => d.message.text !== 'm2').map((d) => d.message.id),
      );
      second.got.forEach((d) => d.ack());
      await (await second.consumer).close();
    });

    it('keeps messages for a participant who is away, until they come back', async () => {
      const name = uniqueName('Mehdi');
      const queue = await inbox(name);
      for (const text of ['while', 'you', 'were away']) await service.publish(message({ routingKey: personKey(name), text }));
      const { got, consumer } = collect(queue);
      await eventually('three deliveries', () => got.length === 3);
      assert.deepEqual(
        got.map((d) => d.message.text),
        ['while', 'you', 'were away'],
      );
      got.forEach((d) => d.ack());
      await (await consumer).close();
    });

    it('drops a notice whose per-message TTL passed before anyone read it', async () => {
      const name = uniqueName('Mehdi');
      const queue = await inbox(name);
      await service.publish(message({ routingKey: personKey(name), text: 'stale', event: 'join', expirationMs: 50 }));
      await service.publish(message({ routingKey: personKey(name), text: 'fresh' }));
      await sleep(200);
      const { got, consumer } = collect(queue);
      await eventually('one delivery', () => got.length >= 1);
      await sleep(100);
      assert.deepEqual(
        got.map((d) => d.message.text),
        ['fresh'],
      );
      got.forEach((d) => d.ack());
      await (await consumer).close();
    });

    it('deletes an inbox nobody reads once its x-expires has passed, not while it is consumed', async function () {
      this.timeout(20_000);
      const watched = await inbox(uniqueName('Gone'));
      const kept = await inbox(uniqueName('Kept'));
      const { consumer } = collect(kept);
      await consumer;
      assert.equal((await service.inspectQueue(watched)).exists, true);
      // Look only once: a passive declare renews the lease on RabbitMQ (and here).
      await sleep(EXPIRES_MS + 1500);
      assert.equal((await service.inspectQueue(watched)).exists, false);
      assert.deepEqual(await service.inspectQueue(kept), { exists: true, consumers: 1, messages: 0 });
      await (await consumer).close();
    });

    it('counts the consumers of a queue and says when it does not exist', async () => {
      assert.deepEqual(await service.inspectQueue(inboxOf(uniqueName('Nobody'))), { exists: false, consumers: 0, messages: 0 });
      const queue = await inbox(uniqueName('Mehdi'));
      assert.deepEqual(await service.inspectQueue(queue), { exists: true, consumers: 0, messages: 0 });
    });
  });
}

describe('chat on RabbitMQ: what outside programs rely on (the documented naming)', function () {
  let connection: AmqpConnection;
  let service: AmqpChat;
  const queues: string[] = [];

  before(async function () {
    connection = await requireRabbit(this);
    service = new AmqpChat(connection);
  });
  after(async () => {
    await service?.close();
    if (connection) await deleteChatQueues(connection, queues);
  });

  it('declares "chat" as a durable topic exchange', async () => {
    const queue = inboxOf(uniqueName('Mehdi'));
    queues.push(queue);
    await service.declareQueue(queue, 'inbox');
    const channel = await connection.createChannel();
    await channel.assertExchange(CHAT_EXCHANGE, 'topic', { durable: true }); // equivalent: no 406
    await assert.rejects(channel.assertExchange(CHAT_EXCHANGE, 'direct', { durable: true }), /406|PRECONDITION/);
  });

  it('declares inboxes durable with x-expires 24 h', async () => {
    const queue = inboxOf(uniqueName('Mehdi'));
    queues.push(queue);
    await service.declareQueue(queue, 'inbox');
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-expires': 86_400_000 } }); // equivalent
    await assert.rejects(channel.assertQueue(queue, { durable: true }), /406|PRECONDITION|x-expires/);
  });

  it('publishes persistent messages with message_id, reply_to and the "from" header', async () => {
    const name = uniqueName('Mehdi');
    const queue = inboxOf(name);
    queues.push(queue);
    await service.declareQueue(queue, 'inbox');
    await service.bind(queue, personKey(name));
    const id = randomUUID();
    await service.publish(message({ id, routingKey: personKey(name), text: 'persisted' }));
    const channel = await connection.createChannel();
    const got = (await eventually('the message', () => channel.get(queue, { noAck: true }))) as GetMessage;
    assert.equal(got.content.toString(), 'persisted');
    assert.equal(got.properties.deliveryMode, 2);
    assert.equal(got.properties.messageId, id);
    assert.equal(got.properties.replyTo, 'chat.Otana');
    assert.equal(got.properties.headers?.from, 'Otana');
    await channel.close();
  });

  it('uses a queue an outside program declared its own way as it is (no 406 for either)', async () => {
    const queue = uniqueName('task_queue1');
    queues.push(queue);
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false }); // pika's queue_declare(queue=...) without durable
    await service.declareQueue(queue, 'plain');
    await service.declareQueue(queue, 'inbox');
    await channel.assertQueue(queue, { durable: false }); // still what the program declared
    await channel.close();
  });
});
