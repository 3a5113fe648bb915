// The scenario page as a class sees it on a projector: at the usual projector
// and laptop sizes (and 1280×720 at 150 % zoom) the diagram, the step
// controls, the message and the verdict are all on the screen without
// scrolling; the diagram's text is big enough to read from the back at
// 1280×720; text and lines in the diagram keep WCAG contrast (4.5:1 for text,
// 3:1 for lines). In both languages (French is the longer), plain and in
// predict mode (asked, then revealed), on the embedded broker.
import assert from 'node:assert/strict';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { browserAndEmbeddedApp, pageErrors } from '../helpers/browser.js';
import { expectInView, expectOnOneScreen, PROJECTOR_SIZES } from '../helpers/projector-measure.js';

const SIZES = PROJECTOR_SIZES;
/** The steps the issue names: the longest message cards and whys. */
const NAMED_STEPS: Record<string, number> = { topic: 5, headers: 3, acknowledgements: 4, 'dead-lettering': 3 };

describe('scenario pages on a projector (layout, text size, contrast)', function () {
  this.timeout(120_000);
  const held = browserAndEmbeddedApp();

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height}: diagram, controls, message and verdict on screen; text ≥ ${size.minFont} px; contrast`, async () => {
      const context = await held.browser.newContext({ viewport: { width: size.width, height: size.height }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const errors = pageErrors(page);
      try {
        // Every scenario at step 2 and the steps the issue names (the longest cards and whys) in French, the
        // longer language; the named steps in English too.
        const visits = loadScenarios().flatMap((s) => [{ s, step: 2 }, ...(NAMED_STEPS[s.id] ? [{ s, step: NAMED_STEPS[s.id] }] : [])]);
        for (const { s, step } of visits) {
          for (const lang of NAMED_STEPS[s.id] === step ? ['fr', 'en'] : ['fr']) {
            await page.goto(`${held.app.url}/scenarios/${s.id}?lang=${lang}&step=${step}`);
            await page.waitForSelector('[data-scenario-page][data-ready="true"]');
            await expectOnOneScreen(page, `${s.id} step ${step} (${lang}) at ${size.width}×${size.height}`, size.minFont);
          }
        }
        assert.deepEqual(errors, [], 'errors in the page');
      } finally {
        await context.close();
      }
    });
  }
  for (const size of SIZES) {
    it(`at ${size.width}×${size.height} in predict mode: the question and its choices, then the verdict and the score, on screen`, async () => {
      const context = await held.browser.newContext({ viewport: { width: size.width, height: size.height }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const errors = pageErrors(page);
      try {
        for (const [id, step] of Object.entries(NAMED_STEPS)) {
          const where = `${id} step ${step} predicted at ${size.width}×${size.height}`;
          await page.goto(`${held.app.url}/scenarios/${id}?lang=fr&step=${step - 1}`);
          await page.waitForSelector('[data-scenario-page][data-ready="true"]');
          await page.check('[data-action="predict"]');
          await page.click('[data-action="next"]');
          await page.waitForSelector('[data-scenario-page][data-pending="true"]');
          // Asked: the diagram before the message, the message, the choices and the button that reveals.
          for (const [what, selector] of [
            ['the diagram', '[data-diagram]'],
            ['the message card', '[data-message-card]'],
            ['the question', '[data-predict-question]'],
            ['the last choice', '[data-predict-options] > :last-child'],
            ['the reveal button', '[data-action="reveal"]'],
          ])
            await expectInView(page, selector, `${where}: ${what}`);
          await page.locator('[data-predict-options] input').first().check();
          await page.click('[data-action="reveal"]');
          await page.waitForSelector('[data-scenario-page][data-pending="false"]');
          // Revealed: what the plain page shows, and the class's score.
          await expectOnOneScreen(page, where, size.minFont);
          await expectInView(page, '[data-predict-result]', `${where}: the score`);
        }
        assert.deepEqual(errors, [], 'errors in the page');
      } finally {
        await context.close();
      }
    });
  }
});
