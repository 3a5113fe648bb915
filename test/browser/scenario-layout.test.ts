// The scenario page as a class sees it on a projector: at the usual projector
// and laptop sizes (and 1280×720 at 150 % zoom) the diagram, the step
// controls, the message and the verdict are all on the screen without
// scrolling; the diagram's text is big enough to read from the back at
// 1280×720; text and lines in the diagram keep WCAG contrast (4.5:1 for text,
// 3:1 for lines). French, the longer language, on the embedded broker.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { pageErrors, requireBrowser, startApp, type RunningApp } from '../helpers/browser.js';
import { expectOnOneScreen, PROJECTOR_SIZES } from '../helpers/projector-measure.js';

const SIZES = PROJECTOR_SIZES;

describe('scenario pages on a projector (layout, text size, contrast)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let app: RunningApp;

  before(async function () {
    browser = await requireBrowser(this);
    app = await startApp({ broker: new EmbeddedBroker() });
  });
  after(async () => {
    await app?.close();
  });

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height}: diagram, controls, message and verdict on screen; text ≥ ${size.minFont} px; contrast`, async () => {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const errors = pageErrors(page);
      try {
        // Every scenario at step 2, and the steps the issue names (the longest cards and whys).
        const named: Record<string, number> = { topic: 5, headers: 3, acknowledgements: 4, 'dead-lettering': 3 };
        const visits = loadScenarios().flatMap((s) => [{ s, step: 2 }, ...(named[s.id] ? [{ s, step: named[s.id] }] : [])]);
        for (const { s, step } of visits) {
          await page.goto(`${app.url}/scenarios/${s.id}?lang=fr&step=${step}`);
          await page.waitForSelector('[data-scenario-page][data-ready="true"]');
          await expectOnOneScreen(page, `${s.id} step ${step} at ${size.width}×${size.height}`, size.minFont);
        }
        assert.deepEqual(errors, [], 'errors in the page');
      } finally {
        await context.close();
      }
    });
  }
});
