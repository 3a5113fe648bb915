// A class on RabbitMQ across a restart of the server (issue 26, item 7: no
// answer lost or counted twice): the class lives in RabbitMQ, the pages
// reconnect by themselves, and an answer a student sends while the server is
// away is sent once it is back — and counted once.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { requireBrowser } from '../helpers/browser.js';
import { eventually, startClassApp, type ClassApp } from '../classroom/class-fixture.js';
import { openClassPages, type ClassPages } from './class-pages.js';

describe('a class on RabbitMQ while its server restarts', function () {
  this.timeout(90_000);
  let browser: Browser;
  let context: BrowserContext;
  let app: ClassApp;
  let pages: ClassPages;

  before(async function () {
    browser = await requireBrowser(this);
    app = await startClassApp(this, 'rabbitmq');
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    pages = await openClassPages(context, app, 'direct', 'fr');
  });
  after(async () => {
    await context?.close();
    await app?.close();
  });

  it('sends an answer given while the server is away once it is back, and the tally counts it once', async () => {
    const { teacher, student } = pages;
    await teacher.click('[data-action=next]');
    await student.waitForSelector('[data-predict-option="Q1"]:not([disabled])', { timeout: 20_000 });

    await app.stop();
    await student.waitForSelector('[data-class-page][data-live="away"]');
    // The first step of the direct scenario: a binding key each for Q1 and Q2, both "error".
    await student.check('[data-predict-option="Q1"]');
    await student.check('[data-predict-option="Q2"]');
    await student.click('[data-action=answer]');
    assert.equal(
      (await student.textContent('[data-answer-status]'))!.trim(),
      'Pas de connexion : votre réponse partira dès le retour du serveur.',
      'the page says the answer waits for the server',
    );

    await app.start();
    // Both pages are back by themselves (they retry every 0.5 s, up to 5 s), the answer with the student's.
    await student.waitForSelector('[data-answer-status][data-state="sent"]', { timeout: 20_000 });
    assert.match((await student.textContent('[data-answer-status]'))!, /Envoyé : Q1, Q2/);
    await teacher.waitForSelector('[data-tally][data-answers="1"]', { timeout: 20_000 });

    // Counted once, also after the page reconnects again (nothing left to resend).
    await app.stop();
    await app.start();
    await eventually('the teacher page back', () => teacher.$('[data-class-page][data-live="online"]'));
    await eventually('the student page back', () => student.$('[data-class-page][data-live="online"]'));
    await teacher.click('[data-action=reveal]');
    await teacher.waitForSelector('[data-tally][data-revealed="true"]', { timeout: 20_000 });
    assert.equal(await teacher.getAttribute('[data-tally]', 'data-answers'), '1');
    await student.waitForSelector('[data-answer-status][data-state="right"]', { timeout: 20_000 });
    assert.match((await student.textContent('[data-answer-status]'))!, /Dans la classe, 1 sur 1 a trouvé/);
    for (const errors of pages.errors)
      assert.deepEqual(
        errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e)),
        [],
      );
  });
});
