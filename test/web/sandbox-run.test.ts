// POST /api/sandbox/run over real HTTP, on both brokers: a refused
// declaration stays local — it is listed with its reply code and a reason a
// page can translate, the rest of the topology runs, every message keeps its
// result — while POST /api/run keeps stopping at the first refusal, as the
// conformance cases record it.
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Broker } from '../../src/broker/broker.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import type { RunOutcome } from '../../src/engine/types.js';
import { RUN_LIMITS } from '../../src/limits.js';
import { createApp } from '../../src/web/app.js';
import { connected } from '../helpers/connected.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

const noRateLimit = { perSecond: 1e9, burst: 1e9 };

/** The tutorial's topic topology with a teacher's typos in it. */
const withTypos = {
  definitions: {
    exchanges: [
      { name: 'animals', type: 'topic' },
      { name: 'amq.mine', type: 'direct' }, // reserved prefix → 403
      { name: 'oops', type: 'topik' }, // unknown type → 503
    ],
    queues: [
      { name: 'Q1' },
      { name: 'Q2' },
      { name: 'short', arguments: { 'x-max-length': -1 } }, // → 406
    ],
    bindings: [
      { source: 'animals', destination: 'Q1', routing_key: '*.orange.*' },
      { source: 'animal', destination: 'Q2', routing_key: '*.*.rabbit' }, // meant: animals → 404
      { source: 'animals', destination: 'Q2', routing_key: 'lazy.#' },
      { source: 'animals', destination: 'short', routing_key: '#' }, // its queue was refused → 404
    ],
  },
  messages: [
    { exchange: 'animals', routing_key: 'quick.orange.rabbit', payload: 'a' },
    { exchange: 'animals', routing_key: 'lazy.pink.rabbit', payload: 'b' },
    { exchange: 'oops', routing_key: 'x', payload: 'c' }, // its exchange was refused → 404
    { exchange: 'animals', routing_key: 'lazy.orange.fox', payload: 'd' },
  ],
};

const brokers: { kind: string; make: (ctx: Mocha.Context) => Promise<Broker> }[] = [
  { kind: 'embedded', make: () => Promise.resolve(new EmbeddedBroker()) },
  { kind: 'rabbitmq', make: async (ctx) => new RabbitMqBroker(await connected(await requireRabbit(ctx))) },
];

for (const { kind, make } of brokers) {
  describe(`POST /api/sandbox/run on the ${kind} broker`, function () {
    this.timeout(60_000);
    let app: ReturnType<typeof createApp>;
    let outcome: RunOutcome;
    before(async function () {
      app = createApp({ broker: await make(this), rateLimit: noRateLimit });
      const res = await request(app).post('/api/sandbox/run').send(withTypos).expect(200);
      outcome = res.body;
    });

    it('lists every refused declaration with its code, its broker words and a translatable reason', () => {
      assert.equal(outcome.setup_error, null);
      assert.deepEqual(
        outcome.refusals!.map(({ kind, index, code, reason, params }) => ({ kind, index, code, reason, params })),
        [
          { kind: 'exchange', index: 1, code: 403, reason: 'reserved-name', params: { kind: 'exchange', name: 'amq.mine' } },
          { kind: 'exchange', index: 2, code: 503, reason: 'unknown-type', params: { type: 'topik' } },
          {
            kind: 'queue',
            index: 2,
            code: 406,
            reason: 'invalid-arg',
            params: { field: 'x-max-length', name: 'short', detail: '{value_negative,-1}', problem: 'value_negative', value: '-1' },
          },
          { kind: 'binding', index: 1, code: 404, reason: 'not-found', params: { kind: 'exchange', name: 'animal' } },
          { kind: 'binding', index: 3, code: 404, reason: 'not-found', params: { kind: 'queue', name: 'short' } },
        ],
      );
      // The broker's own words, with the run's private names translated back.
      assert.equal(outcome.refusals![3].message, "NOT_FOUND - no exchange 'animal' in vhost '/'");
    });

    it('runs the rest of the topology, and every message keeps its result', () => {
      assert.deepEqual(outcome.queues, { Q1: [0, 3], Q2: [1, 3] });
      assert.deepEqual(outcome.publish_errors, { 2: 404 });
      if (kind === 'rabbitmq') assert.deepEqual(outcome.prediction_mismatch, []);
    });

    it('leaves POST /api/run as the conformance cases record it: the first refusal ends the run', async () => {
      const res = await request(app).post('/api/run').send(withTypos).expect(200);
      assert.deepEqual(res.body, {
        setup_error: { code: 403, message: "ACCESS_REFUSED - exchange name 'amq.mine' contains reserved prefix 'amq.*'" },
        setup_error_at: { kind: 'exchange', index: 1 },
        ...(kind === 'rabbitmq' && { prediction_mismatch: [] }),
      });
    });

    it('refuses a list over the shared limits with a code the page can word', async () => {
      const queues = Array.from({ length: RUN_LIMITS.queues + 1 }, (_, i) => ({ name: `q${i}` }));
      for (const path of ['/api/sandbox/run', '/api/run']) {
        const res = await request(app).post(path).send({ definitions: { queues } }).expect(400);
        assert.equal(res.body.error.code, 'limit', path);
        assert.deepEqual(res.body.error.params, { what: 'queues', max: 500, count: 501 }, path);
        assert.equal(res.body.error.path, 'definitions.queues', path);
      }
    });
  });
}
