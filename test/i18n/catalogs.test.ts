// Every word the pages show lives in locales/<lang>/<namespace>.json: the same
// namespaces and keys in French and English, none empty, the same {placeholders}.
import assert from 'node:assert/strict';
import { loadCatalogs, LANGS } from '../../src/web/i18n/index.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('word catalogs (locales/)', () => {
  const en = loadCatalogs('en');
  const fr = loadCatalogs('fr');

  it('has the same namespaces in every language', () => {
    assert.deepEqual(Object.keys(fr), Object.keys(en));
    assert.ok(Object.keys(en).length >= 4);
  });

  for (const ns of Object.keys(en)) {
    it(`has every key of ${ns}.json in both languages, none empty, with the same placeholders`, () => {
      assert.deepEqual(Object.keys(fr[ns] ?? {}).sort(), Object.keys(en[ns]).sort());
      for (const lang of LANGS) {
        const words = lang === 'en' ? en[ns] : fr[ns];
        for (const [key, text] of Object.entries(words))
          assert.ok(typeof text === 'string' && text.trim().length > 0, `${lang}/${ns}.json ${key}`);
      }
      for (const key of Object.keys(en[ns])) assert.deepEqual(placeholders(fr[ns][key]), placeholders(en[ns][key]), `${ns}.json ${key}`);
    });
  }

  it('never defines a key in two namespaces', () => {
    const seen = new Map<string, string>();
    for (const [ns, words] of Object.entries(en)) {
      for (const key of Object.keys(words)) {
        assert.ok(!seen.has(key), `${key} is in ${seen.get(key)}.json and ${ns}.json`);
        seen.set(key, ns);
      }
    }
  });
});
