// Declarations and bindings (src/engine/declare.ts, queue-arguments.ts through
// a VirtualHost): every refusal with RabbitMQ 3.10.8's code and wording (each
// message below was read from the local broker), and what is accepted.
import assert from 'node:assert/strict';
import type { ExchangeDef, FieldTable, QueueDef } from '../../src/engine/types.js';
import { VirtualHost } from '../../src/engine/virtual-host.js';

const messageOf = (error: { message: string } | null | undefined) => error?.message ?? null;

function queueError(vhost: VirtualHost, def: QueueDef): string | null {
  const result = vhost.declareQueue(def);
  return 'error' in result ? result.error.message : null;
}

describe('declarations', () => {
  describe('predeclared exchanges', () => {
    it('has "", amq.direct, amq.topic, amq.fanout, amq.headers, amq.match and the internal amq.rabbitmq.trace', () => {
      const vhost = new VirtualHost();
      const listed = [...vhost.exchanges.values()].map((x) => [x.name, x.type.name, x.durable, x.internal]);
      assert.deepEqual(listed, [
        ['', 'direct', true, false],
        ['amq.direct', 'direct', true, false],
        ['amq.topic', 'topic', true, false],
        ['amq.fanout', 'fanout', true, false],
        ['amq.headers', 'headers', true, false],
        ['amq.match', 'headers', true, false],
        ['amq.rabbitmq.trace', 'topic', true, true],
      ]);
    });

    it('accepts redeclaring amq.direct as it is (durable), refuses it non-durable', () => {
      const vhost = new VirtualHost();
      assert.equal(vhost.declareExchange({ name: 'amq.direct', type: 'direct', durable: true }), null);
      assert.equal(
        messageOf(vhost.declareExchange({ name: 'amq.direct', type: 'direct' })),
        "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'amq.direct' in vhost '/': received 'false' but current is 'true'",
      );
    });
  });

  describe('exchange.declare', () => {
    const refusals: [string, ExchangeDef, number, string][] = [
      ['an unknown type', { name: 'x', type: 'weird' }, 503, "COMMAND_INVALID - unknown exchange type 'weird'"],
      ['a type in the wrong case', { name: 'x', type: 'Direct' }, 503, "COMMAND_INVALID - unknown exchange type 'Direct'"],
      [
        'a plugin type that is not enabled',
        { name: 'x', type: 'x-consistent-hash' },
        503,
        "COMMAND_INVALID - unknown exchange type 'x-consistent-hash'",
      ],
      ['the default exchange', { name: '', type: 'direct' }, 403, 'ACCESS_REFUSED - operation not permitted on the default exchange'],
      [
        'a new amq. name',
        { name: 'amq.foo', type: 'direct' },
        403,
        "ACCESS_REFUSED - exchange name 'amq.foo' contains reserved prefix 'amq.*'",
      ],
      [
        'amq.default (an ordinary missing name over AMQP)',
        { name: 'amq.default', type: 'direct' },
        403,
        "ACCESS_REFUSED - exchange name 'amq.default' contains reserved prefix 'amq.*'",
      ],
      [
        'an alternate-exchange that is not a string',
        { name: 'x', type: 'direct', arguments: { 'alternate-exchange': 5 } },
        406,
        "PRECONDITION_FAILED - invalid type 'byte' for arg 'alternate-exchange' in exchange 'x' in vhost '/'",
      ],
    ];
    for (const [what, def, code, message] of refusals) {
      it(`refuses ${what} with ${code}`, () => {
        const error = new VirtualHost().declareExchange(def);
        assert.equal(error?.code, code);
        assert.equal(error?.message, message);
      });
    }

    it('checks the type before the name, even for ""', () => {
      assert.equal(new VirtualHost().declareExchange({ name: '', type: 'weird' })?.code, 503);
    });

    it('allows names that only look reserved: AMQ.custom and amqx.custom', () => {
      const vhost = new VirtualHost();
      assert.equal(vhost.declareExchange({ name: 'AMQ.custom', type: 'direct' }), null);
      assert.equal(vhost.declareExchange({ name: 'amqx.custom', type: 'direct' }), null);
    });

    describe('redeclaring', () => {
      const existing = () => {
        const vhost = new VirtualHost();
        assert.equal(vhost.declareExchange({ name: 'x', type: 'direct' }), null);
        assert.equal(vhost.declareExchange({ name: 'xae', type: 'direct', arguments: { 'alternate-exchange': 'ae1' } }), null);
        return vhost;
      };
      const cases: [string, ExchangeDef, string | null][] = [
        ['identically', { name: 'x', type: 'direct' }, null],
        [
          'with another type',
          { name: 'x', type: 'topic' },
          "inequivalent arg 'type' for exchange 'x' in vhost '/': received 'topic' but current is 'direct'",
        ],
        [
          'with another durable',
          { name: 'x', type: 'direct', durable: true },
          "inequivalent arg 'durable' for exchange 'x' in vhost '/': received 'true' but current is 'false'",
        ],
        [
          'with another auto_delete',
          { name: 'x', type: 'direct', auto_delete: true },
          "inequivalent arg 'auto_delete' for exchange 'x' in vhost '/': received 'true' but current is 'false'",
        ],
        [
          'with another internal',
          { name: 'x', type: 'direct', internal: true },
          "inequivalent arg 'internal' for exchange 'x' in vhost '/': received 'true' but current is 'false'",
        ],
        [
          'with another alternate-exchange',
          { name: 'xae', type: 'direct', arguments: { 'alternate-exchange': 'ae2' } },
          "inequivalent arg 'alternate-exchange' for exchange 'xae' in vhost '/': received 'ae2' but current is 'ae1'",
        ],
        [
          'adding an alternate-exchange',
          { name: 'x', type: 'direct', arguments: { 'alternate-exchange': 'ae2' } },
          "inequivalent arg 'alternate-exchange' for exchange 'x' in vhost '/': received the value 'ae2' of type 'longstr' but current is none",
        ],
        [
          'dropping the alternate-exchange',
          { name: 'xae', type: 'direct' },
          "inequivalent arg 'alternate-exchange' for exchange 'xae' in vhost '/': received none but current is the value 'ae1' of type 'longstr'",
        ],
        ['with another custom argument (ignored)', { name: 'x', type: 'direct', arguments: { 'x-foo': 1 } }, null],
      ];
      for (const [how, def, message] of cases) {
        it(`${message ? 'refuses' : 'accepts'} redeclaring ${how}`, () => {
          assert.equal(messageOf(existing().declareExchange(def)), message && `PRECONDITION_FAILED - ${message}`);
        });
      }
    });

    it('strips CR and LF from the name', () => {
      const vhost = new VirtualHost();
      assert.equal(vhost.declareExchange({ name: 'm.cr\nlf', type: 'fanout' }), null);
      assert.ok(vhost.exchange('m.crlf'));
    });

    it('answers a passive declare with 404 for a missing exchange, ignoring the type', () => {
      const vhost = new VirtualHost();
      assert.equal(
        messageOf(vhost.declareExchange({ name: 'nope', type: 'direct' }, { passive: true })),
        "NOT_FOUND - no exchange 'nope' in vhost '/'",
      );
      assert.equal(vhost.declareExchange({ name: 'amq.topic', type: 'direct' }, { passive: true }), null);
    });
  });

  describe('queue.declare', () => {
    const refusals: [string, FieldTable | undefined, string][] = [
      ['x-max-length -1', { 'x-max-length': -1 }, "invalid arg 'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}"],
      [
        'x-max-length as a string',
        { 'x-max-length': 'abc' },
        `invalid arg 'x-max-length' for queue 'q' in vhost '/': "expected integer, got longstr"`,
      ],
      [
        'x-max-length as a bool',
        { 'x-max-length': true },
        `invalid arg 'x-max-length' for queue 'q' in vhost '/': "expected integer, got bool"`,
      ],
      [
        'x-max-length-bytes as a fraction',
        { 'x-max-length-bytes': 1.5 },
        `invalid arg 'x-max-length-bytes' for queue 'q' in vhost '/': "expected integer, got double"`,
      ],
      ['x-overflow "bogus"', { 'x-overflow': 'bogus' }, "invalid arg 'x-overflow' for queue 'q' in vhost '/': invalid_overflow"],
      ['x-overflow as a number', { 'x-overflow': 1 }, "invalid arg 'x-overflow' for queue 'q' in vhost '/': {unacceptable_type,byte}"],
      [
        'x-dead-letter-routing-key without a DLX',
        { 'x-dead-letter-routing-key': 'k' },
        "invalid arg 'x-dead-letter-routing-key' for queue 'q' in vhost '/': routing_key_but_no_dlx_defined",
      ],
      [
        'x-dead-letter-exchange as a number',
        { 'x-dead-letter-exchange': 5 },
        "invalid type 'byte' for arg 'x-dead-letter-exchange' in queue 'q' in vhost '/'",
      ],
      [
        'x-max-priority 300',
        { 'x-max-priority': 300 },
        "invalid arg 'x-max-priority' for queue 'q' in vhost '/': {max_value_exceeded,300}",
      ],
      ['x-message-ttl -1', { 'x-message-ttl': -1 }, "invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_negative,-1}"],
      [
        'x-message-ttl over ten years',
        { 'x-message-ttl': 315360000001 },
        "invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_too_large,315360000001}",
      ],
      ['x-expires 0', { 'x-expires': 0 }, "invalid arg 'x-expires' for queue 'q' in vhost '/': {value_zero,0}"],
      [
        'x-queue-mode "bogus"',
        { 'x-queue-mode': 'bogus' },
        `invalid arg 'x-queue-mode' for queue 'q' in vhost '/': "unsupported queue mode 'bogus'"`,
      ],
      [
        'x-queue-type "bogus"',
        { 'x-queue-type': 'bogus' },
        `invalid arg 'x-queue-type' for queue 'q' in vhost '/': "unsupported queue type 'bogus'"`,
      ],
      [
        'x-single-active-consumer as a string',
        { 'x-single-active-consumer': 'yes' },
        "invalid arg 'x-single-active-consumer' for queue 'q' in vhost '/': {unacceptable_type,longstr}",
      ],
      ['a non-durable quorum queue', { 'x-queue-type': 'quorum' }, "invalid property 'non-durable' for queue 'q' in vhost '/'"],
    ];
    for (const [what, args, message] of refusals) {
      it(`refuses ${what} with 406`, () => {
        assert.equal(queueError(new VirtualHost(), { name: 'q', arguments: args }), `PRECONDITION_FAILED - ${message}`);
      });
    }

    it('refuses amq. names with 403, also amq.gen- ones', () => {
      assert.equal(
        queueError(new VirtualHost(), { name: 'amq.q' }),
        "ACCESS_REFUSED - queue name 'amq.q' contains reserved prefix 'amq.*'",
      );
      assert.equal(
        queueError(new VirtualHost(), { name: 'amq.gen-abc' }),
        "ACCESS_REFUSED - queue name 'amq.gen-abc' contains reserved prefix 'amq.*'",
      );
    });

    it('names a queue declared as "" itself (amq.gen-…)', () => {
      const result = new VirtualHost().declareQueue({ name: '' });
      assert.ok(!('error' in result));
      assert.match(result.queue, /^amq\.gen-/);
    });

    it('accepts a durable quorum queue, refuses one with x-max-priority', () => {
      assert.equal(queueError(new VirtualHost(), { name: 'q', durable: true, arguments: { 'x-queue-type': 'quorum' } }), null);
      assert.equal(
        queueError(new VirtualHost(), { name: 'q', durable: true, arguments: { 'x-queue-type': 'quorum', 'x-max-priority': 5 } }),
        "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/' of queue type rabbit_quorum_queue",
      );
    });

    describe('redeclaring', () => {
      const existing = () => {
        const vhost = new VirtualHost();
        assert.equal(queueError(vhost, { name: 'q', arguments: { 'x-max-length': 1 } }), null);
        return vhost;
      };
      const cases: [string, QueueDef, string | null][] = [
        ['identically', { name: 'q', arguments: { 'x-max-length': 1 } }, null],
        ['with another custom argument (ignored)', { name: 'q', arguments: { 'x-max-length': 1, foo: 1 } }, null],
        ['with x-queue-type classic (the default)', { name: 'q', arguments: { 'x-max-length': 1, 'x-queue-type': 'classic' } }, null],
        [
          'with another x-max-length',
          { name: 'q', arguments: { 'x-max-length': 2 } },
          "inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received '2' but current is '1'",
        ],
        [
          'without its x-max-length',
          { name: 'q', arguments: {} },
          "inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received none but current is the value '1' of type 'byte'",
        ],
        [
          'with x-max-length as a string',
          { name: 'q', arguments: { 'x-max-length': '1' } },
          "inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received '1' but current is '1'",
        ],
        [
          'durable',
          { name: 'q', durable: true, arguments: { 'x-max-length': 1 } },
          "inequivalent arg 'durable' for queue 'q' in vhost '/': received 'true' but current is 'false'",
        ],
        [
          'auto-delete',
          { name: 'q', auto_delete: true, arguments: { 'x-max-length': 1 } },
          "inequivalent arg 'auto_delete' for queue 'q' in vhost '/': received 'true' but current is 'false'",
        ],
      ];
      for (const [how, def, message] of cases) {
        it(`${message ? 'refuses' : 'accepts'} redeclaring ${how}`, () => {
          assert.equal(queueError(existing(), def), message && `PRECONDITION_FAILED - ${message}`);
        });
      }
    });
  });

  describe('queue.bind and exchange.bind', () => {
    const topology = () => {
      const vhost = new VirtualHost();
      vhost.declareExchange({ name: 'x', type: 'direct' });
      vhost.declareExchange({ name: 'h', type: 'headers' });
      vhost.declareQueue({ name: 'q' });
      return vhost;
    };

    it('answers 404 naming the missing queue', () => {
      assert.equal(messageOf(topology().bind({ source: 'x', destination: 'nope' })), "NOT_FOUND - no queue 'nope' in vhost '/'");
    });
    it('answers 404 naming the source exchange when both are missing', () => {
      assert.equal(messageOf(topology().bind({ source: 'nox', destination: 'noq' })), "NOT_FOUND - no exchange 'nox' in vhost '/'");
    });
    it('answers 404 naming a missing destination exchange', () => {
      assert.equal(
        messageOf(topology().bind({ source: 'x', destination: 'nox', destination_type: 'exchange' })),
        "NOT_FOUND - no exchange 'nox' in vhost '/'",
      );
    });
    it('refuses the default exchange as source or destination with 403', () => {
      const refused = 'ACCESS_REFUSED - operation not permitted on the default exchange';
      assert.equal(messageOf(topology().bind({ source: '', destination: 'q', routing_key: 'q' })), refused);
      assert.equal(messageOf(topology().bind({ source: 'x', destination: '', destination_type: 'exchange' })), refused);
    });
    it('validates x-match only on a headers source', () => {
      assert.equal(topology().bind({ source: 'x', destination: 'q', arguments: { 'x-match': 'bogus' } }), null);
      assert.equal(topology().bind({ source: 'h', destination: 'q', arguments: { 'x-match': 'bogus' } })?.code, 406);
    });
    it('treats bindings with the same arguments in another order as one binding', () => {
      const vhost = topology();
      assert.equal(vhost.bind({ source: 'x', destination: 'q', routing_key: 'k', arguments: { a: 1, b: 2 } }), null);
      assert.equal(vhost.bind({ source: 'x', destination: 'q', routing_key: 'k', arguments: { b: 2, a: 1 } }), null);
      assert.equal(vhost.exchange('x')!.bindings.length, 1);
      assert.equal(vhost.unbind({ source: 'x', destination: 'q', routing_key: 'k', arguments: { b: 2, a: 1 } }), null);
      assert.equal(vhost.exchange('x')!.bindings.length, 0);
    });
    it('unbinds leniently: a missing binding, queue or exchange is fine', () => {
      const vhost = topology();
      assert.equal(vhost.unbind({ source: 'x', destination: 'q', routing_key: 'never' }), null);
      assert.equal(vhost.unbind({ source: 'nox', destination: 'noq' }), null);
    });
    it('binds to the most recently declared queue when the queue name is "" (and the key too)', () => {
      const vhost = topology();
      assert.equal(vhost.bind({ source: 'x', destination: '' }), null);
      assert.deepEqual(
        vhost.exchange('x')!.bindings.map((b) => [b.destination, b.bindingKey]),
        [['q', 'q']],
      );
      assert.equal(
        messageOf(new VirtualHost().bind({ source: 'amq.direct', destination: '' })),
        'NOT_FOUND - no previously declared queue',
      );
    });
  });

  describe('deleting', () => {
    it('refuses to delete "" and amq.* exchanges, and accepts deleting a missing one', () => {
      const vhost = new VirtualHost();
      assert.equal(vhost.deleteExchange('')?.code, 403);
      assert.equal(
        messageOf(vhost.deleteExchange('amq.direct')),
        "ACCESS_REFUSED - deletion of system exchange 'amq.direct' in vhost '/' not allowed",
      );
      assert.equal(vhost.deleteExchange('never-declared'), null);
    });

    it('removes the bindings of a deleted queue, and an auto-delete exchange left with none', () => {
      const vhost = new VirtualHost();
      vhost.declareExchange({ name: 'ad', type: 'fanout', auto_delete: true });
      vhost.declareQueue({ name: 'q' });
      vhost.bind({ source: 'ad', destination: 'q' });
      vhost.deleteQueue('q');
      assert.equal(vhost.exchange('ad'), undefined);
    });

    it('keeps an auto-delete exchange that was never bound', () => {
      const vhost = new VirtualHost();
      vhost.declareExchange({ name: 'ad', type: 'fanout', auto_delete: true });
      assert.ok(vhost.exchange('ad'));
    });
  });
});
