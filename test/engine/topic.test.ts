// Topic matching (src/engine/exchange-types/topic.ts and topic-trie.ts):
// docs/semantics.md §7, row by row, on the reference matcher and on the trie,
// plus a property test that the trie never disagrees with the reference.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Binding } from '../../src/engine/exchange-types/exchange-type.js';
import { explainTopic, topic, topicMatch, topicWords } from '../../src/engine/exchange-types/topic.js';
import { TopicTrie } from '../../src/engine/exchange-types/topic-trie.js';

function binding(bindingKey: string, destination = bindingKey): Binding {
  return {
    source: 'x',
    destination,
    destinationType: 'queue',
    bindingKey,
    arguments: {},
    identity: `${destination}|${bindingKey}`,
    ...topic.compile(bindingKey, {}),
  };
}

const matches = (pattern: string, key: string) => topicMatch(topicWords(pattern), topicWords(key));

function trieMatches(patterns: string[], key: string): Set<string> {
  const trie = new TopicTrie();
  patterns.forEach((p, i) => trie.add(binding(p, `q${i}`)));
  const out: Binding[] = [];
  trie.collect({ routingKeys: [key], headers: undefined }, out);
  return new Set(out.map((b) => patterns[Number(b.destination.slice(1))]));
}

describe('topic exchange', () => {
  describe('splitting keys into words', () => {
    const table: [string, string[]][] = [
      ['', []],
      ['.', ['', '']],
      ['..', ['', '', '']],
      ['a.', ['a', '']],
      ['.a', ['', 'a']],
      ['a..b', ['a', '', 'b']],
    ];
    for (const [key, words] of table) {
      it(`splits ${JSON.stringify(key)} into ${JSON.stringify(words)}`, () => assert.deepEqual(topicWords(key), words));
    }
  });

  describe('the tutorial 5 bindings (*.orange.*, *.*.rabbit, lazy.#)', () => {
    const patterns = ['*.orange.*', '*.*.rabbit', 'lazy.#'];
    const cases: [string, string[]][] = [
      ['quick.orange.rabbit', ['*.orange.*', '*.*.rabbit']],
      ['lazy.orange.elephant', ['*.orange.*', 'lazy.#']],
      ['quick.orange.fox', ['*.orange.*']],
      ['lazy.brown.fox', ['lazy.#']],
      ['lazy.pink.rabbit', ['*.*.rabbit', 'lazy.#']],
      ['quick.brown.fox', []],
      ['orange', []],
      ['quick.orange.new.rabbit', []],
      ['lazy.orange.new.rabbit', ['lazy.#']],
      ['lazy', ['lazy.#']],
    ];
    for (const [key, expected] of cases) {
      it(`matches ${key} with ${expected.length ? expected.join(' and ') : 'no binding'}`, () => {
        assert.deepEqual(
          patterns.filter((p) => matches(p, key)),
          expected,
        );
        assert.deepEqual([...trieMatches(patterns, key)].sort(), [...expected].sort());
      });
    }
  });

  describe('semantics.md §7 verified matrix', () => {
    // The recorded key set, minus the raw byte <<16#E9>>: a JS string cannot hold invalid UTF-8.
    const keys = [
      '',
      '.',
      '..',
      'a',
      'a.',
      '.a',
      'a..b',
      'a.b',
      'a.x.b',
      'a.x.y.b',
      'A',
      'b',
      'a.b.c',
      '*',
      '#',
      'a.*',
      'a#',
      'ab',
      'é',
      'é.x',
      'a.b.',
      '.a.b',
      'x.a',
      'a.a',
    ];
    const all = keys;
    const only = (k: string) => [k];
    const aHash = ['a', 'a.', 'a..b', 'a.b', 'a.x.b', 'a.x.y.b', 'a.b.c', 'a.*', 'a.b.', 'a.a'];
    const table: [string, string[]][] = [
      ['', ['']],
      ['#', all],
      ['#.#', all],
      ['#.#.#', all],
      ['*', ['a', 'A', 'b', '*', '#', 'a#', 'ab', 'é']],
      ['*.#', keys.filter((k) => k !== '')],
      ['#.*', keys.filter((k) => k !== '')],
      ['*.*', ['.', 'a.', '.a', 'a.b', 'a.*', 'é.x', 'x.a', 'a.a']],
      ['*.*.*', ['..', 'a..b', 'a.x.b', 'a.b.c', 'a.b.', '.a.b']],
      ['a.#', aHash],
      ['a.*', ['a.', 'a.b', 'a.*', 'a.a']],
      ['a.*.#', aHash.filter((k) => k !== 'a')],
      ['#.a', ['a', '.a', 'x.a', 'a.a']],
      ['#.b', ['b', 'a.b', 'a..b', 'a.x.b', 'a.x.y.b', '.a.b']],
      ['a.#.b', ['a.b', 'a..b', 'a.x.b', 'a.x.y.b']],
      ['a.#.#.b', ['a.b', 'a..b', 'a.x.b', 'a.x.y.b']],
      ['a.*.b', ['a..b', 'a.x.b']],
      ...['a', 'a.', '.a', '.', '..', 'a..b', 'A', 'a#', 'é'].map((p): [string, string[]] => [p, only(p)]),
      ['*.', ['.', 'a.']],
      ['.*', ['.', '.a']],
      ['#.', ['.', '..', 'a.', 'a.b.']],
      ['.#', ['.', '..', '.a', '.a.b']],
      ['a*', []],
      ['*a', []],
    ];
    for (const [pattern, expected] of table) {
      it(`pattern ${JSON.stringify(pattern)} matches exactly ${expected.length === keys.length ? 'every key' : JSON.stringify(expected)}`, () => {
        const byMatcher = keys.filter((k) => matches(pattern, k));
        const byTrie = keys.filter((k) => trieMatches([pattern], k).size > 0);
        assert.deepEqual(byMatcher.sort(), [...expected].sort());
        assert.deepEqual(byTrie.sort(), [...expected].sort());
      });
    }

    it('matches the routing key "" with "", "#", "#.#" and "#.#.#" only', () => {
      const patterns = ['', '#', '#.#', '#.#.#', '*', '*.#', '#.*', '.'];
      assert.deepEqual(
        patterns.filter((p) => matches(p, '')),
        ['', '#', '#.#', '#.#.#'],
      );
    });

    it('compares words byte for byte: "A" is not "a"', () => {
      assert.equal(matches('a', 'A'), false);
      assert.equal(matches('é.*', 'é.x'), true);
    });
  });

  describe('explaining a match word by word', () => {
    it('shows "#" taking no word when lazy meets lazy.#', () => {
      const attempt = explainTopic('lazy.#', 'lazy');
      assert.equal(attempt.matched, true);
      assert.deepEqual(attempt.alignment, [
        { pattern_word: 'lazy', key_words: ['lazy'] },
        { pattern_word: '#', key_words: [] },
      ]);
    });

    it('shows "#" taking pink and rabbit when lazy.pink.rabbit meets lazy.#', () => {
      assert.deepEqual(explainTopic('lazy.#', 'lazy.pink.rabbit').alignment, [
        { pattern_word: 'lazy', key_words: ['lazy'] },
        { pattern_word: '#', key_words: ['pink', 'rabbit'] },
      ]);
    });

    it('says quick.orange.new.rabbit has a word left over for *.orange.*', () => {
      const attempt = explainTopic('*.orange.*', 'quick.orange.new.rabbit');
      assert.equal(attempt.matched, false);
      assert.equal(attempt.alignment.length, 3);
      assert.deepEqual(attempt.failed_at, {
        pattern_index: 3,
        key_index: 3,
        code: 'key-too-long',
      });
    });

    it('says where a literal word differs, keeping the words matched before it', () => {
      const attempt = explainTopic('*.orange.*', 'lazy.pink.rabbit');
      assert.deepEqual(attempt.alignment, [{ pattern_word: '*', key_words: ['lazy'] }]);
      assert.equal(attempt.failed_at?.code, 'word-differs');
      assert.equal(attempt.failed_at?.pattern_index, 1);
    });

    it('says the key ran out when "*" finds no word (the empty key has zero words)', () => {
      const attempt = explainTopic('*', '');
      assert.equal(attempt.matched, false);
      assert.deepEqual(attempt.key_words, []);
      assert.equal(attempt.failed_at?.code, 'key-ended');
    });

    it('keeps the furthest partial alignment across the choices of "#"', () => {
      // #.b.c: the best attempt lets # take "a", matches b, then fails on c ≠ d.
      const attempt = explainTopic('#.b.c', 'a.b.d');
      assert.equal(attempt.matched, false);
      assert.deepEqual(attempt.alignment, [
        { pattern_word: '#', key_words: ['a'] },
        { pattern_word: 'b', key_words: ['b'] },
      ]);
      assert.equal(attempt.failed_at?.pattern_index, 2);
    });

    it('answers quickly for many "#" against a long key that does not match', () => {
      const pattern = Array(12).fill('#').join('.') + '.zz';
      const key = Array(200).fill('w').join('.');
      const started = process.hrtime.bigint();
      assert.equal(matches(pattern, key), false);
      assert.equal(explainTopic(pattern, key).matched, false);
      assert.equal(trieMatches([pattern], key).size, 0);
      assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000, 'memoised walks stay polynomial');
    });
  });

  describe('the trie index agrees with the reference matcher', () => {
    // Words as in the broker comparison of §0: empty words and literal wildcard characters included.
    const word = fc.constantFrom('a', 'b', '', '*', '#', 'a*', '#a');
    const key = fc.array(word, { maxLength: 6 }).map((ws) => ws.join('.'));

    it('returns exactly the bindings topicMatch accepts, for random keys and patterns', () => {
      fc.assert(
        fc.property(fc.array(key, { minLength: 1, maxLength: 12 }), key, (patterns, rk) => {
          const expected = new Set(patterns.filter((p) => matches(p, rk)));
          assert.deepEqual([...trieMatches(patterns, rk)].sort(), [...expected].sort());
        }),
        { numRuns: 2000 },
      );
    });

    it('stays right after bindings are removed', () => {
      fc.assert(
        fc.property(fc.array(key, { minLength: 1, maxLength: 10 }), fc.array(fc.boolean()), key, (patterns, drop, rk) => {
          const trie = new TopicTrie();
          const bindings = patterns.map((p, i) => binding(p, `q${i}`));
          bindings.forEach((b) => trie.add(b));
          const kept = bindings.filter((b, i) => (drop[i] ? (trie.remove(b), false) : true));
          const out: Binding[] = [];
          trie.collect({ routingKeys: [rk], headers: undefined }, out);
          const hit = new Set(out.map((b) => b.destination));
          const expected = kept.filter((b) => matches(b.bindingKey, rk)).map((b) => b.destination);
          assert.deepEqual([...hit].sort(), expected.sort());
        }),
        { numRuns: 1000 },
      );
    });

    it('explains with an alignment that rebuilds the key whenever it matches', () => {
      fc.assert(
        fc.property(key, key, (pattern, rk) => {
          const attempt = explainTopic(pattern, rk);
          assert.equal(attempt.matched, matches(pattern, rk));
          if (!attempt.matched) return;
          assert.deepEqual(
            attempt.alignment.map((s) => s.pattern_word),
            topicWords(pattern),
          );
          assert.deepEqual(
            attempt.alignment.flatMap((s) => s.key_words),
            topicWords(rk),
          );
          for (const step of attempt.alignment) {
            if (step.pattern_word === '#') continue;
            assert.equal(step.key_words.length, 1);
            if (step.pattern_word !== '*') assert.equal(step.key_words[0], step.pattern_word);
          }
        }),
        { numRuns: 2000 },
      );
    });
  });
});
