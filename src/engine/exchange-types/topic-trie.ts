// The fast topic index: a trie of binding-key words built at bind time, walked
// like RabbitMQ's rabbit_exchange_type_topic:trie_match/4. Routing costs one
// walk per routing key instead of one match per binding. It must agree with
// the reference matcher `topicMatch` (./topic.ts) — a property test checks it.
import type { Binding, BindingIndex, RoutableMessage } from './exchange-type.js';
import { topicWords } from './topic-words.js';

class TrieNode {
  readonly children = new Map<string, TrieNode>();
  /** Edges for the wildcards, kept apart from literal words. */
  star: TrieNode | null = null;
  hash: TrieNode | null = null;
  /** Bindings whose key ends at this node. */
  bindings: Binding[] = [];
  constructor(readonly id: number) {}
  isEmpty(): boolean {
    return this.bindings.length === 0 && this.children.size === 0 && !this.star && !this.hash;
  }
}

export class TopicTrie implements BindingIndex {
  private nextId = 0;
  private readonly root = new TrieNode(this.nextId++);

  add(binding: Binding): void {
    let node = this.root;
    for (const word of binding.topicWords ?? topicWords(binding.bindingKey)) node = this.child(node, word, true)!;
    node.bindings.push(binding);
  }

  remove(binding: Binding): void {
    const words = binding.topicWords ?? topicWords(binding.bindingKey);
    const path: TrieNode[] = [this.root];
    for (const word of words) {
      const next = this.child(path[path.length - 1], word, false);
      if (!next) return;
      path.push(next);
    }
    const leaf = path[path.length - 1];
    leaf.bindings = leaf.bindings.filter((b) => b !== binding);
    // Prune the nodes this binding alone kept alive.
    for (let i = words.length; i > 0 && path[i].isEmpty(); i--) {
      const parent = path[i - 1];
      const word = words[i - 1];
      if (word === '*') parent.star = null;
      else if (word === '#') parent.hash = null;
      else parent.children.delete(word);
    }
  }

  collect(message: RoutableMessage, out: Binding[]): void {
    const keys = message.routingKeys;
    for (let k = 0; k < keys.length; k++) {
      const rk = keys[k];
      // "" has zero words (§7).
      this.walk.reset(rk === '' ? [] : rk.split('.'), out);
      this.walk.match(this.root, 0, 0);
    }
  }

  /** One walker, reused: routing is synchronous and never re-enters the trie. */
  private readonly walk = new TrieWalk();

  private child(node: TrieNode, word: string, create: boolean): TrieNode | null {
    if (word === '*') return node.star ?? (create ? (node.star = new TrieNode(this.nextId++)) : null);
    if (word === '#') return node.hash ?? (create ? (node.hash = new TrieNode(this.nextId++)) : null);
    let next = node.children.get(word);
    if (!next && create) node.children.set(word, (next = new TrieNode(this.nextId++)));
    return next ?? null;
  }
}

/** One routing key's walk through the trie (trie_match/4). */
class TrieWalk {
  private words: readonly string[] = [];
  private out: Binding[] = [];
  /**
   * (node, word index) pairs already walked. A node is reached at several
   * word indices only through `#` edges, and twice at the same index only
   * when two `#` edges lie on its path: only then is the set needed.
   */
  private visited: Set<number> | null = null;

  reset(words: readonly string[], out: Binding[]): void {
    this.words = words;
    this.out = out;
    this.visited = null;
  }

  /** `hashes`: how many `#` edges lead from the root to `node`. */
  match(node: TrieNode, i: number, hashes: number): void {
    const words = this.words;
    if (hashes >= 2) {
      const state = node.id * (words.length + 1) + i;
      if ((this.visited ??= new Set()).has(state)) return;
      this.visited.add(state);
    }
    if (i === words.length) {
      const bindings = node.bindings;
      for (let b = 0; b < bindings.length; b++) this.out.push(bindings[b]);
    } else {
      const literal = node.children.get(words[i]);
      if (literal) this.match(literal, i + 1, hashes);
      if (node.star) this.match(node.star, i + 1, hashes);
    }
    // A `#` edge consumes zero or more words, also at the end of the key.
    const hash = node.hash;
    if (hash) for (let j = i; j <= words.length; j++) this.match(hash, j, hashes + 1);
  }
}
