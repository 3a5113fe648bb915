// The class pages on a projector and a student's laptop: at 1024×768,
// 1280×720, 1920×1080 and 853×480 (1280×720 at 150 %), the teacher's page and
// a student's page show the diagram, the step control, the message card and
// the why's verdict together, with readable text and lines (the measure the
// scenario pages use). The class is at step 5 of the topic scenario, revealed.
// The teacher's "how to join" view fills the projector, its QR code at least
// a third of the screen's height.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startClassApp, type ClassApp } from '../classroom/class-fixture.js';
import { requireBrowser } from '../helpers/browser.js';
import { openClassPages } from './class-pages.js';
import { expectInView, expectOnOneScreen, PROJECTOR_SIZES } from '../helpers/projector-measure.js';

const SIZES = PROJECTOR_SIZES;

describe('the class pages on a projector (layout, text size, contrast)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let app: ClassApp;
  let context: BrowserContext;
  let teacher: Page;
  let student: Page;
  let errors: string[][] = [];

  before(async function () {
    browser = await requireBrowser(this);
    app = await startClassApp(this, 'embedded');
    context = await browser.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' });
    ({ teacher, student, errors } = await openClassPages(context, app, 'topic', 'fr'));
    await teacher.bringToFront();
    for (let k = 1; k <= 5; k++) {
      await teacher.click('[data-action="next"]');
      await teacher.waitForSelector(`[data-step="${k}"]`);
    }
    await student.waitForSelector('[data-step="5"]');
    // Step 5 is a question until the reveal: measured revealed, when the why has its verdict.
    await teacher.click('[data-action="reveal"]');
    await student.waitForSelector('[data-class-page][data-pending="false"]');
  });
  after(async () => {
    await context?.close();
    await app?.close();
  });

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height}: teacher and student pages on one screen`, async () => {
      for (const [who, page] of [
        ['teacher', teacher],
        ['student', student],
      ] as const) {
        await page.bringToFront();
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.waitForTimeout(150);
        await page.screenshot({ path: `screenshots/class-${who}-fr-${size.width}x${size.height}.png` });
        await expectOnOneScreen(page, `class ${who} at ${size.width}×${size.height}`, size.minFont);
      }
    });
  }

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height}: "how to join" puts the address, the code and a QR code of a third of the screen's height on it`, async () => {
      await teacher.bringToFront();
      await teacher.setViewportSize({ width: size.width, height: size.height });
      await teacher.click('[data-action="show-join"]');
      const view = teacher.locator('[data-join-view]');
      await view.waitFor();
      const qr = (await view.locator('[data-qr]').boundingBox())!;
      assert.ok(qr.height >= size.height / 3, `the QR code is ${qr.height} px tall`);
      await expectInView(teacher, '[data-join-view] [data-qr]', 'the QR code');
      await expectInView(teacher, '[data-join-view-url]', 'the address');
      await expectInView(teacher, '[data-join-view] .join-view-code', 'the code');
      assert.equal(await teacher.textContent('[data-join-view-url]'), await teacher.getAttribute('[data-join-link]', 'href'));
      assert.match((await teacher.textContent('[data-join-view-count]'))!, /élèves : 1/);
      await teacher.screenshot({ path: `screenshots/class-join-fr-${size.width}x${size.height}.png` });
      // While it is open the clicker does not move the class behind it; Esc closes it.
      const step = await teacher.getAttribute('[data-step]', 'data-step');
      await teacher.keyboard.press('ArrowRight');
      await teacher.waitForTimeout(300);
      assert.equal(await teacher.getAttribute('[data-step]', 'data-step'), step);
      await teacher.keyboard.press('Escape');
      await view.waitFor({ state: 'hidden' });
    });
  }

  it('kept both pages free of errors', () => {
    assert.deepEqual(errors.flat(), []);
  });
});
