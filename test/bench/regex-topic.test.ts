// The routing benchmark's baseline (bench/lib/regex-topic.ts) must be exact,
// or the engine would be compared with a fast wrong matcher: checked against
// the engine's readable reference matcher (docs/semantics.md §7) on random keys
// made of the words that catch mistakes, and router against router on the
// benchmark's own random topologies.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { topicMatch, topicWords } from '../../src/engine/exchange-types/topic.js';
import { VirtualHost } from '../../src/engine/virtual-host.js';
import { randomBindings, randomRoutingKeys } from '../../bench/lib/random-topology.js';
import { RegexTopicRouter, regexTopicMatches } from '../../bench/lib/regex-topic.js';

// The words docs/semantics.md §0 used against the real broker: empty words, the
// wildcards, and words that only look like wildcards.
const word = fc.constantFrom('a', 'b', '', '*', '#', 'a*', '#a', 'é');
const key = fc.array(word, { maxLength: 5 }).map((words) => words.join('.'));

describe('bench baseline: the regex topic matcher', () => {
  it('agrees with the reference matcher on random binding and routing keys', () => {
    fc.assert(
      fc.property(key, key, (bindingKey, routingKey) => {
        assert.equal(
          regexTopicMatches(bindingKey, routingKey),
          topicMatch(topicWords(bindingKey), topicWords(routingKey)),
          `${bindingKey} vs ${routingKey}`,
        );
      }),
      { numRuns: 5000, seed: 42 },
    );
  });

  it('matches "" only with "" and "#" patterns ("" has zero words)', () => {
    assert.equal(regexTopicMatches('', ''), true);
    assert.equal(regexTopicMatches('#', ''), true);
    assert.equal(regexTopicMatches('#.#', ''), true);
    assert.equal(regexTopicMatches('*', ''), false);
    assert.equal(regexTopicMatches('', '.'), false);
  });

  it('lets "#" absorb the dots around it, and "*" take one possibly empty word', () => {
    assert.equal(regexTopicMatches('a.#.b', 'a.b'), true);
    assert.equal(regexTopicMatches('a.#.b', 'a..b'), true);
    assert.equal(regexTopicMatches('#.', '.'), true);
    assert.equal(regexTopicMatches('#.', 'a.b'), false);
    assert.equal(regexTopicMatches('*.*', '.'), true);
    assert.equal(regexTopicMatches('a*', 'ab'), false);
    assert.equal(regexTopicMatches('a.*.b', 'a.x.y.b'), false);
  });

  it('routes the benchmark topologies to the same queues as the engine', () => {
    const bindings = randomBindings(2000, 3);
    const vhost = new VirtualHost();
    vhost.declareExchange({ name: 'x', type: 'topic' });
    for (const q of new Set(bindings.map((b) => b.destination))) vhost.declareQueue({ name: q });
    for (const b of bindings) vhost.bind({ source: 'x', destination: b.destination, routing_key: b.bindingKey });
    const regex = new RegexTopicRouter(bindings);
    let reached = 0;
    for (const rk of randomRoutingKeys(300, 4)) {
      const engine = vhost.routeOnly('x', rk);
      reached += engine.length;
      assert.deepEqual(new Set(engine), regex.route([rk]), rk);
    }
    assert.ok(reached > 0, 'the random topology routes some keys somewhere');
  });
});
