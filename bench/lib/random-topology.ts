// Seeded random topic bindings and routing keys: the same run after run, so
// figures are comparable between runs and the smoke test is reproducible.

/** mulberry32: a tiny deterministic PRNG (not for anything but test data). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Words as in the tutorials' keys (speed.colour.species, facility.severity).
const VOCABULARY = [
  'quick', 'lazy', 'slow', 'orange', 'brown', 'pink', 'white', 'rabbit', 'fox', 'elephant',
  'kern', 'cron', 'auth', 'mail', 'info', 'warning', 'error', 'critical', 'eu', 'us',
  'stock', 'nyse', 'nasdaq', 'usd', 'eur', 'order', 'created', 'paid', 'shipped', 'cancelled',
];

export interface RandomTopicOptions {
  /** Distinct words used (more words: fewer matches per key). */
  vocabulary?: number;
  /** Words per key: 1..maxWords. */
  maxWords?: number;
  /** Probability that a binding word is "*" / "#". */
  star?: number;
  hash?: number;
}

export class RandomTopics {
  private readonly words: string[];
  private readonly maxWords: number;
  private readonly star: number;
  private readonly hash: number;

  constructor(
    private readonly random: () => number,
    options: RandomTopicOptions = {},
  ) {
    const size = options.vocabulary ?? VOCABULARY.length;
    this.words = Array.from({ length: size }, (_, i) => VOCABULARY[i % VOCABULARY.length]! + (i >= VOCABULARY.length ? String(i) : ''));
    this.maxWords = options.maxWords ?? 4;
    this.star = options.star ?? 0.15;
    this.hash = options.hash ?? 0.07;
  }

  private word(): string {
    return this.words[Math.floor(this.random() * this.words.length)]!;
  }

  private length(): number {
    return 1 + Math.floor(this.random() * this.maxWords);
  }

  routingKey(): string {
    return Array.from({ length: this.length() }, () => this.word()).join('.');
  }

  bindingKey(): string {
    return Array.from({ length: this.length() }, () => {
      const r = this.random();
      return r < this.hash ? '#' : r < this.hash + this.star ? '*' : this.word();
    }).join('.');
  }
}

/** n bindings spread over `queues` queues ("q0".."q{queues-1}"). */
export function randomBindings(n: number, seed: number, queues = 100): { bindingKey: string; destination: string }[] {
  const topics = new RandomTopics(seededRandom(seed));
  return Array.from({ length: n }, (_, i) => ({ bindingKey: topics.bindingKey(), destination: `q${i % queues}` }));
}

export function randomRoutingKeys(n: number, seed: number): string[] {
  const topics = new RandomTopics(seededRandom(seed));
  return Array.from({ length: n }, () => topics.routingKey());
}
