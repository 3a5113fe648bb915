// The projector's pages other than a scenario — the class teacher's, a class
// student looking back, /live — take the same clicker keys with a button
// focused (test/helpers/presenter-keys.ts), and the language link keeps the
// page: a scenario's step, /live's teacher key and vhost, a student's seat.
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { startClassApp, type ClassApp } from '../classroom/class-fixture.js';
import { pageErrors, requireBrowser } from '../helpers/browser.js';
import { expectSteppingKeys } from '../helpers/presenter-keys.js';
import { openClassPages } from './class-pages.js';

const stepOf = async (page: Page) => Number(await page.locator('[data-step]').first().getAttribute('data-step'));

describe('clicker keys and the language link on the class pages', function () {
  this.timeout(120_000);
  let browser: Browser;
  let context: BrowserContext;
  let app: ClassApp;
  let teacher: Page;
  let student: Page;
  let errors: string[][] = [];

  before(async function () {
    browser = await requireBrowser(this);
    app = await startClassApp(this, 'embedded');
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    ({ teacher, student, errors } = await openClassPages(context, app, 'topic', 'en'));
    await teacher.waitForSelector('[data-class-status]:has-text("Connected")');
  });
  after(async () => {
    await context?.close();
    await app?.close();
  });

  it('the teacher steps the class with → PageDown space ← PageUp Home, f and ?, whatever button has the focus', async () => {
    await teacher.bringToFront();
    await expectSteppingKeys(teacher, 'class teacher', {
      step: () => stepOf(teacher),
      first: 0,
      buttons: ['[data-action="prev"]', '[data-action="next"]', '[data-action="present"]'],
    });
  });

  it('a student looks back with the same keys, without moving the class', async () => {
    await teacher.bringToFront();
    for (let k = 1; k <= 5; k++) {
      await teacher.click('[data-action="next"]');
      await teacher.waitForSelector(`[data-step="${k}"]`);
    }
    await student.waitForSelector('[data-step="5"]');
    await student.bringToFront();
    await expectSteppingKeys(student, 'class student', {
      step: () => stepOf(student),
      first: 0,
      buttons: ['[data-action="prev"]', '[data-action="next"]', '[data-action="follow"]'],
    });
    assert.equal(await stepOf(teacher), 5, 'the class did not move');
  });

  it('switching language keeps the student in their seat, at the same class', async () => {
    await student.bringToFront();
    await student.click('.lang-switch');
    await student.waitForURL(/lang=fr/);
    assert.match(student.url(), /code=[A-Z0-9]{6}/);
    await student.waitForSelector('[data-student]:not([hidden])');
    assert.equal(await student.isVisible('[data-join-form]'), false, 'no join form again');
    assert.equal(await student.getAttribute('html', 'lang'), 'fr');
    // Still one student, the same one.
    assert.equal(Object.keys((await app.hub.state((await teacher.textContent('[data-class-code]'))!.trim()))!.students).length, 1);
  });

  it('switching language on the teacher page keeps the teacher in charge', async () => {
    await teacher.bringToFront();
    await teacher.click('.lang-switch');
    await teacher.waitForURL(/lang=fr/);
    await teacher.waitForSelector('[data-class-status]:has-text("Connecté")');
    assert.equal(await stepOf(teacher), 5);
  });

  it('refuses a second Zoé (“zoe ”: case, accents and spaces do not make another name), saying so', async () => {
    const other = await context.newPage();
    try {
      const code = (await teacher.textContent('[data-class-code]'))!.trim();
      await other.goto(`${app.url}/join?code=${code}&lang=fr`);
      await other.fill('[name=name]', 'zoe ');
      await other.click('[data-action=join]');
      await other.waitForSelector('[data-join-error]:not(:empty)');
      assert.match((await other.textContent('[data-join-error]'))!, /s’appelle déjà « zoe »/);
      assert.equal(await other.isVisible('[data-student]'), false);
      await other.fill('[name=name]', 'Zoé B.');
      await other.click('[data-action=join]');
      await other.waitForSelector('[data-student]:not([hidden])');
      assert.equal(Object.keys((await app.hub.state(code))!.students).length, 2);
    } finally {
      await other.close();
    }
  });

  it('tells the students within 5 s when the teacher’s page goes away, and when it comes back', async () => {
    assert.equal(await student.getAttribute('[data-class-page]', 'data-teacher-state'), 'following');
    const url = teacher.url();
    await teacher.close();
    const closedAt = Date.now();
    await student.waitForSelector('[data-class-page][data-teacher-state="away"]', { timeout: 5000 });
    assert.ok(Date.now() - closedAt < 5000);
    assert.match((await student.textContent('[data-follow-status]'))!, /L’enseignant s’est absenté/);
    teacher = await context.newPage();
    errors.push(pageErrors(teacher));
    await teacher.goto(url);
    await student.waitForSelector('[data-class-page][data-teacher-state="following"]', { timeout: 5000 });
    assert.equal(await stepOf(student), 5, 'the class resumes where it was');
  });

  it('kept both pages free of errors', () => {
    assert.deepEqual(errors.flat(), []);
  });
});

describe('clicker keys and the language link on /live', function () {
  this.timeout(120_000);
  const KEY = 'presenter-keys-teacher';
  let browser: Browser;
  let server: ServerProcess;
  let context: BrowserContext;

  before(async function () {
    browser = await requireBrowser(this);
    server = await startServer({ BROKER: 'embedded', AMQP_LISTEN: '127.0.0.1:0', TEACHER_KEY: KEY }, 30_000);
    for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  });
  after(async () => {
    await context?.close();
    await server?.stop();
  });

  it('steps through the messages with the clicker keys whatever has the focus, p pauses, and the language link keeps the key', async () => {
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(`${server.url}/live?lang=en&key=${KEY}&vhost=/`);
    await page.waitForSelector('[data-live-status][data-status="watching"]');
    const programUrl = /programs connect to (amqp:\/\/localhost:\d+)/.exec(server.output())![1];
    const connection = await amqp.connect(programUrl.replace('amqp://', 'amqp://guest:guest@'));
    try {
      const ch = await connection.createConfirmChannel();
      await ch.assertExchange('clicker', 'fanout', { durable: false, autoDelete: true });
      const q = await ch.assertQueue('', { exclusive: true });
      await ch.bindQueue(q.queue, 'clicker', '');
      for (let i = 1; i <= 6; i++) ch.publish('clicker', `m${i}`, Buffer.from(`message ${i}`));
      await ch.waitForConfirms();
      await page.waitForFunction(() => document.querySelectorAll('[data-live-message]').length === 6);
      const ids = await page.$$eval('[data-live-message]', (els) => els.map((e) => Number(e.getAttribute('data-live-message'))));
      const first = Math.min(...ids);
      const selected = async () =>
        Number(await page.locator('[data-live-message]:has(button[aria-pressed="true"])').getAttribute('data-live-message'));
      await expectSteppingKeys(page, '/live', {
        step: selected,
        first,
        buttons: ['[data-action="prev"]', '[data-action="next"]', '[data-action="pause"]'],
      });
      // p pauses and resumes, with a button focused too.
      await page.focus('[data-action="next"]');
      await page.keyboard.press('p');
      assert.equal(await page.getAttribute('[data-action="pause"]', 'aria-pressed'), 'true');
      await page.keyboard.press('p');
      assert.equal(await page.getAttribute('[data-action="pause"]', 'aria-pressed'), 'false');

      await page.click('.lang-switch');
      await page.waitForURL(/lang=fr/);
      assert.match(page.url(), new RegExp(`key=${KEY}`));
      await page.waitForSelector('[data-live-status][data-status="watching"]');
      assert.equal(await page.isVisible('[data-live-login]'), false, 'still watching, no login form');
    } finally {
      await connection.close();
    }
    assert.deepEqual(errors, []);
  });
});
