import assert from 'node:assert/strict';
import { AnswerParseError, grade, loadChallenges, parseArguments } from '../../src/classroom/challenges.js';

describe('challenges graded by the engine', () => {
  const challenges = loadChallenges();

  it('ships at least two per exchange type, each in French and English', () => {
    for (const type of ['direct', 'topic', 'fanout', 'headers']) {
      assert.ok(challenges.filter((c) => c.type === type).length >= 2, type);
    }
    for (const c of challenges) for (const field of [c.title, c.prompt]) assert.ok(field.en && field.fr && field.en !== field.fr, c.id);
    assert.equal(new Set(challenges.map((c) => c.id)).size, challenges.length);
  });

  for (const c of challenges) {
    it(`${c.id}: "${c.solution}" solves it${c.wrong === null ? '' : `, "${c.wrong}" does not`}`, () => {
      const right = grade(c, c.solution);
      assert.equal(right.right, true, JSON.stringify(right.results.map((r) => [r.label, r.receive, r.received])));
      if (c.wrong !== null) {
        const wrong = grade(c, c.wrong);
        assert.equal(wrong.right, false);
        // The failing messages carry the engine's trace: the why.
        for (const r of wrong.results.filter((x) => x.receive !== x.received)) assert.ok(r.trace && r.trace.hops.length > 0, r.label);
      }
    });
  }

  it('explains a topic key that misses a message with the word where it fails', () => {
    const c = challenges.find((x) => x.id === 'topic-star')!;
    const g = grade(c, 'eu.#');
    const b = g.results.find((r) => r.label === 'B')!;
    assert.equal(b.received, false);
    const attempt = b.trace!.hops[0].bindings.find((x) => x.destination === 'mine')!.detail;
    assert.equal(attempt.kind, 'topic');
    assert.equal(attempt.kind === 'topic' && attempt.attempts[0].failed_at?.code, 'word-differs');
  });

  it('reads headers arguments as RabbitMQ types them: 12 is a number, "12" a string', () => {
    assert.deepEqual(parseArguments('x-match=any, pages=12, name="12", ok=true'), { 'x-match': 'any', pages: 12, name: '12', ok: true });
    assert.deepEqual(parseArguments('{"format": "pdf"}'), { format: 'pdf' });
    assert.throws(
      () => parseArguments('format'),
      (e: unknown) => e instanceof AnswerParseError && e.key === 'class.challenge.parse.pair',
    );
    assert.throws(
      () => parseArguments('{nope'),
      (e: unknown) => e instanceof AnswerParseError && e.key === 'class.challenge.parse.json',
    );
    assert.throws(
      () => parseArguments(' '),
      (e: unknown) => e instanceof AnswerParseError && e.key === 'class.challenge.parse.empty',
    );
  });

  it('refuses, in the broker’s own words, a binding RabbitMQ would refuse', () => {
    const c = challenges.find((x) => x.id === 'headers-all')!;
    assert.throws(
      () => grade(c, 'x-match=some, format=pdf'),
      (e: unknown) => e instanceof AnswerParseError && e.key === 'class.challenge.parse.refused' && /x-match/.test(e.params.reason),
    );
  });

  it('names the exchanges there are when the student types one that is not', () => {
    const c = challenges.find((x) => x.id === 'fanout-source')!;
    assert.throws(
      () => grade(c, 'sports'),
      (e: unknown) => e instanceof AnswerParseError && e.params.known === 'news, sport, weather',
    );
  });
});
