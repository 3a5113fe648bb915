// French and English. A page picks its language from ?lang=fr|en, else from
// the browser's Accept-Language, else English. Every word lives in a JSON
// catalog, locales/<lang>/<namespace>.json (the i18next layout): one file per
// feature, the same keys in both languages (test/i18n/catalogs.test.ts). The
// server renders with them and hands the pages' scripts the keys they need;
// every layer words its errors with them (./worded-error.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Lang = 'en' | 'fr';
export const LANGS: Lang[] = ['en', 'fr'];
type Dictionary = Record<string, string>;

/** The repository's locales/ folder (the same from src/ under tsx and from dist/). */
export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../locales');

/** Every catalog of a language, namespace → words. */
export function loadCatalogs(lang: Lang, dir = LOCALES_DIR): Record<string, Dictionary> {
  const out: Record<string, Dictionary> = {};
  for (const file of readdirSync(path.join(dir, lang))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    out[file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(path.join(dir, lang, file), 'utf8')) as Dictionary;
  }
  return out;
}

const dictionaries: Record<Lang, Dictionary> = {
  en: Object.assign({}, ...Object.values(loadCatalogs('en'))) as Dictionary,
  fr: Object.assign({}, ...Object.values(loadCatalogs('fr'))) as Dictionary,
};

export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'fr' || query === 'en') return query;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'fr' || tag === 'en') return tag;
  }
  return 'en';
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * t('key', {name: 'x'}) with {name} placeholders; an unknown key shows itself.
 * Plurals as i18next writes them: with a number in `count` (or `n`), the
 * catalog's key_one / key_other is taken by the language's rule (French
 * counts 0 and 1 as one). public/js/lib/dom.js reads them the same way.
 */
export function translator(lang: Lang): Translate {
  return (key: string, params: Record<string, string | number> = {}): string => {
    const text = word(lang, key, params) ?? word('en', key, params) ?? key;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? spell(params[name], lang) : m));
  };
}

/** A number of five digits or more as the language writes it (1 048 576, 1,048,576); anything else as it is. public/js/lib/dom.js does the same. */
function spell(value: string | number, lang: Lang): string {
  return typeof value === 'number' && Math.abs(value) >= 10000 ? new Intl.NumberFormat(lang).format(value) : String(value);
}

function word(lang: Lang, key: string, params: Record<string, string | number>): string | undefined {
  const count = params.count ?? params.n;
  const words = dictionaries[lang];
  if (typeof count === 'number') return words[`${key}_${new Intl.PluralRules(lang).select(count)}`] ?? words[`${key}_other`] ?? words[key];
  return words[key];
}

/** Whether a key exists in the catalogs. */
export function hasWord(lang: Lang, key: string): boolean {
  return key in dictionaries[lang];
}

/** All words of a language whose key starts with prefix (for browser scripts). */
export function wordsWithPrefix(lang: Lang, prefix: string): Dictionary {
  const out: Dictionary = {};
  for (const [k, v] of Object.entries(dictionaries[lang])) if (k.startsWith(prefix)) out[k] = v;
  return out;
}
