// The RabbitMqBroker on the machine's real RabbitMQ: isolation between runs
// sharing the broker, names shown as declared, refusals that must not reach
// the broker, reconnection.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { AmqpConnection, BrokerUnavailableError } from '../../src/broker/amqp-connection.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import type { RunRequest } from '../../src/engine/types.js';
import { connected } from '../helpers/connected.js';
import { listenerConnection } from '../helpers/listener.js';
import { AMQP_URL, requireRabbit, requireRunVhosts } from '../helpers/rabbitmq.js';
import { closeConnectionNamed } from '../../tools/rabbitmqctl.js';

/** One queue "q" reached three ways: a named exchange, the predeclared amq.direct, and the default exchange. */
function threeWaysToQ(messages: number): RunRequest {
  const ways = ['x', 'amq.direct', ''];
  return {
    definitions: {
      exchanges: [{ name: 'x', type: 'direct' }],
      queues: [{ name: 'q' }],
      bindings: [
        { source: 'x', destination: 'q', routing_key: 'q' },
        { source: 'amq.direct', destination: 'q', routing_key: 'q' },
      ],
    },
    messages: Array.from({ length: messages }, (_, i) => ({ exchange: ways[i % 3], routing_key: 'q', payload: `m${i}` })),
  };
}

describe('RabbitMqBroker', function () {
  this.timeout(30_000);
  let connection: AmqpConnection;
  let broker: RabbitMqBroker;
  before(async function () {
    this.timeout(20_000);
    connection = await connected(await requireRabbit(this));
    broker = new RabbitMqBroker(connection);
  });

  describe('isolation', () => {
    it('never lets two concurrent runs of the same topology see each other’s messages', async () => {
      for (let round = 0; round < 5; round++) {
        const [a, b] = await Promise.all([broker.run(threeWaysToQ(3)), broker.run(threeWaysToQ(7))]);
        assert.deepEqual(a.queues, { q: [0, 1, 2] });
        assert.deepEqual(b.queues, { q: [0, 1, 2, 3, 4, 5, 6] });
      }
    });

    it('starts every run from an empty queue of its own', async () => {
      const first = await broker.run(threeWaysToQ(4));
      const second = await broker.run({ ...threeWaysToQ(0), messages: [] });
      assert.deepEqual(first.queues, { q: [0, 1, 2, 3] });
      assert.deepEqual(second.queues, { q: [] });
    });

    it('does not reach a queue of the shared vhost by its plain name through the default exchange', async () => {
      const name = `h2-outside-${randomBytes(6).toString('hex')}`;
      const channel = await connection.createChannel();
      await channel.assertQueue(name, { durable: false, autoDelete: false, arguments: { 'x-expires': 60_000 } });
      try {
        const outcome = await broker.run({ definitions: {}, messages: [{ exchange: '', routing_key: name, mandatory: true }] });
        assert.deepEqual(outcome.returned, [0]);
        assert.equal((await channel.checkQueue(name)).messageCount, 0);
      } finally {
        await channel.deleteQueue(name);
        await channel.close();
      }
    });
  });

  describe('names', () => {
    it('shows the declared name in a refusal, never the namespaced one', async () => {
      const outcome = await broker.run({
        definitions: { queues: [{ name: 'q' }], bindings: [{ source: 'nope', destination: 'q' }] },
        messages: [],
      });
      assert.deepEqual(outcome.setup_error, { code: 404, message: "NOT_FOUND - no exchange 'nope' in vhost '/'" });
      assert.deepEqual(outcome.setup_error_at, { kind: 'binding', index: 0 });
    });

    it('answers 406 naming amq.direct when it is redeclared non-durable', async () => {
      const outcome = await broker.run({
        definitions: { exchanges: [{ name: 'amq.direct', type: 'direct', durable: false }] },
        messages: [],
      });
      assert.equal(outcome.setup_error?.code, 406);
      assert.match(
        outcome.setup_error.message,
        /^PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'amq\.direct' in vhost '\/'/,
      );
    });

    it('routes through exchanges and queues whose names fill all 255 bytes', async () => {
      const x = `x${'é'.repeat(127)}`; // 255 bytes
      const q = `q${'a'.repeat(254)}`;
      const outcome = await broker.run({
        definitions: {
          exchanges: [{ name: x, type: 'topic' }],
          queues: [{ name: q }],
          bindings: [{ source: x, destination: q, routing_key: '#' }],
        },
        messages: [
          { exchange: x, routing_key: 'a.b', mandatory: true },
          { exchange: '', routing_key: q, mandatory: true },
          { exchange: `${x.slice(0, -1)}zz`, routing_key: 'a', mandatory: true }, // another 255-byte name
        ],
      });
      assert.deepEqual(outcome.queues, { [q]: [0, 1] });
      assert.deepEqual(outcome.publish_errors, { '2': 404 });
    });

    it('binds the most recently declared queue for destination "" and names the key after it', async () => {
      const outcome = await broker.run({
        definitions: {
          exchanges: [{ name: 'x', type: 'direct' }],
          queues: [{ name: 'first' }, { name: 'last' }],
          bindings: [{ source: 'x', destination: '', routing_key: '' }],
        },
        messages: [
          { exchange: 'x', routing_key: 'last', mandatory: true },
          { exchange: 'x', routing_key: 'first', mandatory: true },
        ],
      });
      assert.deepEqual(outcome.queues, { first: [], last: [0] });
      assert.deepEqual(outcome.returned, [1]);
    });

    it('refuses destination "" with 404 when the run declared no queue (a reused channel must not remember one)', async () => {
      await broker.run({ definitions: { queues: [{ name: 'q' }] }, messages: [] });
      const outcome = await broker.run({
        definitions: { exchanges: [{ name: 'x', type: 'direct' }], bindings: [{ source: 'x', destination: '' }] },
        messages: [],
      });
      assert.deepEqual(outcome.setup_error, { code: 404, message: 'NOT_FOUND - no previously declared queue' });
    });
  });

  describe('refusals that would close the whole connection', () => {
    it('refuses an unknown exchange type itself with 503 and keeps the connection', async () => {
      const before = connection.current();
      const outcome = await broker.run({ definitions: { exchanges: [{ name: 'w', type: 'x-consistent-hash' }] }, messages: [] });
      assert.deepEqual(outcome.setup_error, { code: 503, message: "COMMAND_INVALID - unknown exchange type 'x-consistent-hash'" });
      assert.equal(connection.current(), before);
      assert.deepEqual((await broker.run(threeWaysToQ(2))).queues, { q: [0, 1] });
    });
  });

  describe('publishing', () => {
    it('attributes each channel error to its own message and goes on', async () => {
      const outcome = await broker.run({
        definitions: {
          exchanges: [
            { name: 'x', type: 'fanout' },
            { name: 'xi', type: 'fanout', internal: true },
          ],
          queues: [{ name: 'q' }],
          bindings: [{ source: 'x', destination: 'q' }],
        },
        messages: [
          { exchange: 'x' },
          { exchange: 'nope' },
          { exchange: 'x', properties: { headers: { CC: 'not-an-array' } } },
          { exchange: 'xi' },
          { exchange: 'x', properties: { expiration: 'soon' } },
          { exchange: 'x', properties: { headers: { CC: ['a'] } } },
        ],
      });
      assert.deepEqual(outcome.queues, { q: [0, 5] });
      assert.deepEqual(outcome.publish_errors, { '1': 404, '2': 406, '3': 403, '4': 406 });
    });

    it('drops a dead letter whose own x-death header already names the target queue (cycle rule)', async () => {
      const outcome = await broker.run({
        definitions: {
          exchanges: [{ name: 'd', type: 'fanout' }],
          queues: [{ name: 'q1', arguments: { 'x-max-length': 0, 'x-dead-letter-exchange': 'd' } }, { name: 'q2' }],
          bindings: [{ source: 'd', destination: 'q2' }],
        },
        messages: [
          { exchange: '', routing_key: 'q1', properties: { headers: { 'x-death': [{ queue: 'q2', reason: 'expired', count: 1 }] } } },
          { exchange: '', routing_key: 'q1', properties: { headers: { 'x-death': [{ queue: 'q3', reason: 'expired', count: 1 }] } } },
        ],
      });
      assert.deepEqual(outcome.queues, { q1: [], q2: [1] });
    });

    it('routes dead letters on the names RabbitMQ writes in x-first-death-* (dead_lettering_SUITE dead_letter_headers_first_death_route), in both naming modes', async function () {
      // A headers DLX sends what first expired in q1 to "expired", what was first rejected to "rejected":
      // the binding compares x-first-death-queue with "q1", a name RabbitMQ writes itself.
      const run = (firstDeathQueue: string, firstDeathExchange: string): RunRequest => ({
        definitions: {
          exchanges: [{ name: 'dlx', type: 'headers' }],
          queues: [
            { name: 'q1', arguments: { 'x-dead-letter-exchange': 'dlx' } },
            { name: 'q2', arguments: { 'x-dead-letter-exchange': 'dlx' } },
            { name: 'expired' },
            { name: 'rejected' },
            { name: 'from-default' },
          ],
          bindings: [
            {
              source: 'dlx',
              destination: 'expired',
              arguments: { 'x-match': 'all-with-x', 'x-first-death-reason': 'expired', 'x-first-death-queue': firstDeathQueue },
            },
            { source: 'dlx', destination: 'rejected', arguments: { 'x-match': 'any-with-x', 'x-first-death-reason': 'rejected' } },
            {
              source: 'dlx',
              destination: 'from-default',
              arguments: { 'x-match': 'all-with-x', 'x-first-death-exchange': firstDeathExchange },
            },
          ],
        },
        messages: [
          { exchange: '', routing_key: 'q1', payload: 'msg1', properties: { expiration: '0' } },
          { exchange: '', routing_key: 'q2', payload: 'msg2', properties: { expiration: '0' } },
        ],
      });
      // As RabbitMQ's suite asserts: msg1 reaches "expired", msg2 (first died in q2) does not; both were published to "".
      const expected = { q1: [], q2: [], expired: [0], rejected: [], 'from-default': [0, 1] };
      // A name prefix per run (the broker's headers name the prefixed queue), and a vhost per run (names exact).
      assert.deepEqual((await broker.run(run('q1', ''))).queues, expected);
      const exact = new RabbitMqBroker(connection, { vhosts: await requireRunVhosts(this) });
      assert.deepEqual((await exact.run(run('q1', ''))).queues, expected);
      assert.deepEqual((await exact.run(run('q3', 'x'))).queues, { ...expected, expired: [], 'from-default': [] });
      assert.deepEqual((await new EmbeddedBroker().run(run('q1', ''))).queues, expected);
      // The same adapter over the embedded broker's listener: its engine writes the prefixed names too.
      const overListener = new RabbitMqBroker(await listenerConnection(), { predict: () => null });
      assert.deepEqual((await overListener.run(run('q1', ''))).queues, expected);
      // And a binding on another queue's name matches nothing.
      assert.deepEqual((await broker.run(run('q3', 'x'))).queues, { ...expected, expired: [], 'from-default': [] });
    });

    it('recognises messages whose identifying properties the user set', async () => {
      const props = { message_id: 'a', correlation_id: 'b', app_id: 'c', type: 'd', reply_to: 'e' };
      const outcome = await broker.run({
        definitions: { queues: [{ name: 'q' }] },
        messages: [
          { exchange: '', routing_key: 'q', payload: 'one', properties: props },
          { exchange: '', routing_key: 'q', payload: 'two', properties: { message_id: 'mine' } },
          { exchange: '', routing_key: 'q', payload: 'three', properties: props },
        ],
      });
      assert.deepEqual(outcome.queues, { q: [0, 1, 2] });
    });
  });

  describe('when the broker is away', () => {
    it('throws BrokerUnavailableError before touching anything', async () => {
      const offline = new RabbitMqBroker(new AmqpConnection('amqp://guest:guest@127.0.0.1:1'));
      await assert.rejects(offline.run(threeWaysToQ(1)), BrokerUnavailableError);
    });

    it('runs again once its connection, closed by the broker, has reconnected', async function () {
      this.timeout(60_000);
      await requireRabbit(this);
      const name = `playground-reconnect-test-${randomBytes(6).toString('hex')}`;
      const own = new AmqpConnection(AMQP_URL, { connectionName: name, reconnectDelayMs: 100 });
      await own.start();
      try {
        const ownBroker = new RabbitMqBroker(own);
        assert.deepEqual((await ownBroker.run(threeWaysToQ(2))).queues, { q: [0, 1] });
        const disconnected = once(own, 'disconnected');
        await closeConnectionNamed(name);
        await disconnected;
        await assert.rejects(ownBroker.run(threeWaysToQ(1)), BrokerUnavailableError);
        await once(own, 'connected');
        assert.deepEqual((await ownBroker.run(threeWaysToQ(3))).queues, { q: [0, 1, 2] });
      } finally {
        await own.close();
      }
    });
  });
});
