// axe-core (WCAG 2.1 A and AA) on the pages, in both languages: every
// scenario before stepping and at a step with its why, predict mode asked and
// revealed, the sandbox, the chat before joining, /live on the machine itself,
// the class pages' forms, the home page. The pages' CSP forbids injected
// scripts, so the audit's context bypasses it (the pages are not changed).
// axe does not look inside SVG: the diagram's contrast is measured in
// projector-measure.ts.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { browserAndEmbeddedApp } from '../helpers/browser.js';

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
  this.timeout(180_000);
  const held = browserAndEmbeddedApp();

  for (const lang of ['en', 'fr'] as const) {
    it(`every scenario page before stepping and at a step with its why (${lang})`, async () => {
      const context = await held.browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 720 } });
      try {
        const page = await context.newPage();
        for (const s of loadScenarios()) {
          for (const step of [0, Math.min(3, s.steps.length)]) {
            await page.goto(`${held.app.url}/scenarios/${s.id}?lang=${lang}&step=${step}`);
            await page.waitForSelector('[data-scenario-page][data-ready="true"]');
            assert.deepEqual(await violations(page), [], `${s.id} step ${step}`);
          }
        }
      } finally {
        await context.close();
      }
    });

    it(`predict mode asked and revealed (${lang})`, async () => {
      const context = await held.browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 720 } });
      try {
        const page = await context.newPage();
        await page.goto(`${held.app.url}/scenarios/topic?lang=${lang}&step=4`);
        await page.waitForSelector('[data-scenario-page][data-ready="true"]');
        await page.check('[data-action="predict"]');
        await page.click('[data-action="next"]');
        await page.waitForSelector('[data-scenario-page][data-pending="true"]');
        assert.deepEqual(await violations(page), [], 'asked');
        await page.locator('[data-predict-options] input').first().check();
        await page.click('[data-action="reveal"]');
        await page.waitForSelector('[data-scenario-page][data-pending="false"]');
        assert.deepEqual(await violations(page), [], 'revealed');
      } finally {
        await context.close();
      }
    });

    it(`the home page, the sandbox, the chat, /live, and the class forms (${lang})`, async () => {
      const context = await held.browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 720 } });
      try {
        const page = await context.newPage();
        for (const path of ['/', '/sandbox', '/chat', '/live', '/class/new', '/join']) {
          await page.goto(`${held.app.url}${path}?lang=${lang}`);
          await page.waitForLoadState('networkidle');
          assert.deepEqual(await violations(page), [], path);
        }
      } finally {
        await context.close();
      }
    });
  }
});
