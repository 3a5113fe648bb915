// refusalReason reads a refusal's reply text as a reason + parameters. The
// same table of declarations is refused by the engine and by RabbitMQ
// 3.10.8: both must read the same, or the page would word one broker's
// refusals and not the other's.
import assert from 'node:assert/strict';
import type { Broker } from '../../src/broker/broker.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { refusalReason } from '../../src/engine/refusal-reason.js';
import type { Definitions } from '../../src/engine/types.js';
import { connected } from '../helpers/connected.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

/** A declaration refused, and how the page is told why. */
const CASES: [string, Definitions, string, Record<string, string>][] = [
  [
    'a binding from a missing exchange',
    { queues: [{ name: 'q' }], bindings: [{ source: 'animal', destination: 'q' }] },
    'not-found',
    { kind: 'exchange', name: 'animal' },
  ],
  [
    'a binding to a missing queue',
    { exchanges: [{ name: 'x', type: 'direct' }], bindings: [{ source: 'x', destination: 'nope' }] },
    'not-found',
    { kind: 'queue', name: 'nope' },
  ],
  [
    'an exchange named amq.*',
    { exchanges: [{ name: 'amq.mine', type: 'direct' }] },
    'reserved-name',
    { kind: 'exchange', name: 'amq.mine' },
  ],
  ['a queue named amq.*', { queues: [{ name: 'amq.q' }] }, 'reserved-name', { kind: 'queue', name: 'amq.q' }],
  [
    'a binding from the default exchange',
    { queues: [{ name: 'q' }], bindings: [{ source: '', destination: 'q', routing_key: 'q' }] },
    'default-exchange',
    {},
  ],
  ['an unknown exchange type', { exchanges: [{ name: 'x', type: 'topik' }] }, 'unknown-type', { type: 'topik' }],
  [
    'an exchange redeclared with another type',
    {
      exchanges: [
        { name: 'x', type: 'direct' },
        { name: 'x', type: 'topic' },
      ],
    },
    'inequivalent-arg',
    { field: 'type', kind: 'exchange', name: 'x', received: 'topic', current: 'direct' },
  ],
  [
    'a queue redeclared with another length limit',
    {
      queues: [
        { name: 'q', arguments: { 'x-max-length': 2 } },
        { name: 'q', arguments: { 'x-max-length': 3 } },
      ],
    },
    'inequivalent-arg',
    { field: 'x-max-length', kind: 'queue', name: 'q', received: '3', current: '2' },
  ],
  [
    'an invalid x-match',
    {
      exchanges: [{ name: 'h', type: 'headers' }],
      queues: [{ name: 'q' }],
      bindings: [{ source: 'h', destination: 'q', arguments: { 'x-match': 'bogus' } }],
    },
    'x-match-value',
    { value: '"bogus"' },
  ],
  [
    'a negative x-max-length',
    { queues: [{ name: 'q', arguments: { 'x-max-length': -1 } }] },
    'invalid-arg',
    { field: 'x-max-length', name: 'q', detail: '{value_negative,-1}', problem: 'value_negative', value: '-1' },
  ],
  [
    'a non-durable quorum queue',
    { queues: [{ name: 'q', durable: false, arguments: { 'x-queue-type': 'quorum' } }] },
    'quorum-property',
    { property: 'non-durable', name: 'q' },
  ],
];

describe('refusalReason', () => {
  it('keeps the broker’s words for a text no rule knows', () => {
    assert.deepEqual(refusalReason({ message: 'NOT_ALLOWED - something new' }), {
      reason: 'other',
      params: { message: 'NOT_ALLOWED - something new' },
    });
  });

  const brokers: { kind: string; make: (ctx: Mocha.Context) => Promise<Broker> }[] = [
    { kind: 'the engine', make: () => Promise.resolve(new EmbeddedBroker()) },
    { kind: 'RabbitMQ', make: async (ctx) => new RabbitMqBroker(await connected(await requireRabbit(ctx))) },
  ];
  for (const { kind, make } of brokers) {
    describe(`reads ${kind}'s refusals`, function () {
      this.timeout(30_000);
      let broker: Broker;
      before(async function () {
        broker = await make(this);
      });
      for (const [what, definitions, reason, params] of CASES) {
        it(`of ${what} as ${reason}`, async () => {
          const outcome = await broker.run({ definitions, messages: [] }, { onRefusal: 'skip' });
          assert.equal(outcome.refusals?.length, 1, JSON.stringify(outcome.refusals));
          assert.deepEqual(
            { reason: outcome.refusals[0].reason, params: outcome.refusals[0].params },
            { reason, params },
            outcome.refusals[0].message,
          );
        });
      }
    });
  }
});
