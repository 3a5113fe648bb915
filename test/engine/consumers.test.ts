// Consumers on a VirtualHost (src/engine/virtual-host.ts + queue.ts): the
// work-queue and acknowledgement lessons — round-robin within prefetch,
// unacked messages, requeue with the redelivered flag, and a waiting
// consumer taking a message before any limit or TTL applies (§13).
import assert from 'node:assert/strict';
import type { Effects } from '../../src/engine/virtual-host.js';
import type { AmqpError } from '../../src/engine/types.js';
import { eventsOf, vhostWith } from './topology.js';

function ok<T extends object>(result: T | { error: AmqpError }): T {
  if ('error' in result) assert.fail(result.error.message);
  return result;
}

const tasks = (args = {}) =>
  vhostWith({
    exchanges: [{ name: 'dlx', type: 'fanout' }],
    queues: [{ name: 'tasks', arguments: args }, { name: 'dead' }],
    bindings: [{ source: 'dlx', destination: 'dead' }],
  });

const send = (vhost: ReturnType<typeof tasks>, n: number) =>
  Array.from({ length: n }, (_, i) => vhost.publish({ exchange: '', routing_key: 'tasks', payload: `task ${i}` }));

const received = (vhost: ReturnType<typeof tasks>, tag: string) => vhost.consumer(tag)!.delivered.map((d) => d.message);

describe('consumers', () => {
  it('share the messages round-robin', () => {
    const vhost = tasks();
    const a = ok(vhost.consume('tasks', { noAck: true })).consumerTag;
    const b = ok(vhost.consume('tasks', { noAck: true })).consumerTag;
    send(vhost, 5);
    assert.deepEqual(
      [received(vhost, a), received(vhost, b)],
      [
        [0, 2, 4],
        [1, 3],
      ],
    );
    assert.deepEqual(vhost.peek('tasks'), []);
  });

  it('receive no more than their prefetch until they ack (fair dispatch)', () => {
    const vhost = tasks();
    const slow = ok(vhost.consume('tasks', { prefetch: 1 })).consumerTag;
    const fast = ok(vhost.consume('tasks', { prefetch: 1 })).consumerTag;
    send(vhost, 4);
    assert.deepEqual([received(vhost, slow), received(vhost, fast), vhost.peek('tasks')], [[0], [1], [2, 3]]);
    // The fast one acks twice and gets both remaining tasks; the slow one still holds task 0.
    ok(vhost.ack(vhost.consumer(fast)!.unacked[0].delivery_tag));
    ok(vhost.ack(vhost.consumer(fast)!.unacked[0].delivery_tag));
    assert.deepEqual([received(vhost, slow), received(vhost, fast)], [[0], [1, 2, 3]]);
    assert.deepEqual(
      vhost.consumer(slow)!.unacked.map((d) => d.message),
      [0],
    );
  });

  it('take a message at once when waiting: it is never enqueued, so no limit or TTL drops it', () => {
    const vhost = tasks({ 'x-max-length': 0, 'x-message-ttl': 0 });
    const tag = ok(vhost.consume('tasks', { prefetch: 1 })).consumerTag;
    const [first, second] = send(vhost, 2);
    assert.deepEqual(first.queue_events, [
      { kind: 'delivered', queue: 'tasks', message: 0, consumer: tag, delivery_tag: 1, redelivered: false },
    ]);
    // The consumer is full now: the second one is discarded (TTL 0, no DLX: never even enqueued).
    assert.deepEqual(second.queue_events, [{ kind: 'dropped', queue: 'tasks', message: 1, reason: 'expired' }]);
  });

  it('get a requeued message again, flagged redelivered, in its original place', () => {
    const vhost = tasks();
    send(vhost, 3);
    const first = ok(vhost.get('tasks')).delivery!;
    const second = ok(vhost.get('tasks')).delivery!;
    ok(vhost.nack(second.delivery_tag));
    ok(vhost.nack(first.delivery_tag));
    assert.deepEqual(vhost.peek('tasks'), [0, 1, 2]);
    const again = ok(vhost.get('tasks', { noAck: true })).delivery!;
    assert.equal(again.message, 0);
    assert.equal(again.redelivered, true);
  });

  it('dead-letter a message nacked without requeue, with reason rejected', () => {
    const vhost = tasks({ 'x-dead-letter-exchange': 'dlx' });
    send(vhost, 1);
    const delivery = ok(vhost.get('tasks')).delivery!;
    const effects = ok<Effects>(vhost.nack(delivery.delivery_tag, { requeue: false }));
    assert.deepEqual(
      effects.dead_letters.map((d) => [d.from_queue, d.reason, d.queues]),
      [['tasks', 'rejected', ['dead']]],
    );
    assert.deepEqual(vhost.drain('dead'), [0]);
  });

  it('put a closed consumer’s unacked messages back at the head, in order, for the others', () => {
    const vhost = tasks();
    const worker = ok(vhost.consume('tasks', { prefetch: 2 })).consumerTag;
    send(vhost, 3);
    assert.deepEqual(received(vhost, worker), [0, 1]);
    const other = ok(vhost.consume('tasks', { prefetch: 10 })).consumerTag;
    assert.deepEqual(received(vhost, other), [2]);
    const effects = vhost.closeConsumer(worker);
    assert.deepEqual(eventsOf(effects.events, 'delivered'), ['tasks:0', 'tasks:1']);
    const redelivered = vhost.consumer(other)!.delivered.slice(1);
    assert.deepEqual(
      redelivered.map((d) => [d.message, d.redelivered]),
      [
        [0, true],
        [1, true],
      ],
    );
  });

  it('keep their unacked messages after basic.cancel, and can still ack them', () => {
    const vhost = tasks();
    const tag = ok(vhost.consume('tasks', { prefetch: 1 })).consumerTag;
    send(vhost, 2);
    vhost.cancel(tag);
    const held = vhost.consumer(tag)!.unacked[0];
    assert.deepEqual(vhost.peek('tasks'), [1], 'no more deliveries after cancel');
    ok(vhost.ack(held.delivery_tag));
    assert.deepEqual(vhost.consumer(tag)!.unacked, []);
  });

  it('dead-letter the requeued message itself when requeueing overflows the queue', () => {
    // §13: max-length 1, queue [u2], u1 unacked — requeueing u1 puts it at the head, and the head goes.
    const vhost = tasks({ 'x-max-length': 1, 'x-dead-letter-exchange': 'dlx' });
    const tag = ok(vhost.consume('tasks', { prefetch: 1 })).consumerTag;
    send(vhost, 2);
    assert.deepEqual([received(vhost, tag), vhost.peek('tasks')], [[0], [1]]);
    ok(vhost.nack(vhost.consumer(tag)!.unacked[0].delivery_tag));
    assert.deepEqual(vhost.drain('dead'), [0]);
  });

  it('with x-single-active-consumer, deliver only to the first consumer, then to the next when it leaves', () => {
    const vhost = tasks({ 'x-single-active-consumer': true });
    const first = ok(vhost.consume('tasks', { noAck: true })).consumerTag;
    const second = ok(vhost.consume('tasks', { noAck: true })).consumerTag;
    send(vhost, 2);
    vhost.cancel(first);
    send(vhost, 1);
    assert.deepEqual([received(vhost, first), received(vhost, second)], [[0, 1], [2]]);
  });

  it('give a closed consumer’s messages back before the ones already waiting', () => {
    const vhost = tasks();
    const worker = ok(vhost.consume('tasks', { prefetch: 2 })).consumerTag;
    send(vhost, 3);
    assert.deepEqual([received(vhost, worker), vhost.peek('tasks')], [[0, 1], [2]]);
    vhost.closeConsumer(worker);
    assert.deepEqual(vhost.peek('tasks'), [0, 1, 2]);
  });

  it('answer 406 for an unknown delivery tag', () => {
    const result = tasks().ack(99);
    assert.ok('error' in result);
    assert.equal(result.error.message, 'PRECONDITION_FAILED - unknown delivery tag 99');
  });

  it('answer 404 for a missing queue', () => {
    const result = tasks().consume('nope');
    assert.ok('error' in result);
    assert.equal(result.error.message, "NOT_FOUND - no queue 'nope' in vhost '/'");
  });
});
