// Random and mutated request bodies, from a seeded PRNG so a failure can be
// replayed: each body is a pure function of (seed, index).

// mulberry32, shared with the benchmarks' seeded topologies.
export { seededRandom as prng } from '../../tools/random.js';

const nasty = [
  '',
  ' ',
  '.',
  '#',
  '*',
  'amq.x',
  'amq.',
  '\u0000',
  '\r\n',
  'é',
  '😀',
  '\ud800',
  '<img src=x onerror=alert(1)>',
  'x'.repeat(256),
  'é'.repeat(128),
  '__proto__',
  'constructor',
  'toString',
  '1e309',
  '-0',
  'NaN',
];

export function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 3 ? 7 : 10));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return Math.floor(rand() * 2 ** 40) - 2 ** 39;
    case 3:
      return rand() * 1e6;
    case 4:
      return nasty[Math.floor(rand() * nasty.length)];
    case 5:
      return Math.random()
        .toString(36)
        .slice(2, 2 + Math.floor(rand() * 12));
    case 6:
      return [1e308, -1e308, 2 ** 63, -(2 ** 63), 0.1][Math.floor(rand() * 5)];
    case 7:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--) o[String(randomValue(rand, 4))] = randomValue(rand, depth + 1);
      return o;
    }
  }
}

/** Every path to a value inside a JSON document. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object')
    for (const k of Object.keys(value)) paths((value as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

/** One mutation of a valid body: replace, delete, duplicate or deepen a random part. */
export function mutate(body: unknown, rand: () => number): unknown {
  const copy = structuredClone(body);
  const all = paths(copy).filter((p) => p.length > 0);
  if (all.length === 0) return randomValue(rand);
  const path = all[Math.floor(rand() * all.length)];
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
  const key = path[path.length - 1];
  const kind = rand();
  if (kind < 0.45) parent[key] = randomValue(rand);
  else if (kind < 0.65) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (kind < 0.8) {
    // Deep nesting: a classic way to exhaust recursive code.
    let deep: unknown = parent[key];
    for (let i = 0; i < 200 + Math.floor(rand() * 2000); i++) deep = { a: deep };
    parent[key] = deep;
  } else if (kind < 0.9) {
    parent[key] = Array.isArray(parent[key]) ? [...parent[key], ...parent[key], ...parent[key]] : [parent[key]];
  } else {
    parent[key] = typeof parent[key] === 'string' ? parent[key].repeat(50) : String(parent[key]);
  }
  return copy;
}

/** Raw bodies that are not JSON documents at all (sent as application/json). */
export function brokenJson(rand: () => number, valid: string): string {
  const cut = Math.floor(rand() * valid.length);
  return [
    valid.slice(0, cut),
    valid.slice(0, cut) + '\u0000' + valid.slice(cut),
    '{"a":',
    '[',
    'nul',
    '"\\ud800"',
    valid + '}',
    '{"__proto__":{"x":1}}',
  ][Math.floor(rand() * 8)];
}
