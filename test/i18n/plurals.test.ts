// Plurals as i18next writes them (key_one / key_other, chosen by the
// language's rule from `count` or `n`), never "(s)": French counts 0 and 1 as
// one ("0 juste", "1 juste", "2 justes"), English only 1.
import assert from 'node:assert/strict';
import { loadCatalogs, translator } from '../../src/web/i18n/index.js';

describe('plurals in the catalogs', () => {
  it('picks the form by the language’s rule, from n or count', () => {
    const fr = translator('fr');
    const en = translator('en');
    assert.deepEqual(
      [0, 1, 2].map((n) => fr('class.tally.right', { n })),
      ['0 juste', '1 juste', '2 justes'],
    );
    assert.deepEqual(
      [0, 1, 2].map((count) => en('sandbox.search.found', { count })),
      ['0 found: press Enter to go to each', '1 found: press Enter to go to it', '2 found: press Enter to go to each'],
    );
    assert.equal(fr('scenario.js.why.topic.words', { n: 3 }), 'La clé de routage a 3 mots :');
  });

  for (const lang of ['en', 'fr'] as const)
    it(`has every plural complete and no "(s)" left (${lang})`, () => {
      const words: Record<string, string> = Object.assign({}, ...Object.values(loadCatalogs(lang)));
      for (const key of Object.keys(words))
        if (key.endsWith('_one')) assert.ok(`${key.slice(0, -4)}_other` in words, `${key} has no _other`);
      const guessed = Object.entries(words).filter(([, text]) => /\w\((s|es|e|x)\)/.test(text));
      assert.deepEqual(guessed, []);
    });
});
