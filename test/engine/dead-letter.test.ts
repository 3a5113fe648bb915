// Dead-lettering (src/engine/dead-letter.ts through a VirtualHost): which keys
// the copy is routed with, the x-death header, the cycle rule, the DLX
// resolved at dead-letter time, and the delivery order the broker shows.
import assert from 'node:assert/strict';
import { eventsOf, publishMany, vhostWith } from './topology.js';
import type { FieldTable } from '../../src/engine/types.js';

describe('dead-lettering', () => {
  describe('routing keys of the dead-lettered copy', () => {
    const withDlx = (queueArgs: FieldTable) =>
      vhostWith({
        exchanges: [
          { name: 'x', type: 'direct' },
          { name: 'dlx', type: 'direct' },
        ],
        queues: [
          { name: 'q', arguments: { 'x-max-length': 0, 'x-dead-letter-exchange': 'dlx', ...queueArgs } },
          { name: 'rk' },
          { name: 'cc' },
          { name: 'bcc' },
          { name: 'dl' },
        ],
        bindings: [
          { source: 'x', destination: 'q', routing_key: 'k' },
          { source: 'dlx', destination: 'rk', routing_key: 'k' },
          { source: 'dlx', destination: 'cc', routing_key: 'c' },
          { source: 'dlx', destination: 'bcc', routing_key: 'b' },
          { source: 'dlx', destination: 'dl', routing_key: 'dead' },
        ],
      });
    const publish = { exchange: 'x', routing_key: 'k', properties: { headers: { CC: ['c'], BCC: ['b'] } } };

    it('keeps the original keys, BCC included, without a dead-letter routing key', () => {
      const vhost = withDlx({});
      const trace = vhost.publish(publish);
      assert.deepEqual(trace.dead_letters[0]?.routing_keys, ['k', 'c', 'b']);
      assert.deepEqual(
        ['rk', 'cc', 'bcc', 'dl'].map((q) => vhost.drain(q)),
        [[0], [0], [0], []],
      );
    });

    it('uses only x-dead-letter-routing-key when set, and removes the CC header', () => {
      const vhost = withDlx({ 'x-dead-letter-routing-key': 'dead' });
      const trace = vhost.publish(publish);
      assert.deepEqual(trace.dead_letters[0]?.routing_keys, ['dead']);
      assert.deepEqual(
        ['rk', 'cc', 'bcc', 'dl'].map((q) => vhost.drain(q)),
        [[], [], [], [0]],
      );
    });
  });

  describe('the copy itself', () => {
    it('records x-death (count, reason, queue, exchange, routing keys), x-first-death-*, and loses its expiration', () => {
      const vhost = vhostWith({
        exchanges: [
          { name: 'x', type: 'direct' },
          { name: 'dlx', type: 'fanout' },
        ],
        queues: [{ name: 'q', arguments: { 'x-message-ttl': 0, 'x-dead-letter-exchange': 'dlx' } }, { name: 'dead' }],
        bindings: [
          { source: 'x', destination: 'q', routing_key: 'k' },
          { source: 'dlx', destination: 'dead' },
        ],
      });
      vhost.publish({ exchange: 'x', routing_key: 'k', properties: { expiration: '5000', headers: { CC: ['c'], BCC: ['b'] } } });
      const got = vhost.get('dead');
      assert.ok(!('error' in got) && got.delivery);
      const { delivery } = got;
      assert.equal(delivery.exchange, 'dlx');
      assert.equal(delivery.properties.expiration, undefined);
      const headers = delivery.properties.headers!;
      assert.equal(headers['x-first-death-reason'], 'expired');
      assert.equal(headers['x-first-death-queue'], 'q');
      assert.equal(headers['x-first-death-exchange'], 'x');
      const [death] = headers['x-death'] as FieldTable[];
      assert.equal(death.count, 1);
      assert.equal(death.reason, 'expired');
      assert.equal(death.queue, 'q');
      assert.equal(death.exchange, 'x');
      assert.deepEqual(death['routing-keys'], ['k', 'c'], 'first key then CC keys; BCC excluded');
      assert.equal(death['original-expiration'], '5000');
    });

    it('can be routed on its x-death headers by a headers DLX', () => {
      const vhost = vhostWith({
        exchanges: [
          { name: 'x', type: 'direct' },
          { name: 'dlx', type: 'headers' },
        ],
        queues: [{ name: 'q', arguments: { 'x-max-length': 0, 'x-dead-letter-exchange': 'dlx' } }, { name: 'maxlen' }, { name: 'expired' }],
        bindings: [
          { source: 'x', destination: 'q', routing_key: 'k' },
          { source: 'dlx', destination: 'maxlen', arguments: { 'x-match': 'all-with-x', 'x-first-death-reason': 'maxlen' } },
          { source: 'dlx', destination: 'expired', arguments: { 'x-match': 'all-with-x', 'x-first-death-reason': 'expired' } },
        ],
      });
      vhost.publish({ exchange: 'x', routing_key: 'k' });
      assert.deepEqual([vhost.drain('maxlen'), vhost.drain('expired')], [[0], []]);
    });
  });

  describe('the dead-letter exchange', () => {
    it('is looked up at dead-letter time: missing, the message is dropped', () => {
      const vhost = vhostWith({
        exchanges: [{ name: 'x', type: 'direct' }],
        queues: [{ name: 'q', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'later' } }, { name: 'dead' }],
        bindings: [{ source: 'x', destination: 'q', routing_key: 'k' }],
      });
      const traces = publishMany(vhost, 'x', 'k', 2);
      assert.deepEqual(
        traces[1].queue_events.find((e) => e.kind === 'dead-letter-dropped'),
        {
          kind: 'dead-letter-dropped',
          queue: 'q',
          message: 0,
          why: 'missing-exchange',
        },
      );
      // Declared afterwards, it is used from then on.
      assert.equal(vhost.declareExchange({ name: 'later', type: 'fanout' }), null);
      assert.equal(vhost.bind({ source: 'later', destination: 'dead' }), null);
      vhost.publish({ exchange: 'x', routing_key: 'k' });
      assert.deepEqual(vhost.drain('dead'), [1]);
    });

    it('may be internal, and uses its alternate exchange', () => {
      const vhost = vhostWith({
        exchanges: [
          { name: 'x', type: 'direct' },
          { name: 'ae', type: 'fanout' },
          { name: 'dlx', type: 'direct', internal: true, arguments: { 'alternate-exchange': 'ae' } },
        ],
        queues: [{ name: 'q', arguments: { 'x-max-length': 0, 'x-dead-letter-exchange': 'dlx' } }, { name: 'dead' }],
        bindings: [
          { source: 'x', destination: 'q', routing_key: 'k' },
          { source: 'ae', destination: 'dead' },
        ],
      });
      const trace = vhost.publish({ exchange: 'x', routing_key: 'k' });
      assert.deepEqual(
        trace.dead_letters[0]?.hops.map((h) => [h.exchange, h.via]),
        [
          ['dlx', 'dead-letter'],
          ['ae', 'alternate-exchange'],
        ],
      );
      assert.deepEqual(vhost.drain('dead'), [0]);
    });

    it('may be the default exchange, with the routing key naming the queue', () => {
      const vhost = vhostWith({
        exchanges: [{ name: 'x', type: 'direct' }],
        queues: [
          { name: 'q', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'dead' } },
          { name: 'dead' },
        ],
        bindings: [{ source: 'x', destination: 'q', routing_key: 'k' }],
      });
      publishMany(vhost, 'x', 'k', 3);
      assert.deepEqual([vhost.drain('q'), vhost.drain('dead')], [[2], [0, 1]]);
    });
  });

  describe('the cycle rule', () => {
    it('drops a message dead-lettered back into its own queue by maxlen', () => {
      const vhost = vhostWith({
        exchanges: [
          { name: 'x', type: 'direct' },
          { name: 'dlx', type: 'fanout' },
        ],
        queues: [{ name: 'q', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'dlx' } }],
        bindings: [
          { source: 'x', destination: 'q', routing_key: 'k' },
          { source: 'dlx', destination: 'q' },
        ],
      });
      const traces = publishMany(vhost, 'x', 'k', 2);
      assert.deepEqual(
        traces[1].queue_events.find((e) => e.kind === 'dead-letter-dropped'),
        {
          kind: 'dead-letter-dropped',
          queue: 'q',
          message: 0,
          why: 'cycle',
          target_queue: 'q',
        },
      );
      assert.deepEqual(vhost.drain('q'), [1]);
    });

    it('stops a cycle between two queues at the queue the message already died in', () => {
      const vhost = vhostWith({
        exchanges: [
          { name: 'x', type: 'direct' },
          { name: 'd1', type: 'fanout' },
          { name: 'd2', type: 'fanout' },
        ],
        queues: [
          { name: 'q1', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'd1' } },
          { name: 'q2', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'd2' } },
        ],
        bindings: [
          { source: 'x', destination: 'q1', routing_key: 'k' },
          { source: 'd1', destination: 'q2' },
          { source: 'd2', destination: 'q1' },
        ],
      });
      publishMany(vhost, 'x', 'k', 4);
      assert.deepEqual([vhost.drain('q1'), vhost.drain('q2')], [[3], [2]]);
    });

    it('lets a rejected message go round through the DLX into the same queue', () => {
      const vhost = vhostWith({
        exchanges: [{ name: 'dlx', type: 'fanout' }],
        queues: [{ name: 'q', arguments: { 'x-dead-letter-exchange': 'dlx' } }],
        bindings: [{ source: 'dlx', destination: 'q' }],
      });
      vhost.publish({ exchange: '', routing_key: 'q' });
      for (let round = 1; round <= 3; round++) {
        const got = vhost.get('q');
        assert.ok(!('error' in got) && got.delivery, `round ${round}: the message is back`);
        const nacked = vhost.nack(got.delivery.delivery_tag, { requeue: false });
        assert.ok(!('error' in nacked));
        assert.deepEqual(eventsOf(nacked.events, 'dead-lettered'), ['q:0']);
      }
      const got = vhost.get('q');
      assert.ok(!('error' in got) && got.delivery);
      assert.equal((got.delivery.properties.headers!['x-death'] as FieldTable[])[0].count, 3);
    });
  });

  describe('order of deliveries', () => {
    it('delivers a publish to all its queues before routing the dead-letters it caused', () => {
      // Recorded on RabbitMQ 3.10.8 ("dead queue also bound directly (interleaving)").
      const vhost = vhostWith({
        exchanges: [
          { name: 'x', type: 'fanout' },
          { name: 'dlx', type: 'fanout' },
        ],
        queues: [{ name: 'q', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'dlx' } }, { name: 'dead' }],
        bindings: [
          { source: 'x', destination: 'q' },
          { source: 'x', destination: 'dead' },
          { source: 'dlx', destination: 'dead' },
        ],
      });
      publishMany(vhost, 'x', 'k', 4);
      assert.deepEqual(vhost.drain('dead'), [0, 1, 0, 2, 1, 3, 2]);
    });

    it('follows a chain of capped queues q1 → q2 → q3', () => {
      const vhost = vhostWith({
        exchanges: [
          { name: 'x', type: 'direct' },
          { name: 'd1', type: 'fanout' },
          { name: 'd2', type: 'fanout' },
        ],
        queues: [
          { name: 'q1', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'd1' } },
          { name: 'q2', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'd2' } },
          { name: 'q3' },
        ],
        bindings: [
          { source: 'x', destination: 'q1', routing_key: 'k' },
          { source: 'd1', destination: 'q2' },
          { source: 'd2', destination: 'q3' },
        ],
      });
      const traces = publishMany(vhost, 'x', 'k', 5);
      assert.deepEqual([vhost.drain('q1'), vhost.drain('q2'), vhost.drain('q3')], [[4], [3], [0, 1, 2]]);
      assert.deepEqual(
        traces[2].dead_letters.map((d) => `${d.from_queue}:${d.message}→${d.queues.join(',')}`),
        ['q1:1→q2', 'q2:0→q3'],
      );
    });
  });
});
