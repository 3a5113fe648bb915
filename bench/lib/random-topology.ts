// Seeded random topic bindings and routing keys: the same run after run, so
// figures are comparable between runs and the smoke test is reproducible.
//
// The shape imitates real topic keys, "region.service.event" (tutorial 5's
// "speed.colour.species"): 3 words, the first from 10 values, the second from
// 100, the third from 1,000, and one key in ten with a 4th word. Bindings are
// mostly specific, with some "*" and "#": a binding matches about 0.1 % of
// keys. That keeps the number of queues a route reaches small (≈ 10 at
// 10,000 bindings); if it grew with the bindings, no index could route faster
// than it writes its answer, and the figure would measure the answer's size.

import { seededRandom } from '../../tools/random.js';

export { seededRandom };

/** Per position: how many distinct words, their prefix, and the chance a binding has "*" there. */
const POSITIONS = [
  { words: 10, prefix: 'region', star: 0.05 },
  { words: 100, prefix: 'service', star: 0.1 },
  { words: 1000, prefix: 'event', star: 0.1 },
  { words: 10, prefix: 'detail', star: 0.1 },
] as const;
/** Chance that a binding ends with "#" after its first two words ("region3.service42.#"). */
const HASH_TAIL = 0.02;
/** Chance that a key (and a binding) has the 4th word. */
const FOURTH_WORD = 0.1;

export class RandomTopics {
  constructor(private readonly random: () => number) {}

  private word(position: number): string {
    const p = POSITIONS[position];
    return `${p.prefix}${Math.floor(this.random() * p.words)}`;
  }

  private length(): number {
    return this.random() < FOURTH_WORD ? 4 : 3;
  }

  routingKey(): string {
    return Array.from({ length: this.length() }, (_, i) => this.word(i)).join('.');
  }

  bindingKey(): string {
    const words: string[] = [];
    const length = this.length();
    for (let i = 0; i < length; i++) {
      if (i >= 2 && this.random() < HASH_TAIL) {
        words.push('#'); // zero or more words: also matches the 4-word keys
        break;
      }
      words.push(this.random() < POSITIONS[i].star ? '*' : this.word(i));
    }
    return words.join('.');
  }
}

/** n bindings spread over up to `queues` queues ("q0".."q{queues-1}"). */
export function randomBindings(n: number, seed: number, queues = 1000): { bindingKey: string; destination: string }[] {
  const topics = new RandomTopics(seededRandom(seed));
  return Array.from({ length: n }, (_, i) => ({ bindingKey: topics.bindingKey(), destination: `q${i % queues}` }));
}

export function randomRoutingKeys(n: number, seed: number): string[] {
  const topics = new RandomTopics(seededRandom(seed));
  return Array.from({ length: n }, () => topics.routingKey());
}
