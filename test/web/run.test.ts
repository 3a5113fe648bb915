// POST /api/run over real HTTP (supertest), on both brokers: outcomes with
// traces, 400s that name the field, limits, refusals as outcomes, 503 when
// RabbitMQ is away.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import type { Broker } from '../../src/broker/broker.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import type { MessageTrace, RunOutcome } from '../../src/engine/types.js';
import { createApp } from '../../src/web/app.js';
import { RUN_LIMITS } from '../../src/limits.js';
import { conformanceDir } from '../helpers/conformance.js';
import { mutate, prng } from '../helpers/fuzz.js';
import { connected } from '../helpers/connected.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { TUTORIAL_KEYS, tutorial5Run as tutorial5 } from '../helpers/tutorial5.js';

const noRateLimit = { perSecond: 1e9, burst: 1e9 };

/** A table of `levels` nested tables, the outermost included: {a: {a: … {a: 1}}}. */
function nested(levels: number): Record<string, unknown> {
  let table: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < levels; i++) table = { a: table };
  return table;
}

const keys = TUTORIAL_KEYS.map(([key]) => key);

const brokers: { kind: string; make: (ctx: Mocha.Context) => Promise<Broker> }[] = [
  { kind: 'embedded', make: async () => new EmbeddedBroker() },
  { kind: 'rabbitmq', make: async (ctx) => new RabbitMqBroker(await connected(await requireRabbit(ctx))) },
];

for (const { kind, make } of brokers) {
  describe(`POST /api/run on the ${kind} broker`, function () {
    this.timeout(30_000);
    let app: ReturnType<typeof createApp>;
    before(async function () {
      app = createApp({ broker: await make(this), rateLimit: noRateLimit });
    });

    const post = (body: unknown) =>
      request(app)
        .post('/api/run')
        .send(body as object);

    describe('the tutorial 5 topic exchange', () => {
      let outcome: RunOutcome;
      before(async () => {
        const res = await post(tutorial5).expect(200);
        outcome = res.body;
      });

      it('delivers each key to the queues whose patterns match it', () => {
        assert.deepEqual(outcome.setup_error, null);
        assert.deepEqual(outcome.queues, { Q1: [0, 1, 2], Q2: [0, 1, 3, 4, 8] });
        assert.deepEqual(outcome.returned, [5, 6, 7]);
        assert.deepEqual(outcome.publish_errors, {});
      });

      it('delivers lazy.pink.rabbit to Q2 once', () => {
        const lazyPinkRabbit = keys.indexOf('lazy.pink.rabbit');
        assert.equal(outcome.queues!.Q2.filter((i) => i === lazyPinkRabbit).length, 1);
      });

      it('traces lazy.pink.rabbit through both matching Q2 bindings', () => {
        const trace: MessageTrace = outcome.traces![keys.indexOf('lazy.pink.rabbit')];
        const matched = trace.hops[0].bindings.filter((b) => b.matched).map((b) => `${b.destination} ${b.binding_key}`);
        assert.deepEqual(matched.sort(), ['Q2 *.*.rabbit', 'Q2 lazy.#']);
        assert.deepEqual(trace.routed_to, ['Q2']);
      });

      if (kind === 'rabbitmq') {
        it('finds the engine’s prediction in agreement with the broker', () => {
          assert.deepEqual(outcome.prediction_mismatch, []);
        });
      }
    });

    it('answers a refused declaration with 200 and the broker’s words, in the user’s names', async () => {
      const res = await post({ definitions: { queues: [{ name: 'q' }], bindings: [{ source: 'nope', destination: 'q' }] } }).expect(200);
      assert.deepEqual(res.body.setup_error, { code: 404, message: "NOT_FOUND - no exchange 'nope' in vhost '/'" });
      assert.equal(res.body.queues, undefined);
    });

    it('answers an unknown exchange type with the 503 outcome, and the next run works', async () => {
      const res = await post({ definitions: { exchanges: [{ name: 'w', type: 'weird' }] } }).expect(200);
      assert.deepEqual(res.body.setup_error, { code: 503, message: "COMMAND_INVALID - unknown exchange type 'weird'" });
      const next = await post(tutorial5).expect(200);
      assert.deepEqual(next.body.queues.Q1, [0, 1, 2]);
    });

    describe('malformed bodies', () => {
      const cases: [string, unknown, string][] = [
        [
          'a binding key that is not a string',
          {
            definitions: {
              bindings: [
                { source: 'x', destination: 'q' },
                { source: 'x', destination: 'q' },
                { source: 'x', destination: 'q', routing_key: 5 },
              ],
            },
          },
          'definitions.bindings[2].routing_key',
        ],
        ['an exchange without a type', { definitions: { exchanges: [{ name: 'x' }] } }, 'definitions.exchanges[0].type'],
        [
          'a destination_type that is neither queue nor exchange',
          { definitions: { bindings: [{ source: 'x', destination: 'q', destination_type: 'topic' }] } },
          'definitions.bindings[0].destination_type',
        ],
        ['messages that are not a list', { messages: 'hello' }, 'messages'],
        ['a message without an exchange', { messages: [{ routing_key: 'k' }] }, 'messages[0].exchange'],
        ['a durable flag that is a string', { definitions: { queues: [{ name: 'q', durable: 'yes' }] } }, 'definitions.queues[0].durable'],
        [
          'amqplib’s typed-value trapdoor in a header',
          { messages: [{ exchange: 'x', properties: { headers: { t: { '!': 'timestamp', value: 1 } } } }] },
          'messages[0].properties.headers.t.!',
        ],
        [
          'a typed value hidden in an argument list',
          { definitions: { queues: [{ name: 'q', arguments: { a: [1, { '!': 'decimal' }] } }] } },
          'definitions.queues[0].arguments.a[1].!',
        ],
        [
          'a number amqplib cannot encode',
          { messages: [{ exchange: 'x', properties: { headers: { n: -1e300 } } }] },
          'messages[0].properties.headers.n',
        ],
        ['a lone surrogate in a routing key', { messages: [{ exchange: 'x', routing_key: 'a\ud800' }] }, 'messages[0].routing_key'],
        ['an unknown message property', { messages: [{ exchange: 'x', properties: { colour: 'red' } }] }, 'messages[0].properties'],
        ['a user_id property', { messages: [{ exchange: 'x', properties: { user_id: 'guest' } }] }, 'messages[0].properties.user_id'],
        ['a priority above 255', { messages: [{ exchange: 'x', properties: { priority: 256 } }] }, 'messages[0].properties.priority'],
      ];
      for (const [what, body, path] of cases) {
        it(`refuses ${what} with 400 naming ${path}`, async () => {
          const res = await post(body).expect(400);
          assert.equal(res.body.error.path, path);
          assert.ok(res.body.error.message.startsWith(`${path}: `), res.body.error.message);
        });
      }

      it('refuses a body that is not JSON with 400', async () => {
        const res = await request(app).post('/api/run').set('content-type', 'application/json').send('{"definitions":').expect(400);
        assert.match(res.body.error.message, /not valid JSON/);
      });

      it('refuses a body that is a list with 400', async () => {
        const res = await post([]).expect(400);
        assert.match(res.body.error.message, /must be an object, not a list/);
      });

      it('accepts an exported definitions file with keys it does not use', async () => {
        const res = await post({
          definitions: {
            rabbit_version: '3.10.8',
            users: [],
            vhosts: [{ name: '/' }],
            policies: [],
            exchanges: [{ name: 'x', vhost: '/', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} }],
            queues: [{ name: 'q', vhost: '/', durable: true, auto_delete: false, arguments: {} }],
            bindings: [{ source: 'x', vhost: '/', destination: 'q', destination_type: 'queue', routing_key: '', arguments: {} }],
          },
          messages: [{ exchange: 'x' }],
        }).expect(200);
        assert.deepEqual(res.body.queues, { q: [0] });
      });
    });

    describe('limits', () => {
      const L = RUN_LIMITS;
      const many = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
      const cases: [string, unknown, string, RegExp][] = [
        [
          `${L.exchanges + 1} exchanges`,
          { definitions: { exchanges: many(L.exchanges + 1, (i) => ({ name: `x${i}`, type: 'direct' })) } },
          'definitions.exchanges',
          new RegExp(`at most ${L.exchanges} exchanges`),
        ],
        [
          `${L.queues + 1} queues`,
          { definitions: { queues: many(L.queues + 1, (i) => ({ name: `q${i}` })) } },
          'definitions.queues',
          new RegExp(`at most ${L.queues} queues`),
        ],
        [
          `${L.bindings + 1} bindings`,
          { definitions: { bindings: many(L.bindings + 1, () => ({ source: 'x', destination: 'q' })) } },
          'definitions.bindings',
          new RegExp(`at most ${L.bindings} bindings`),
        ],
        [
          `${L.messages + 1} messages`,
          { messages: many(L.messages + 1, () => ({ exchange: '' })) },
          'messages',
          new RegExp(`at most ${L.messages} messages`),
        ],
        [
          'a payload over 64 KiB',
          { messages: [{ exchange: '', payload: 'x'.repeat(L.payloadBytes + 1) }] },
          'messages[0].payload',
          /at most 65,536 bytes/,
        ],
        [
          'a queue name over 255 bytes',
          { definitions: { queues: [{ name: 'é'.repeat(128) }] } },
          'definitions.queues[0].name',
          /at most 255 bytes/,
        ],
        [
          'a binding key over 255 bytes',
          { definitions: { bindings: [{ source: 'x', destination: 'q', routing_key: 'k'.repeat(256) }] } },
          'definitions.bindings[0].routing_key',
          /at most 255 bytes/,
        ],
        [
          'a header table over 16 KiB',
          { messages: [{ exchange: '', properties: { headers: { big: 'x'.repeat(L.tableBytes) } } }] },
          'messages[0].properties.headers',
          /at most 16,384 bytes/,
        ],
        [
          'headers nested 9 levels deep',
          { messages: [{ exchange: '', properties: { headers: nested(9) } }] },
          `messages[0].properties.headers${'.a'.repeat(8)}`,
          /deeper than 8/,
        ],
      ];
      for (const [what, body, path, message] of cases) {
        it(`refuses ${what} with 400 naming the limit`, async () => {
          const res = await post(body).expect(400);
          assert.equal(res.body.error.path, path);
          assert.match(res.body.error.message, message);
        });
      }

      it('accepts a run at every limit at once', async function () {
        this.timeout(60_000);
        const body = {
          definitions: {
            exchanges: many(L.exchanges, (i) => ({ name: `x${i}`, type: 'fanout' })),
            queues: many(L.queues, (i) => ({ name: `q${i}` })),
            // x_j is bound to 4 different queues: q_floor(j/4), q_floor((j+50)/4), …
            bindings: many(L.bindings, (i) => ({
              source: `x${i % L.exchanges}`,
              destination: `q${Math.floor(i / 4)}`,
              routing_key: `k${i}`,
            })),
          },
          messages: many(L.messages, (i) => ({ exchange: `x${i % L.exchanges}`, payload: 'p' })),
        };
        const res = await post(body).expect(200);
        const total = Object.values(res.body.queues as Record<string, number[]>).reduce((n, l) => n + l.length, 0);
        assert.equal(total, L.messages * (L.bindings / L.exchanges));
      });

      it('accepts headers nested 8 levels deep', async () => {
        const res = await post({ messages: [{ exchange: '', properties: { headers: nested(8) } }] }).expect(200);
        assert.equal(res.body.setup_error, null);
      });
    });
  });
}

describe('POST /api/run on RabbitMQ with mutated bodies', function () {
  this.timeout(120_000);
  const TOTAL = Number(process.env.RABBIT_FUZZ_BODIES ?? 200);
  const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

  it(`answers ${TOTAL} mutated conformance bodies without a 5xx, keeping its one connection`, async function () {
    const connection = await connected(await requireRabbit(this));
    const app = createApp({ broker: new RabbitMqBroker(connection), rateLimit: noRateLimit });
    const dir = path.join(conformanceDir(), 'cases');
    const seeds = readdirSync(dir).flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown[]);
    const model = connection.current();
    const rand = prng(SEED);
    for (let i = 0; i < TOTAL; i++) {
      const body = mutate(seeds[Math.floor(rand() * seeds.length)], rand);
      const res = await request(app)
        .post('/api/run')
        .send(body as object);
      assert.ok(res.status === 200 || res.status === 400, `body ${i} (seed ${SEED}) answered ${res.status} ${JSON.stringify(res.body)}`);
      // An unknown exchange type, an over-long name… must never reach RabbitMQ and close the connection.
      assert.equal(connection.current(), model, `body ${i} (seed ${SEED}) cost the AMQP connection`);
    }
  });
});

describe('POST /api/run when RabbitMQ is away', () => {
  it('answers 503 with a message saying so', async () => {
    const app = createApp({ broker: new RabbitMqBroker(new AmqpConnection('amqp://guest:guest@127.0.0.1:1')), rateLimit: noRateLimit });
    const res = await request(app).post('/api/run').send(tutorial5).expect(503);
    assert.match(res.body.error.message, /not reachable/);
  });
});
