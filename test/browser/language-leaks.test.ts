// No English left on a French page, no French on an English one (issue 27,
// point 3): every page and state of the walk (test/helpers/page-walk.ts), its
// visible text outside code, checked word by word against the words only the
// other language's texts use — the catalogs, the scenarios' texts and message
// bodies — and a short list of common words. A word both languages use
// (exchange names, routing keys, AMQP terms French courses keep: binding,
// routing key, x-match…) is never a leak.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadCatalogs } from '../../src/i18n/catalogs.js';
import { localizeScenario } from '../../src/scenarios/localize.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import type { ServerProcess } from '../../tools/server-process.js';
import { requireBrowser } from '../helpers/browser.js';
import { startWalkServer, walkPages } from '../helpers/page-walk.js';
import { tutorialState } from '../sandbox/tutorial.js';

type Lang = 'en' | 'fr';

const COMMON: Record<Lang, string[]> = {
  en: [
    'the',
    'and',
    'of',
    'to',
    'is',
    'are',
    'with',
    'from',
    'this',
    'that',
    'for',
    'not',
    'which',
    'when',
    'each',
    'every',
    'its',
    'has',
    'have',
    'was',
    'it',
    'be',
    'by',
    'at',
    'in',
    'no',
    'only',
    'what',
    'why',
    'how',
    'queues',
  ],
  fr: [
    'le',
    'la',
    'les',
    'des',
    'du',
    'de',
    'et',
    'est',
    'sont',
    'avec',
    'pour',
    'dans',
    'une',
    'un',
    'pas',
    'qui',
    'que',
    'quand',
    'chaque',
    'échange',
    'liaison',
    'clé',
    'aucun',
    'aucune',
    'ou',
    'sur',
    'par',
  ],
};

/** The words a language's texts use: its catalogs, its scenario texts and bodies, its common words. */
function vocabulary(lang: Lang): Set<string> {
  const texts: string[] = [];
  for (const catalog of Object.values(loadCatalogs(lang))) texts.push(...Object.values(catalog));
  for (const s of loadScenarios().map((x) => localizeScenario(x, lang))) {
    texts.push(s.title[lang], s.summary[lang], s.intro[lang]);
    for (const step of s.steps) texts.push(step.narration[lang], ...('message' in step ? [step.message.payload ?? ''] : []));
  }
  return new Set([...words(texts.join(' ')), ...COMMON[lang]]);
}

function words(text: string): string[] {
  // Placeholders ({name}) and identifiers (with dots, dashes, underscores or digits) are not words of a language.
  return (text.replace(/\{\w+\}/g, ' ').match(/(?<![\p{L}\p{N}._/:-])\p{L}+(?:['’]\p{L}+)*(?![\p{L}\p{N}._/:-])/gu) ?? []).map((w) =>
    w.toLowerCase().replace(/^(?:l|d|s|n|qu|j|c)['’]/, ''),
  );
}

/**
 * The scenarios' and the walk's data — names of exchanges, queues and
 * consumers, keys, header names and values — are the same in both languages:
 * their words are never a leak.
 */
function dataWords(): string[] {
  const data: unknown[] = [tutorialState()];
  for (const s of loadScenarios()) {
    data.push(s.definitions, s.consumers ?? []);
    for (const step of s.steps)
      data.push('message' in step ? { ...step.message, payload: '' } : step.actions.filter((a) => a.type !== 'publish'));
  }
  return words(JSON.stringify(data).replace(/[^\p{L}]+/gu, ' '));
}

/** AMQP's own words, the same in both languages' pages (RabbitMQ's dead-letter reasons, flags), and words both languages write. */
const SHARED_WORDS = ['maxlen', 'expired', 'rejected', 'mandatory', 'redelivered', 'requeue', 'prefetch', 'ack', 'nack', 'long'];

const shared = [...dataWords(), ...SHARED_WORDS];
const vocab = { en: new Set([...vocabulary('en'), ...shared]), fr: new Set([...vocabulary('fr'), ...shared]) };
/**
 * Words only the other language uses: a leak when seen. The other language's
 * common words are leaks even when a catalog holds them (a French catalog
 * entry left in English would otherwise vouch for itself).
 */
const foreignTo = (lang: Lang, other: Lang) =>
  new Set([...[...vocab[other]].filter((w) => !vocab[lang].has(w)), ...COMMON[other].filter((w) => !COMMON[lang].includes(w))]);
const foreign: Record<Lang, Set<string>> = { fr: foreignTo('fr', 'en'), en: foreignTo('en', 'fr') };

/** The visible text of the page, outside code (pre, code, kbd) and the link to the other language. */
async function visibleText(page: Page): Promise<{ text: string; where: string }[]> {
  return page.evaluate(`(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !node.textContent.trim()) continue;
      if (el.closest('pre, code, kbd, script, style, .lang-switch, [hidden]')) continue;
      if (!el.checkVisibility({ checkVisibilityCSS: true })) continue;
      out.push({ text: node.textContent, where: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '') });
    }
    return out;
  })()`);
}

describe('every page speaks one language (no English on a French page, no French on an English one)', function () {
  this.timeout(300_000);
  let browser: Browser;
  let server: ServerProcess;
  let context: BrowserContext;

  before(async function () {
    browser = await requireBrowser(this);
    server = await startWalkServer();
  });
  after(async () => {
    await context?.close();
    await server?.stop();
  });

  for (const lang of ['fr', 'en'] as const) {
    it(`${lang}: every page and state`, async () => {
      context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const leaks: string[] = [];
      await walkPages(server, context, lang, async (state, page) => {
        for (const { text, where } of await visibleText(page)) {
          // A quoted word is a name (a header, a message body, a queue): its own, in no language.
          const unquoted = text.replace(/«[^»]*»|“[^”]*”|"[^"]*"/g, ' ');
          const found = [...new Set(words(unquoted).filter((w) => foreign[lang].has(w)))];
          if (found.length > 0) leaks.push(`${state} — ${where}: ${found.join(', ')} in “${text.trim().slice(0, 120)}”`);
        }
      });
      await context.close();
      assert.deepEqual([...new Set(leaks)], []);
    });
  }
});
