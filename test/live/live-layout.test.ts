// /live on a projector, with RabbitMQ tutorial 5's programs running on the
// embedded broker's listener (three receivers, kern.critical sent): at
// 1024×768, 1280×720, 1920×1080 and 853×480 (1280×720 at 150 %) the diagram,
// the Next control, the message card and the why's verdict are on screen
// together, the diagram's text is readable and its lines and text keep their
// contrast; in English and in French.
import type { Browser } from 'playwright-core';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { runTutorial, type Program } from '../../tools/tutorial-program.js';
import { pageErrors, requireBrowser } from '../helpers/browser.js';
import { expectOnOneScreen } from '../helpers/projector-measure.js';
import assert from 'node:assert/strict';

const KEY = 'live-layout-teacher';
// /live fits a whole real topology (three server-named queues, three
// consumers) to its box: at 853×480 (150 % zoom) its smallest text is 6.7 CSS
// px, 10 device px, so the bound there is 6.5; elsewhere the scenario pages'.
const SIZES = [
  { width: 1024, height: 768, minFont: 10, lang: 'en' },
  { width: 1280, height: 720, minFont: 14, lang: 'fr' },
  { width: 1920, height: 1080, minFont: 14, lang: 'en' },
  { width: 853, height: 480, minFont: 6.5, lang: 'fr' },
];

describe('/live on a projector (layout, text size, contrast)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let server: ServerProcess;
  const programs: Program[] = [];

  before(async function () {
    browser = await requireBrowser(this);
    server = await startServer({ BROKER: 'embedded', AMQP_LISTEN: '127.0.0.1:0', TEACHER_KEY: KEY }, 30_000);
    for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
    const url = /programs connect to (amqp:\/\/localhost:\d+)/.exec(server.output())![1];
    for (const keys of [['kern.*'], ['*.critical'], ['auth.#']]) {
      const receiver = runTutorial('receive_logs_topic.js', keys, url);
      programs.push(receiver);
      await receiver.waitFor(/Waiting for logs/);
    }
    const emit = runTutorial('emit_log_topic.js', ['kern.critical', 'A critical kernel error'], url);
    await emit.waitFor(/Sent kern.critical/);
  });
  after(async () => {
    await Promise.all(programs.map((p) => p.stop()));
    await server?.stop();
  });

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height} (${size.lang}): diagram, Next, message card and verdict on one screen`, async () => {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, reducedMotion: 'reduce' });
      try {
        const page = await context.newPage();
        const errors = pageErrors(page);
        await page.goto(`${server.url}/live?lang=${size.lang}&key=${KEY}&vhost=/`);
        await page.locator('[data-live-message][data-routing-key="kern.critical"]').waitFor();
        await page.waitForFunction(() => document.querySelectorAll('[data-live-consumer]').length === 3);
        await page.waitForSelector('[data-why] .why-result');
        await page.screenshot({ path: `screenshots/live-${size.lang}-${size.width}x${size.height}.png` });
        await expectOnOneScreen(page, `/live at ${size.width}×${size.height}`, size.minFont);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
