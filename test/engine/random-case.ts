// Seeded random runs for the differential test: small topologies of every
// exchange type with exchange bindings, alternate and dead-letter exchanges,
// length limits and priorities, and messages with headers, CC/BCC and
// priorities. Left out on purpose, because RabbitMQ itself is not
// deterministic there (§13): per-message TTLs (an expired message behind a
// live head leaves during the drain, racing the drain of other queues).
import type { FieldTable, RunRequest } from '../../src/engine/types.js';

/** mulberry32: a tiny deterministic PRNG. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomRun(seed: number): RunRequest {
  const random = seeded(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)];
  const chance = (p: number) => random() < p;
  const xs = ['x0', 'x1', 'x2', 'x3'].slice(0, 1 + Math.floor(random() * 4));
  const qs = ['q0', 'q1', 'q2', 'q3'].slice(0, 1 + Math.floor(random() * 4));
  const words = (vocabulary: string[]) => Array.from({ length: Math.floor(random() * 3) }, () => pick(vocabulary)).join('.');

  const exchanges = xs.map((name) => {
    const args: FieldTable = {};
    if (chance(0.25)) args['alternate-exchange'] = pick([...xs, 'amq.fanout', 'missing']);
    return { name, type: pick(['direct', 'topic', 'fanout', 'headers']), internal: chance(0.1), arguments: args };
  });
  const queues = qs.map((name) => {
    const args: FieldTable = {};
    if (chance(0.5)) args['x-max-length'] = Math.floor(random() * 3);
    if (chance(0.2)) args['x-max-length-bytes'] = Math.floor(random() * 6);
    if (chance(0.4)) args['x-overflow'] = pick(['drop-head', 'reject-publish', 'reject-publish-dlx']);
    if (chance(0.5)) args['x-dead-letter-exchange'] = pick([...xs, '', 'missing']);
    if (args['x-dead-letter-exchange'] !== undefined && chance(0.4)) args['x-dead-letter-routing-key'] = pick([...qs, 'a', 'b']);
    if (chance(0.15)) args['x-message-ttl'] = 0;
    if (chance(0.2)) args['x-max-priority'] = 2;
    return { name, arguments: args };
  });
  const bindings = Array.from({ length: Math.floor(random() * 10) }, () => {
    const toExchange = chance(0.3);
    const args: FieldTable = {};
    if (chance(0.4)) args['x-match'] = pick(['all', 'any', 'all-with-x', 'any-with-x']);
    if (chance(0.5)) args[pick(['h', 'k', 'x-h'])] = pick([1, 'a', null, true]);
    return {
      source: pick(xs),
      destination: toExchange ? pick(xs) : pick(qs),
      destination_type: toExchange ? ('exchange' as const) : ('queue' as const),
      routing_key: words(['a', 'b', '*', '#', '']),
      arguments: args,
    };
  });
  const messages = Array.from({ length: 1 + Math.floor(random() * 10) }, (_, m) => {
    const headers: FieldTable = {};
    if (chance(0.4)) headers[pick(['h', 'k', 'x-h'])] = pick([1, 'a', null, true, 1.5]);
    if (chance(0.2)) headers.CC = [words(['a', 'b', '']), ...(chance(0.3) ? [pick(qs)] : [])];
    if (chance(0.1)) headers.BCC = [pick(qs)];
    return {
      exchange: chance(0.15) ? pick(['', 'amq.direct', 'missing']) : pick(xs),
      routing_key: chance(0.2) ? pick(qs) : words(['a', 'b', '']),
      properties: chance(0.2) ? { headers, priority: Math.floor(random() * 4) } : { headers },
      payload: 'p'.repeat(Math.floor(random() * 4)) + m,
      mandatory: chance(0.5),
    };
  });
  return { name: `random run ${seed}`, definitions: { exchanges, queues, bindings }, messages };
}
