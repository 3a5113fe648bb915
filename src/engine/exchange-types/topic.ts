// Topic exchange (§7). A key is a list of words separated by dots; in a
// binding key, a whole word `*` stands for exactly one word and a whole word
// `#` for zero or more. Everything else is compared byte for byte.
//
// This file is the lesson: `topicMatch` is the reference matcher (the same
// few lines RabbitMQ keeps in its test suite as the oracle for its trie), and
// `explainTopic` walks the same recursion while recording which key words
// each pattern word consumed. The fast index (./topic-trie.ts) is checked
// against `topicMatch` by a property test.
import type { TopicAttempt } from '../types.js';
import type { ExchangeTypeModule } from './exchange-type.js';
import { TopicTrie } from './topic-trie.js';
import { topicWords } from './topic-words.js';

export { topicWords };

/** Does the pattern (binding key words) match the key (routing key words)? */
export function topicMatch(pattern: readonly string[], key: readonly string[]): boolean {
  // Remembering dead ends keeps patterns like "#.#.#.x" polynomial on long keys.
  const deadEnds = new Set<number>();
  const match = (p: number, k: number): boolean => {
    if (p === pattern.length) return k === key.length; // pattern used up: so must the key be
    const state = p * (key.length + 1) + k;
    if (deadEnds.has(state)) return false;
    const word = pattern[p];
    const ok =
      word === '#'
        ? match(p + 1, k) || (k < key.length && match(p, k + 1)) // # takes zero words, or one more
        : k < key.length && (word === '*' || word === key[k]) && match(p + 1, k + 1); // * takes exactly one
    if (!ok) deadEnds.add(state);
    return ok;
  };
  return match(0, 0);
}

type Step = { pattern_word: string; key_words: string[] };

/**
 * One routing key tried against one binding key, word by word. On success the
 * alignment says what each pattern word consumed (`#` as few words as
 * possible, like the matcher). On failure it is the attempt that got furthest
 * through the pattern, with where and why it stopped.
 */
export function explainTopic(bindingKey: string, routingKey: string): TopicAttempt {
  const pattern = topicWords(bindingKey);
  const key = topicWords(routingKey);
  const path: Step[] = [];
  const deadEnds = new Set<number>();
  let best: Pick<TopicAttempt, 'alignment' | 'failed_at'> | undefined;

  const fail = (p: number, k: number, code: FailCode): false => {
    const at = best?.failed_at;
    if (!at || p > at.pattern_index || (p === at.pattern_index && k > at.key_index)) {
      best = {
        alignment: path.map((step) => ({ pattern_word: step.pattern_word, key_words: [...step.key_words] })),
        failed_at: { pattern_index: p, key_index: k, code },
      };
    }
    return false;
  };

  const walk = (p: number, k: number): boolean => {
    if (p === pattern.length) {
      if (k === key.length) return true;
      return fail(p, k, 'key-too-long');
    }
    const state = p * (key.length + 1) + k;
    if (deadEnds.has(state)) return false;
    const word = pattern[p];
    let ok: boolean;
    if (word === '#') {
      // "#" first takes zero words, then one more at a time.
      const step: Step = { pattern_word: '#', key_words: [] };
      path.push(step);
      ok = false;
      for (let end = k; end <= key.length && !ok; end++) {
        step.key_words = key.slice(k, end);
        ok = walk(p + 1, end);
      }
      if (!ok) path.pop();
    } else if (k === key.length) {
      ok = fail(p, k, 'key-ended');
    } else if (word !== '*' && word !== key[k]) {
      ok = fail(p, k, 'word-differs');
    } else {
      path.push({ pattern_word: word, key_words: [key[k]] });
      ok = walk(p + 1, k + 1);
      if (!ok) path.pop();
    }
    if (!ok) deadEnds.add(state);
    return ok;
  };

  const matched = walk(0, 0);
  const base = { routing_key: routingKey, matched, pattern_words: pattern, key_words: key };
  if (matched) return { ...base, alignment: path };
  return { ...base, alignment: best?.alignment ?? [], ...(best?.failed_at ? { failed_at: best.failed_at } : {}) };
}

export type FailCode = 'word-differs' | 'key-ended' | 'key-too-long';

export const topic: ExchangeTypeModule = {
  name: 'topic',
  validateBinding: () => null,
  compile: (bindingKey) => ({ topicWords: topicWords(bindingKey) }),
  explain(binding, message) {
    // Each routing key (RK, then CC and BCC keys) is tried on its own (§3).
    const attempts = message.routingKeys.map((rk) => explainTopic(binding.bindingKey, rk));
    const hit = attempts.find((a) => a.matched);
    return {
      matched: hit !== undefined,
      ...(hit ? { matched_routing_key: hit.routing_key } : {}),
      detail: { kind: 'topic', attempts },
    };
  },
  createIndex: () => new TopicTrie(),
};
