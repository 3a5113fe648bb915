// fast-check arbitraries for random runs: topologies of every exchange type,
// exchange-to-exchange bindings, alternate exchanges, headers bindings with
// every x-match, CC/BCC, queue limits with every overflow mode, dead-lettering
// — drawn from small name pools so that names collide, keys match and queues
// fill up. Used by the differential test (embedded vs real RabbitMQ).
//
// Left out on purpose: anything whose result depends on timing (a TTL or an
// expiration other than 0, x-expires), since two brokers cannot agree on it.
import fc from 'fast-check';
import type { BindingDef, ExchangeDef, FieldTable, MessageSpec, QueueDef, RunRequest } from '../../src/engine/types.js';

const EXCHANGES = ['x1', 'x2', 'x3', 'x4'];
const PREDECLARED = ['amq.direct', 'amq.topic', 'amq.fanout', 'amq.headers', 'amq.match'];
const QUEUES = ['q1', 'q2', 'q3', 'q4'];
const KEYS = ['', 'a', 'b', 'a.b', 'b.a', 'a.b.c', 'a..b', '.', 'a.', '.a', 'a.b.c.d', 'q1', 'q2', 'q3'];
const PATTERNS = [...KEYS, '*', '#', 'a.*', '*.b', 'a.#', '#.b', '#.a.#', '*.*', '#.#', '*.#', '#.#.b', 'a.*.#', '*.*.*', '#.*'];
const HEADER_VALUES: FieldTable[string][] = [
  'v1',
  'v2',
  '1',
  '',
  1,
  2,
  0,
  -1,
  256,
  70000,
  2 ** 40,
  1.5,
  -0.25,
  true,
  false,
  { a: 1 },
  { a: '1' },
  [1, 'a'],
  [],
];
// Byte lengths matter (x-max-length-bytes counts body bytes): some are multi-byte.
const PAYLOADS = ['', 'a', 'abc', 'abcdef', 'abcdefghij', 'é', 'ééé', '😀'];

/** `arb` in about one draw out of `every`, else absent. */
function sometimes<T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** A record without its absent keys. */
function defined<T extends Record<string, unknown>>(record: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** Mostly one of `common`, now and then one of `rare`. */
function mostly<T>(common: readonly T[], rare: readonly T[], rareEvery = 10): fc.Arbitrary<T> {
  return fc.oneof({ weight: rareEvery - 1, arbitrary: fc.constantFrom(...common) }, { weight: 1, arbitrary: fc.constantFrom(...rare) });
}

const exchangeType = mostly(['direct', 'topic', 'fanout', 'headers'], ['weird'], 60);

const PREDECLARED_TYPE: Record<string, string> = {
  'amq.direct': 'direct',
  'amq.topic': 'topic',
  'amq.fanout': 'fanout',
  'amq.headers': 'headers',
  'amq.match': 'headers',
};

const exchangeDef: fc.Arbitrary<ExchangeDef> = fc
  .record({
    name: mostly(EXCHANGES, [...PREDECLARED, ''], 20),
    type: exchangeType,
    durable: mostly([false], [true], 12),
    auto_delete: mostly([false], [true], 12),
    internal: mostly([false], [true], 6),
    ae: sometimes(mostly([...EXCHANGES, 'amq.fanout'], ['nope', ''], 6), 4),
    sameTypeAsPredeclared: mostly([true], [false], 5),
  })
  .map(({ ae, sameTypeAsPredeclared, ...x }) => {
    const args: FieldTable = ae === undefined ? {} : { 'alternate-exchange': ae };
    const predeclaredType = PREDECLARED_TYPE[x.name];
    if (predeclaredType === undefined) return { ...x, arguments: args };
    // Redeclaring a predeclared exchange succeeds only with its own type and
    // flags (durable, §9): mostly so, so that such runs go on.
    return sameTypeAsPredeclared
      ? { ...x, type: predeclaredType, durable: true, auto_delete: false, internal: false, arguments: {} }
      : { ...x, durable: true, arguments: args };
  });

const queueArguments: fc.Arbitrary<FieldTable> = fc
  .record({
    'x-max-length': sometimes(fc.integer({ min: 0, max: 3 }), 2),
    'x-max-length-bytes': sometimes(fc.integer({ min: 0, max: 12 }), 6),
    'x-overflow': sometimes(fc.constantFrom('drop-head', 'reject-publish', 'reject-publish-dlx'), 3),
    'x-dead-letter-exchange': sometimes(mostly([...EXCHANGES, '', 'amq.fanout'], ['amq.direct', 'nope'], 6), 2),
    'x-dead-letter-routing-key': sometimes(fc.constantFrom(...KEYS), 4),
    // A dead-letter routing key without a DLX is a 406 (§13): kept rare.
    orphanRoutingKey: sometimes(fc.constant(true), 40),
    'x-max-priority': sometimes(fc.integer({ min: 0, max: 3 }), 8),
    'x-message-ttl': sometimes(fc.constant(0), 15),
    // Not compared on redeclaration, not validated: must change nothing.
    'x-foo': sometimes(fc.constantFrom<FieldTable[string]>(1, 'bar'), 10),
  })
  .map(({ orphanRoutingKey, ...args }) => {
    const out = defined(args) as FieldTable;
    if (out['x-dead-letter-exchange'] === undefined && !orphanRoutingKey) delete out['x-dead-letter-routing-key'];
    return out;
  });

const queueDef: fc.Arbitrary<QueueDef> = fc.record({
  name: mostly(QUEUES, ['amq.q', ''], 60),
  durable: mostly([false], [true], 20),
  arguments: fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 2, arbitrary: queueArguments }),
});

const headersBindingArguments: fc.Arbitrary<FieldTable> = fc
  .record({
    'x-match': fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: mostly(['all', 'any', 'all-with-x', 'any-with-x'], ['bogus'], 60) },
    ),
    h1: sometimes(fc.oneof(fc.constantFrom(...HEADER_VALUES), fc.constant(null)), 2),
    h2: sometimes(fc.constantFrom(...HEADER_VALUES), 3),
    'x-h': sometimes(fc.constantFrom(...HEADER_VALUES), 4),
  })
  .map((args) => defined(args) as FieldTable);

function bindingDef(exchanges: string[], queues: string[]): fc.Arbitrary<BindingDef> {
  const sources = [...exchanges, ...PREDECLARED];
  return fc
    .record({
      source: mostly(sources, ['nope', ''], 100),
      toExchange: mostly([false], [true], 4),
      queue: mostly(queues, ['nope'], 100),
      exchange: mostly(sources, ['nope'], 100),
      routing_key: fc.constantFrom(...PATTERNS),
      arguments: fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: headersBindingArguments }),
    })
    .map(({ toExchange, queue, exchange, ...b }) => ({
      ...b,
      destination: toExchange ? exchange : queue,
      destination_type: toExchange ? ('exchange' as const) : ('queue' as const),
    }));
}

const headers: fc.Arbitrary<FieldTable> = fc
  .record({
    h1: sometimes(fc.constantFrom(...HEADER_VALUES), 2),
    h2: sometimes(fc.constantFrom(...HEADER_VALUES), 3),
    'x-h': sometimes(fc.constantFrom(...HEADER_VALUES), 4),
    CC: sometimes(
      fc.oneof(
        { weight: 12, arbitrary: fc.array(fc.constantFrom(...KEYS), { maxLength: 2 }) },
        // Non-string elements are ignored (§1.7); a CC that is no array is a 406.
        { weight: 2, arbitrary: fc.array(fc.constantFrom<FieldTable[string]>('a', 'q1', 1, true, null), { maxLength: 3 }) },
        { weight: 1, arbitrary: fc.constant('a') },
      ),
      5,
    ),
    BCC: sometimes(fc.array(fc.constantFrom(...KEYS), { maxLength: 2 }), 7),
    // A client-supplied x-death takes part in dead-letter cycle detection (§13).
    'x-death': sometimes(
      fc.array(
        fc.record({ queue: fc.constantFrom(...QUEUES), reason: fc.constantFrom('expired', 'maxlen', 'rejected'), count: fc.constant(1) }),
        {
          minLength: 1,
          maxLength: 2,
        },
      ),
      15,
    ),
  })
  .map((h) => defined(h) as FieldTable);

function messageSpec(exchanges: string[], keys: string[]): fc.Arbitrary<MessageSpec> {
  return fc
    .record({
      exchange: mostly([...exchanges, ''], [...PREDECLARED, 'nope', 'amq.rabbitmq.trace'], 8),
      routing_key: fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom(...keys)),
      mandatory: fc.boolean(),
      payload: fc.constantFrom(...PAYLOADS),
      headers: sometimes(headers, 2),
      priority: sometimes(fc.integer({ min: 0, max: 4 }), 6),
      expiration: sometimes(fc.constant('0'), 15),
    })
    .map(({ headers: h, priority, expiration, ...m }) => ({
      ...m,
      properties: defined({ headers: h, priority, expiration }),
    }));
}

/**
 * Now and then the list declares one of its items a second time: identically,
 * or with other properties (RabbitMQ compares some of them: 406, §9/§13).
 */
function withRareDuplicate<T extends { name: string }>(list: fc.Arbitrary<T[]>, item: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.tuple(list, sometimes(fc.nat(), 10), fc.option(item, { freq: 2 })).map(([items, which, other]) => {
    if (which === undefined || items.length === 0) return items;
    const again = items[which % items.length];
    return [...items, other === null ? again : { ...other, name: again.name }];
  });
}

export const randomRun: fc.Arbitrary<RunRequest> = fc
  .record({
    exchanges: withRareDuplicate(fc.uniqueArray(exchangeDef, { maxLength: 4, selector: (x) => x.name }), exchangeDef),
    queues: withRareDuplicate(fc.uniqueArray(queueDef, { minLength: 1, maxLength: 4, selector: (q) => q.name }), queueDef),
  })
  .chain(({ exchanges, queues }) => {
    const exchangeNames = [...new Set(exchanges.map((x) => x.name).filter((n) => n !== ''))];
    const queueNames = [...new Set(queues.map((q) => q.name))];
    return fc.array(bindingDef(exchangeNames, queueNames), { maxLength: 8 }).chain((bindings) => {
      // Messages aim at the exchanges that have bindings, with the keys those
      // bindings use (wildcards included, as literal keys), so that they route.
      const bound = [...new Set(bindings.map((b) => b.source).filter((n) => n !== ''))];
      const targets = [...new Set([...exchangeNames, ...bound])];
      const keys = [...new Set([...bindings.map((b) => b.routing_key ?? ''), ...queueNames])];
      return fc.record({
        definitions: fc.constant({ exchanges, queues, bindings }),
        messages: fc.array(messageSpec(targets.length > 0 ? targets : ['amq.direct'], keys), { minLength: 1, maxLength: 8 }),
      });
    });
  });

/**
 * RabbitMQ does not order dead-lettered copies deterministically when two
 * queues dead-letter at once, or along a chain of dead-lettering queues
 * (docs/semantics.md §13, "Order is not guaranteed"): with two or more such queues, only the contents
 * of each queue are comparable, not their order.
 */
export function deadLetterOrderIsLoose(request: RunRequest): boolean {
  return (request.definitions.queues ?? []).filter((q) => q.arguments?.['x-dead-letter-exchange'] !== undefined).length >= 2;
}
