// A topic key as words (docs/semantics.md §7), shared by the readable matcher
// (topic.ts) and the trie (topic-trie.ts).

/**
 * Splits on every "." (byte 0x2E). `""` is the only key with zero words; `"."`
 * has two empty words, and empty words are ordinary words.
 */
export function topicWords(key: string): string[] {
  // "" has zero words: it matches "#", not "*".
  return key === '' ? [] : key.split('.');
}
