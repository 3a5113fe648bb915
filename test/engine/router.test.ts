// The router (src/engine/router.ts) through a VirtualHost: §2 graph walk,
// §3 routing keys (CC/BCC), §4 default exchange, §11 alternate exchanges,
// the trace of every hop, and the fast path agreeing with the traced one.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { routeOnly, routeTraced } from '../../src/engine/router.js';
import type { BindingDef, ExchangeDef, FieldTable, MessageTrace } from '../../src/engine/types.js';
import { VirtualHost } from '../../src/engine/virtual-host.js';

function setup(exchanges: ExchangeDef[], queues: string[], bindings: BindingDef[]): VirtualHost {
  const vhost = new VirtualHost();
  for (const x of exchanges) assert.equal(vhost.declareExchange(x), null);
  for (const q of queues) assert.ok(!('error' in vhost.declareQueue({ name: q })));
  for (const b of bindings) assert.equal(vhost.bind(b), null);
  return vhost;
}

const enqueued = (t: MessageTrace) => t.queue_events.filter((e) => e.kind === 'enqueued').map((e) => e.queue);

describe('router', () => {
  describe('tutorial 5 (topic exchange "animals")', () => {
    const animals = () =>
      setup(
        [{ name: 'animals', type: 'topic' }],
        ['Q1', 'Q2'],
        [
          { source: 'animals', destination: 'Q1', routing_key: '*.orange.*' },
          { source: 'animals', destination: 'Q2', routing_key: '*.*.rabbit' },
          { source: 'animals', destination: 'Q2', routing_key: 'lazy.#' },
        ],
      );

    it('delivers lazy.pink.rabbit to Q2 once, with both of its bindings matched in the trace', () => {
      const vhost = animals();
      const trace = vhost.publish({ exchange: 'animals', routing_key: 'lazy.pink.rabbit' });
      assert.deepEqual(trace.routed_to, ['Q2']);
      assert.deepEqual(enqueued(trace), ['Q2']);
      const matched = trace.hops[0].bindings.filter((b) => b.matched).map((b) => `${b.destination} ${b.binding_key}`);
      assert.deepEqual(matched, ['Q2 *.*.rabbit', 'Q2 lazy.#']);
      assert.ok(trace.queue_events.some((e) => e.kind === 'duplicate-ignored' && e.queue === 'Q2' && e.paths === 2));
      assert.deepEqual(vhost.drain('Q2'), [0]);
    });

    it('delivers quick.orange.new.rabbit nowhere and returns it when mandatory', () => {
      const trace = animals().publish({ exchange: 'animals', routing_key: 'quick.orange.new.rabbit', mandatory: true });
      assert.deepEqual(trace.routed_to, []);
      assert.equal(trace.returned, true);
      assert.ok(trace.hops[0].bindings.every((b) => !b.matched));
    });

    it('delivers lazy to Q2: "#" may take no word', () => {
      assert.deepEqual(animals().publish({ exchange: 'animals', routing_key: 'lazy' }).routed_to, ['Q2']);
    });

    it('delivers quick.orange.rabbit to both queues', () => {
      assert.deepEqual(animals().publish({ exchange: 'animals', routing_key: 'quick.orange.rabbit' }).routed_to, ['Q1', 'Q2']);
    });
  });

  describe('routing keys: RK + CC + BCC (§1.7, §3)', () => {
    const direct = () =>
      setup(
        [
          { name: 'd', type: 'direct' },
          { name: 'h', type: 'headers' },
        ],
        ['a', 'b', 'c', 'hc', 'hb'],
        [
          { source: 'd', destination: 'a', routing_key: 'ka' },
          { source: 'd', destination: 'b', routing_key: 'kb' },
          { source: 'd', destination: 'c', routing_key: 'kc' },
          { source: 'h', destination: 'hc', arguments: { CC: null } },
          { source: 'h', destination: 'hb', arguments: { BCC: null } },
        ],
      );

    it('routes with every CC and BCC key as well as the routing key', () => {
      const trace = direct().publish({ exchange: 'd', routing_key: 'ka', properties: { headers: { CC: ['kb'], BCC: ['kc'] } } });
      assert.deepEqual(trace.routing_keys, ['ka', 'kb', 'kc']);
      assert.deepEqual(trace.routed_to.sort(), ['a', 'b', 'c']);
    });

    it('ignores CC elements that are not strings', () => {
      const trace = direct().publish({ exchange: 'd', routing_key: 'zz', properties: { headers: { CC: [1, 'kb', null] } } });
      assert.deepEqual(trace.routing_keys, ['zz', 'kb']);
      assert.deepEqual(trace.routed_to, ['b']);
    });

    it('strips BCC from the headers, so a headers exchange sees CC but not BCC', () => {
      const vhost = direct();
      assert.deepEqual(vhost.publish({ exchange: 'h', properties: { headers: { CC: ['x'] } } }).routed_to, ['hc']);
      assert.deepEqual(vhost.publish({ exchange: 'h', properties: { headers: { BCC: ['x'] } } }).routed_to, []);
      vhost.publish({ exchange: 'd', routing_key: 'ka', properties: { headers: { BCC: ['kb'] } } });
      const got = vhost.get('b');
      assert.ok(!('error' in got));
      assert.deepEqual(got.delivery?.properties.headers, {});
    });

    it('refuses a CC header that is not an array with 406, naming its type', () => {
      const trace = direct().publish({ exchange: 'd', routing_key: 'ka', properties: { headers: { CC: 'kb' } } });
      assert.deepEqual(trace.error, {
        code: 406,
        text: 'PRECONDITION_FAILED',
        message: 'PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,"CC",longstr}',
      });
      assert.equal(
        direct().publish({ exchange: 'd', properties: { headers: { BCC: 5 } } }).error?.message,
        'PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,"BCC",byte}',
      );
    });
  });

  describe('default exchange "" (§4)', () => {
    it('sends each key to the queue of that name, once, and reports missing ones', () => {
      const vhost = setup([], ['q1', 'q2'], []);
      const trace = vhost.publish({ exchange: '', routing_key: 'q1', properties: { headers: { CC: ['q2', 'q1', 'nope'] } } });
      assert.deepEqual(trace.routed_to, ['q1', 'q2']);
      assert.deepEqual(trace.default_exchange, [
        { queue: 'nope', exists: false },
        { queue: 'q1', exists: true },
        { queue: 'q2', exists: true },
      ]);
      assert.ok(trace.queue_events.some((e) => e.kind === 'missing-queue' && e.queue === 'nope'));
      assert.deepEqual([vhost.drain('q1'), vhost.drain('q2')], [[0], [0]]);
    });
  });

  describe('exchange-to-exchange bindings and cycles (§2)', () => {
    it('follows a chain, keeping the routing key at every hop', () => {
      const vhost = setup(
        [
          { name: 't', type: 'topic' },
          { name: 'd', type: 'direct' },
        ],
        ['q'],
        [
          { source: 't', destination: 'd', destination_type: 'exchange', routing_key: 'a.*' },
          { source: 'd', destination: 'q', routing_key: 'a.b' },
        ],
      );
      const trace = vhost.publish({ exchange: 't', routing_key: 'a.b' });
      assert.deepEqual(trace.routed_to, ['q']);
      assert.deepEqual(
        trace.hops.map((h) => [h.exchange, h.via, h.from]),
        [
          ['t', 'publish', undefined],
          ['d', 'exchange-binding', 't'],
        ],
      );
      assert.deepEqual(vhost.publish({ exchange: 't', routing_key: 'a.c' }).routed_to, []);
    });

    it('evaluates each exchange once in a cycle and delivers one copy per queue', () => {
      const vhost = setup(
        [
          { name: 'x1', type: 'fanout' },
          { name: 'x2', type: 'fanout' },
        ],
        ['q'],
        [
          { source: 'x1', destination: 'x2', destination_type: 'exchange' },
          { source: 'x2', destination: 'x1', destination_type: 'exchange' },
          { source: 'x1', destination: 'q' },
          { source: 'x2', destination: 'q' },
        ],
      );
      const trace = vhost.publish({ exchange: 'x1' });
      assert.deepEqual(
        trace.hops.map((h) => h.exchange),
        ['x1', 'x2'],
      );
      assert.deepEqual(trace.hops[1].skipped_exchanges, ['x1']);
      assert.deepEqual(enqueued(trace), ['q']);
      assert.deepEqual(vhost.drain('q'), [0]);
    });
  });

  describe('alternate exchanges (§11)', () => {
    const withAe = (extra: BindingDef[] = []) =>
      setup(
        [
          { name: 'ae', type: 'fanout' },
          { name: 'x', type: 'direct', arguments: { 'alternate-exchange': 'ae' } },
          { name: 'dead-end', type: 'direct' },
        ],
        ['q', 'qae'],
        [{ source: 'x', destination: 'q', routing_key: 'k' }, { source: 'ae', destination: 'qae' }, ...extra],
      );

    it('hands an unroutable message to the alternate exchange', () => {
      const trace = withAe().publish({ exchange: 'x', routing_key: 'other', mandatory: true });
      assert.deepEqual(trace.routed_to, ['qae']);
      assert.equal(trace.returned, false);
      assert.deepEqual(trace.hops[0].alternate_exchange, { name: 'ae', exists: true, already_visited: false });
      assert.deepEqual(trace.hops[1].via, 'alternate-exchange');
    });

    it('does not use it when a binding matched', () => {
      assert.deepEqual(withAe().publish({ exchange: 'x', routing_key: 'k' }).routed_to, ['q']);
    });

    it('does not use it when the only match is an exchange binding to an exchange that routes nowhere', () => {
      const vhost = withAe([{ source: 'x', destination: 'dead-end', destination_type: 'exchange', routing_key: 'e' }]);
      const trace = vhost.publish({ exchange: 'x', routing_key: 'e', mandatory: true });
      assert.deepEqual(trace.routed_to, []);
      assert.equal(trace.returned, true);
    });

    it('reports a missing alternate exchange and returns the message', () => {
      const vhost = setup([{ name: 'x', type: 'direct', arguments: { 'alternate-exchange': 'nope' } }], [], []);
      const trace = vhost.publish({ exchange: 'x', routing_key: 'k', mandatory: true });
      assert.deepEqual(trace.hops[0].alternate_exchange, { name: 'nope', exists: false, already_visited: false });
      assert.equal(trace.returned, true);
    });

    it('stops an alternate-exchange loop and returns the message', () => {
      const vhost = setup(
        [
          { name: 'l1', type: 'direct', arguments: { 'alternate-exchange': 'l2' } },
          { name: 'l2', type: 'direct', arguments: { 'alternate-exchange': 'l1' } },
        ],
        [],
        [],
      );
      const trace = vhost.publish({ exchange: 'l1', routing_key: 'k', mandatory: true });
      assert.deepEqual(
        trace.hops.map((h) => h.exchange),
        ['l1', 'l2'],
      );
      assert.deepEqual(trace.hops[1].alternate_exchange, { name: 'l1', exists: true, already_visited: true });
      assert.equal(trace.returned, true);
    });
  });

  describe('publish errors (§1)', () => {
    it('answers 404 for a missing exchange, looked up with its exact bytes', () => {
      const vhost = setup([{ name: 'logs', type: 'fanout' }], [], []);
      assert.equal(vhost.publish({ exchange: 'lo\ngs' }).error?.message, "NOT_FOUND - no exchange 'lo\ngs' in vhost '/'");
      assert.equal(vhost.declareExchange({ name: 'lo\ngs', type: 'fanout' }), null, 'declare strips CR/LF: same exchange');
    });

    it('answers 403 for an internal exchange', () => {
      const trace = new VirtualHost().publish({ exchange: 'amq.rabbitmq.trace', routing_key: 'k' });
      assert.equal(trace.error?.message, "ACCESS_REFUSED - cannot publish to internal exchange 'amq.rabbitmq.trace' in vhost '/'");
    });

    it('answers 406 for an expiration that is not a whole number of ms', () => {
      const vhost = new VirtualHost();
      assert.equal(
        vhost.publish({ exchange: '', properties: { expiration: 'abc' } }).error?.message,
        "PRECONDITION_FAILED - invalid expiration 'abc': no_integer",
      );
      assert.equal(
        vhost.publish({ exchange: '', properties: { expiration: '-1' } }).error?.message,
        "PRECONDITION_FAILED - invalid expiration '-1': {value_negative,-1}",
      );
      assert.equal(
        vhost.publish({ exchange: '', properties: { expiration: '5x' } }).error?.message,
        `PRECONDITION_FAILED - invalid expiration '5x': {leftover_string,"x"}`,
      );
    });
  });

  describe('the fast path', () => {
    const word = fc.constantFrom('a', 'b', '*', '#');
    const key = fc.array(word, { maxLength: 3 }).map((w) => w.join('.'));
    const names = ['x0', 'x1', 'x2', 'x3'];
    const types = fc.constantFrom('direct', 'topic', 'fanout', 'headers');
    const topology = fc.record({
      exchanges: fc.tuple(types, types, types, types),
      alternates: fc.array(fc.option(fc.constantFrom(...names, 'missing'), { nil: undefined }), { minLength: 4, maxLength: 4 }),
      bindings: fc.array(
        fc.record({
          source: fc.constantFrom(...names),
          destination: fc.constantFrom(...names, 'q0', 'q1', 'q2'),
          routing_key: key,
          arguments: fc.constantFrom<FieldTable>({}, { a: 1 }, { 'x-match': 'any', a: 1, b: 'x' }),
        }),
        { maxLength: 14 },
      ),
    });

    it('reaches the same queues as the traced walk, for random topologies', () => {
      fc.assert(
        fc.property(
          topology,
          fc.constantFrom(...names),
          key,
          fc.constantFrom<FieldTable | undefined>(undefined, { a: 1 }, { b: 'x' }),
          (t, start, rk, headers) => {
            const vhost = new VirtualHost();
            names.forEach((name, i) => {
              const ae = t.alternates[i];
              vhost.declareExchange({ name, type: t.exchanges[i], arguments: ae ? { 'alternate-exchange': ae } : {} });
            });
            for (const q of ['q0', 'q1', 'q2']) vhost.declareQueue({ name: q });
            for (const b of t.bindings) {
              vhost.bind({ ...b, destination_type: b.destination.startsWith('q') ? 'queue' : 'exchange' });
            }
            const message = { routingKeys: [rk], headers };
            const exchange = vhost.exchange(start)!;
            const fast = routeOnly(vhost, exchange, message);
            const traced = routeTraced(vhost, exchange, message);
            assert.deepEqual([...fast].sort(), [...traced.queues].sort());
            assert.deepEqual(vhost.routeOnly(start, rk, headers).sort(), [...fast].sort());
          },
        ),
        { numRuns: 1500 },
      );
    });
  });
});
