// axe-core (WCAG 2.1 A and AA) on every page and state of the walk
// (test/helpers/page-walk.ts), in both languages: the scenarios before and
// after stepping, predict mode asked and revealed, the sandbox empty, filled
// and with a refusal, the chat before and after joining, /live with traffic,
// the class teacher's and student's pages at the join, a question, the
// reveal and a challenge. The pages' CSP forbids injected scripts, so the
// audit's context bypasses it (the pages are not changed).
// axe does not look inside SVG: the diagram's contrast is measured in
// projector-measure.ts.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import type { ServerProcess } from '../../tools/server-process.js';
import { requireBrowser } from '../helpers/browser.js';
import { startWalkServer, walkPages } from '../helpers/page-walk.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate<{ violations: { id: string; nodes: { target: string[] }[] }[] }>(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} } })`,
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

describe('accessibility (axe-core, WCAG 2.1 A and AA)', function () {
  this.timeout(300_000);
  let browser: Browser;
  let server: ServerProcess;

  before(async function () {
    browser = await requireBrowser(this);
    server = await startWalkServer();
  });
  after(async () => {
    await server?.stop();
  });

  for (const lang of ['en', 'fr'] as const) {
    it(`every page and state (${lang}): 0 violations`, async () => {
      const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 720 } });
      const found: string[] = [];
      try {
        await walkPages(server, context, lang, async (state, page) => {
          for (const v of await violations(page)) found.push(`${state} — ${v}`);
        });
      } finally {
        await context.close();
      }
      assert.deepEqual(found, []);
    });
  }
});
