// French and English. A page picks its language from ?lang=fr|en, else from
// the browser's Accept-Language, else English. Each feature keeps its words
// in a file of its own here.
import { common } from './common.js';

export type Lang = 'en' | 'fr';
export const LANGS: Lang[] = ['en', 'fr'];
type Dictionary = Record<string, string>;

const dictionaries: Record<Lang, Dictionary> = { en: {}, fr: {} };
for (const part of [common]) {
  Object.assign(dictionaries.en, part.en);
  Object.assign(dictionaries.fr, part.fr);
}

/** Adds a feature's words (each feature module calls this once). */
export function addWords(part: { en: Dictionary; fr: Dictionary }): void {
  Object.assign(dictionaries.en, part.en);
  Object.assign(dictionaries.fr, part.fr);
}

export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'fr' || query === 'en') return query;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'fr' || tag === 'en') return tag;
  }
  return 'en';
}

/** t('key', {name: 'x'}) with {name} placeholders; an unknown key shows itself. */
export function translator(lang: Lang) {
  return (key: string, params: Record<string, string | number> = {}): string => {
    const text = dictionaries[lang][key] ?? dictionaries.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

/** All words of a language whose key starts with prefix (for browser scripts). */
export function wordsWithPrefix(lang: Lang, prefix: string): Dictionary {
  const out: Dictionary = {};
  for (const [k, v] of Object.entries(dictionaries[lang])) if (k.startsWith(prefix)) out[k] = v;
  return out;
}
