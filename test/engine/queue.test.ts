// Queues (src/engine/queue.ts): FIFO and priority order, length limits and
// their overflow modes, TTL at the head, as §13 describes RabbitMQ 3.10.
import assert from 'node:assert/strict';
import { eventsOf, publishMany, vhostWith } from './topology.js';
import type { FieldTable } from '../../src/engine/types.js';

/** Exchange "x" (direct) → queue "q" on key "k", with these queue arguments (and a fanout DLX "dlx" → "dead"). */
function capped(args: FieldTable) {
  return vhostWith({
    exchanges: [
      { name: 'x', type: 'direct' },
      { name: 'dlx', type: 'fanout' },
    ],
    queues: [{ name: 'q', arguments: args }, { name: 'dead' }],
    bindings: [
      { source: 'x', destination: 'q', routing_key: 'k' },
      { source: 'dlx', destination: 'dead' },
    ],
  });
}

describe('queue', () => {
  it('keeps messages in publish order', () => {
    const vhost = capped({});
    publishMany(vhost, 'x', 'k', 4);
    assert.deepEqual(vhost.drain('q'), [0, 1, 2, 3]);
  });

  describe('x-max-length with drop-head (the default)', () => {
    it('keeps the newest messages and drops the oldest', () => {
      const vhost = capped({ 'x-max-length': 2 });
      const traces = publishMany(vhost, 'x', 'k', 5);
      assert.deepEqual(vhost.drain('q'), [3, 4]);
      // The trace of the message that pushed an older one out says so.
      assert.deepEqual(eventsOf(traces[2].queue_events, 'enqueued'), ['q:2']);
      assert.deepEqual(eventsOf(traces[2].queue_events, 'dropped'), ['q:0']);
    });

    it('still counts the message as routed (no return for mandatory)', () => {
      const vhost = capped({ 'x-max-length': 0 });
      const trace = vhost.publish({ exchange: 'x', routing_key: 'k', mandatory: true });
      assert.equal(trace.returned, false);
      assert.deepEqual(eventsOf(trace.queue_events, 'dropped'), ['q:0']);
      assert.deepEqual(vhost.drain('q'), []);
    });

    it('dead-letters what it drops when the queue has a DLX', () => {
      const vhost = capped({ 'x-max-length': 1, 'x-dead-letter-exchange': 'dlx' });
      publishMany(vhost, 'x', 'k', 3);
      assert.deepEqual([vhost.drain('q'), vhost.drain('dead')], [[2], [0, 1]]);
    });
  });

  describe('x-overflow reject-publish', () => {
    it('refuses new messages once full, keeps the old ones, and does not return them', () => {
      const vhost = capped({ 'x-max-length': 2, 'x-overflow': 'reject-publish', 'x-dead-letter-exchange': 'dlx' });
      const traces = publishMany(vhost, 'x', 'k', 4);
      assert.deepEqual(vhost.drain('q'), [0, 1]);
      assert.deepEqual(vhost.drain('dead'), [], 'reject-publish does not dead-letter');
      assert.deepEqual(eventsOf(traces[2].queue_events, 'rejected'), ['q:2']);
      assert.equal(traces[2].returned, false);
    });

    it('with reject-publish-dlx, dead-letters the refused message', () => {
      const vhost = capped({ 'x-max-length': 1, 'x-overflow': 'reject-publish-dlx', 'x-dead-letter-exchange': 'dlx' });
      const traces = publishMany(vhost, 'x', 'k', 3);
      assert.deepEqual([vhost.drain('q'), vhost.drain('dead')], [[0], [1, 2]]);
      assert.deepEqual(eventsOf(traces[1].queue_events, 'rejected'), ['q:1']);
      assert.deepEqual(eventsOf(traces[1].queue_events, 'dead-lettered'), ['q:1']);
    });
  });

  describe('x-max-length-bytes', () => {
    it('counts body bytes (UTF-8) only, not headers', () => {
      const vhost = capped({ 'x-max-length-bytes': 4, 'x-overflow': 'reject-publish' });
      vhost.publish({ exchange: 'x', routing_key: 'k', payload: 'éé', properties: { headers: { big: 'x'.repeat(1000) } } });
      vhost.publish({ exchange: 'x', routing_key: 'k', payload: 'a' });
      assert.deepEqual(vhost.drain('q'), [0], '"éé" is 4 bytes: the queue is full');
    });

    it('drops older messages first, then the new one if it alone is too big', () => {
      const vhost = capped({ 'x-max-length-bytes': 10 });
      for (const payload of ['12345', '123', '1234567', '', '12345678901', '1'])
        vhost.publish({ exchange: 'x', routing_key: 'k', payload });
      assert.deepEqual(vhost.drain('q'), [5]);
    });
  });

  describe('x-max-priority', () => {
    const prioritised = (args: FieldTable, priorities: (number | undefined)[]) => {
      const vhost = capped(args);
      priorities.forEach((priority, i) =>
        vhost.publish({ exchange: 'x', routing_key: 'k', payload: `m${i}`, properties: priority === undefined ? {} : { priority } }),
      );
      return vhost;
    };

    it('gets messages by priority, capped at the maximum, first in first out within one priority', () => {
      const vhost = prioritised({ 'x-max-priority': 5 }, [1, 5, undefined, 3, 5, 9, 0]);
      assert.deepEqual(vhost.drain('q'), [1, 4, 5, 3, 0, 2, 6]);
    });

    it('ignores priorities without x-max-priority', () => {
      assert.deepEqual(prioritised({}, [1, 5, 3]).drain('q'), [0, 1, 2]);
    });

    it('drops the get-head, the highest priority, when over x-max-length', () => {
      assert.deepEqual(prioritised({ 'x-max-priority': 3, 'x-max-length': 2 }, [0, 3, 1, 3, 0]).drain('q'), [0, 4]);
    });
  });

  describe('TTL', () => {
    it('drops every message at once with x-message-ttl 0 (no consumer waiting)', () => {
      const vhost = capped({ 'x-message-ttl': 0 });
      const trace = vhost.publish({ exchange: 'x', routing_key: 'k' });
      assert.deepEqual(trace.queue_events, [{ kind: 'dropped', queue: 'q', message: 0, reason: 'expired' }]);
    });

    it('dead-letters them as expired with a DLX', () => {
      const vhost = capped({ 'x-message-ttl': 0, 'x-dead-letter-exchange': 'dlx' });
      const trace = vhost.publish({ exchange: 'x', routing_key: 'k' });
      assert.equal(trace.dead_letters[0]?.reason, 'expired');
      assert.deepEqual([vhost.drain('q'), vhost.drain('dead')], [[], [0]]);
    });

    it('expires a message with expiration "0" at the head', () => {
      const vhost = capped({});
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { expiration: '0' } });
      vhost.publish({ exchange: 'x', routing_key: 'k' });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { expiration: '60000' } });
      assert.deepEqual(vhost.drain('q'), [1, 2]);
    });

    it('lets an expired message wait behind a live head, and expires it when it reaches the head', () => {
      const vhost = capped({ 'x-dead-letter-exchange': 'dlx' });
      vhost.publish({ exchange: 'x', routing_key: 'k' });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { expiration: '0' } });
      assert.deepEqual(vhost.peek('q'), [0, 1], 'only the head expires');
      const got = vhost.get('q', { noAck: true });
      assert.ok(!('error' in got));
      assert.equal(got.delivery?.message, 0);
      assert.deepEqual(eventsOf(got.events, 'dead-lettered'), ['q:1']);
      assert.deepEqual(vhost.drain('dead'), [1]);
    });

    it('lets an expired message that jumped to the head of a priority queue wait for the next check (as RabbitMQ does)', () => {
      // deliver_or_enqueue only looks for expired messages when the queue has one message or dropped one.
      const vhost = capped({ 'x-max-priority': 2 });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { priority: 0 } });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { priority: 2, expiration: '0' } });
      assert.deepEqual(vhost.peek('q'), [1, 0]);
      // basic.get fetches the head first and drops expired messages after it.
      assert.deepEqual(vhost.drain('q'), [1, 0]);
    });

    it('expires in get order, stopping at the first live message', () => {
      const vhost = capped({ 'x-max-priority': 2 });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { priority: 2 } });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { priority: 1, expiration: '0' } });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { priority: 2, expiration: '0' } });
      // Head 0 (priority 2) is live; 2 (priority 2) and 1 (priority 1) expire once they reach the head.
      assert.deepEqual(vhost.peek('q'), [0, 2, 1]);
      assert.deepEqual(vhost.drain('q'), [0]);
    });

    it('counts positive TTLs on the virtual clock, the smaller of queue and message TTL', () => {
      const vhost = capped({ 'x-message-ttl': 1000 });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { expiration: '100' } });
      vhost.publish({ exchange: 'x', routing_key: 'k' });
      vhost.advanceClock(100);
      assert.deepEqual(vhost.peek('q'), [1]);
      vhost.advanceClock(900);
      assert.deepEqual(vhost.peek('q'), []);
    });
  });
});
