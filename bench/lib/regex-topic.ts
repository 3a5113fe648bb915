// The baseline for topic routing: one regular expression per binding, tried
// one after another — what a hand-rolled router usually does. It is EXACT per
// docs/semantics.md §7, so the engine is compared with a correct matcher, not a
// fast wrong one (the common `*`→`[^.]+`, `#`→`.*` translation is wrong on
// empty words and on "#" next to dots).
//
// The trick: match against the key with a "." written BEFORE every word, so
// each word is "\.[^.]*" and word boundaries are never ambiguous:
//   words("a.b") = ["a","b"]  → ".a.b"
//   words("a..b")             → ".a..b"  (3 words, the middle one empty)
//   words("")  = []           → ""       ("" has zero words: only "#"s and "" match it)
//   words(".") = ["",""]      → ".."
// Then a pattern word becomes:
//   literal w → "\." + escape(w)      (exactly that word)
//   "*"       → "\.[^.]*"             (exactly one word, possibly empty)
//   "#"       → "(?:\.[^.]*)*"        (zero or more words: absorbs its dots with its words)
// and the binding key "" (zero words) becomes "^$".

/** Zero words for "", otherwise one word per dot plus one (§7 split_topic_key). */
export function topicWords(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

/** The key as the regexes see it: every word preceded by a dot. */
export function dottedKey(routingKey: string): string {
  return routingKey === '' ? '' : `.${routingKey}`;
}

const escape = (word: string): string => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function topicRegex(bindingKey: string): RegExp {
  const parts = topicWords(bindingKey).map((w) => (w === '#' ? '(?:\\.[^.]*)*' : w === '*' ? '\\.[^.]*' : `\\.${escape(w)}`));
  // Byte-wise semantics: "u" off, so "." in a key is only ever the 0x2E byte
  // and non-ASCII words are compared code unit by code unit (UTF-8 never
  // contains 0x2E inside a multibyte sequence).
  return new RegExp(`^${parts.join('')}$`);
}

export function regexTopicMatches(bindingKey: string, routingKey: string): boolean {
  return topicRegex(bindingKey).test(dottedKey(routingKey));
}

export interface TopicBinding {
  bindingKey: string;
  destination: string;
}

/**
 * A topic exchange routed the plain way: every binding's regex is tried
 * against every routing key of the message; the destinations are collected
 * once each (§2: a queue gets at most one copy).
 */
export class RegexTopicRouter {
  private readonly compiled: { regex: RegExp; destination: string }[];

  constructor(bindings: readonly TopicBinding[]) {
    // Compiled once at bind time, as any sensible baseline would.
    this.compiled = bindings.map((b) => ({ regex: topicRegex(b.bindingKey), destination: b.destination }));
  }

  route(routingKeys: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const rk of routingKeys) {
      const dotted = dottedKey(rk);
      for (const b of this.compiled) if (b.regex.test(dotted)) out.add(b.destination);
    }
    return out;
  }
}
