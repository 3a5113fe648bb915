// The catalogs (src/i18n/), and what only pages need: the link to the other language.
import type { Lang } from '../../i18n/catalogs.js';

export * from '../../i18n/catalogs.js';

/** The address a page was served at, in the other language: every other query parameter (key, code, step, vhost) kept. */
export function otherLangHref(originalUrl: string, lang: Lang): string {
  const url = new URL(originalUrl, 'http://page.invalid');
  url.searchParams.set('lang', lang === 'fr' ? 'en' : 'fr');
  return url.pathname + url.search;
}
