// Issue 15's "done when", on both brokers: one teacher page and 12 student
// pages (some in French) as tabs of ONE browser context (so they share the
// 6-connections-per-host limit, as a real classroom laptop cart would not,
// but one teacher testing on her own machine would). The teacher steps and
// the students follow; everyone answers; the tally counts 12 with the right
// split; reveal; a student's → does not move the class; a challenge solved by
// some and failed by others, each shown the engine's reason.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pageErrors, requireBrowser } from '../helpers/browser.js';
import { startClassApp, type ClassApp, type Kind } from '../classroom/class-fixture.js';

const STUDENTS = 12;
const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/classroom-shots';

interface Tab {
  page: Page;
  name: string;
  lang: 'en' | 'fr';
  errors: string[];
}

for (const kind of ['embedded', 'rabbitmq'] as Kind[]) {
  describe(`a class of 12 in one browser, on the ${kind} broker`, function () {
    this.timeout(240_000);
    let browser: Browser;
    let context: BrowserContext;
    let app: ClassApp;
    let teacher: Tab;
    const students: Tab[] = [];
    let code: string;
    let joinLink: string;

    before(async function () {
      browser = await requireBrowser(this);
      app = await startClassApp(this, kind);
      context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    });
    after(async () => {
      await context?.close();
      await app?.close();
    });

    const step = (tab: Tab) => tab.page.locator('[data-step]').first().getAttribute('data-step');
    const waitStep = (tab: Tab, n: number) => tab.page.waitForSelector(`[data-step="${n}"]`, { timeout: 20_000 });
    const click = async (tab: Tab, selector: string) => {
      await tab.page.bringToFront();
      await tab.page.click(selector);
    };

    it('starts a class from /class/new?scenario=direct with a code, a join link and a QR code', async () => {
      const page = await context.newPage();
      teacher = { page, name: 'teacher', lang: 'en', errors: pageErrors(page) };
      await page.goto(`${app.url}/class/new?scenario=direct&challenge=topic-star&lang=en`);
      assert.match(page.url(), /\/class\/[A-Z0-9]{6}\/teach/);
      code = (await page.textContent('[data-class-code]'))!.trim();
      assert.match(code, /^[A-Z2-9]{6}$/);
      // Opened as 127.0.0.1, the page gives students this machine's LAN address (same port), not loopback.
      joinLink = (await page.getAttribute('[data-join-link]', 'href'))!;
      const link = new URL(joinLink);
      assert.equal(link.pathname + link.search, `/join?code=${code}`);
      assert.equal(link.port, new URL(app.url).port);
      assert.ok(!/^(127\.|localhost$|\[::1\]$)/.test(link.hostname), `the join link's host is not loopback: ${link.hostname}`);
      // The QR code is an SVG drawn by this server.
      const qr = await page.evaluate(
        async (src) => {
          const res = await fetch(src);
          return { type: res.headers.get('content-type'), body: await res.text() };
        },
        (await page.getAttribute('[data-qr]', 'src'))!,
      );
      assert.match(qr.type!, /image\/svg\+xml/);
      assert.match(qr.body, /<svg[^>]*>.*<path/s);
      await page.waitForSelector('[data-class-status]:has-text("Connected")');
    });

    it('lets 12 students join, some in French, and the projector counts them', async () => {
      for (let i = 0; i < STUDENTS; i++) {
        const lang = i % 3 === 0 ? 'fr' : 'en';
        const page = await context.newPage();
        const tab: Tab = { page, name: `${lang === 'fr' ? 'Élève' : 'Student'} ${i + 1}`, lang, errors: pageErrors(page) };
        // Half type the code themselves, half come by the link the projector shows (the QR code's).
        await page.goto(i % 2 === 0 ? `${joinLink}&lang=${lang}` : `${app.url}/join?lang=${lang}`);
        if (i % 2 === 1) await page.fill('[name=code]', code.toLowerCase());
        await page.fill('[name=name]', tab.name);
        await page.click('[data-action=join]');
        await page.waitForSelector('[data-student]:not([hidden])', { timeout: 20_000 });
        students.push(tab);
      }
      await teacher.page.waitForSelector(`[data-students-count]:has-text("${STUDENTS}")`);
      const fr = students.find((s) => s.lang === 'fr')!;
      assert.equal(await fr.page.textContent('[data-follow-status]'), 'Vous suivez l’enseignant.');
    });

    it('moves every student page with the teacher’s → and ←', async () => {
      await click(teacher, '[data-action=next]');
      await waitStep(teacher, 1);
      for (const s of students) await waitStep(s, 1);
      await click(teacher, '[data-action=next]');
      for (const s of students) await waitStep(s, 2);
      await click(teacher, '[data-action=prev]');
      for (const s of students) await waitStep(s, 1);
      // Students see the teacher's message, in their own language.
      const fr = students.find((s) => s.lang === 'fr')!;
      assert.match((await fr.page.textContent('[data-message-card]'))!, /Clé de routage\s*error/);
    });

    it('asks a step with a message as the teacher reaches it: no student page shows a hit queue or the why before the reveal', async () => {
      // The class is at step 1 (error): a question already, so Ask has nothing to do.
      await teacher.page.waitForSelector('[data-action=ask][disabled]');
      await teacher.page.waitForSelector('[data-class-page][data-pending="true"]');
      assert.equal(await teacher.page.locator('[data-queue][data-hit="true"]').count(), 0, 'the projector shows the tally, not the answer');
      for (const s of students) {
        await s.page.waitForSelector('[data-predict-option="Q1"]:not([disabled])', { timeout: 20_000 });
        assert.equal(await s.page.locator('[data-queue][data-hit="true"]').count(), 0, `${s.name} sees no hit queue`);
        assert.doesNotMatch((await s.page.textContent('[data-why]'))!, /Q1|Q2|→/, `${s.name} sees no why`);
        assert.match((await s.page.textContent('[data-message-card]'))!, /error/, `${s.name} sees the message`);
      }
    });

    it('counts every answer in the tally, with the split of the queues chosen, and reveals who got it', async () => {
      // 7 right (error → Q1 and Q2), 3 only Q2, 2 nowhere.
      const picks = students.map((_, i) => (i < 7 ? ['Q1', 'Q2'] : i < 10 ? ['Q2'] : []));
      for (const [i, s] of students.entries()) {
        await s.page.bringToFront();
        await s.page.waitForSelector('[data-predict-option="Q1"]:not([disabled])', { timeout: 20_000 });
        for (const q of picks[i]) await s.page.check(`[data-predict-option="${q}"]`);
        await s.page.click('[data-action=answer]');
        await s.page.waitForSelector('[data-answer-status][data-state="sent"]', { timeout: 20_000 });
      }
      await teacher.page.waitForSelector(`[data-tally][data-answers="${STUDENTS}"]`, { timeout: 20_000 });
      assert.equal(await teacher.page.getAttribute('[data-tally]', 'data-right'), '7');
      assert.equal(await teacher.page.textContent('[data-tally-text]'), `${STUDENTS} of ${STUDENTS} answered · answers are open`);
      // The chart draws each set of queues chosen, with its count.
      const bars = await teacher.page.evaluate(() => {
        const chart = (
          window as unknown as { Chart: { getChart(c: Element): { data: { labels: string[]; datasets: { data: number[] }[] } } } }
        ).Chart.getChart(document.querySelector('[data-tally-chart]')!);
        return Object.fromEntries(chart.data.labels.map((l, i) => [l, chart.data.datasets[0].data[i]]));
      });
      assert.deepEqual(bars, { 'Q1 + Q2': 7, Q2: 3, nowhere: 2 });

      await click(teacher, '[data-action=reveal]');
      await teacher.page.waitForSelector('[data-tally][data-revealed="true"]');
      assert.equal(await teacher.page.textContent('[data-tally-text]'), `${STUDENTS} of ${STUDENTS} answered · 7 right`);
      assert.equal(await teacher.page.locator('[data-who] [data-who-right="true"]').count(), 7);
      assert.match((await teacher.page.textContent('[data-who]'))!, /✓ Élève 1/);
      // Each student sees their verdict and their own score, in their language.
      const first = students[0]; // French, right
      await first.page.waitForSelector('[data-answer-status][data-state="right"]');
      assert.match((await first.page.textContent('[data-answer-status]'))!, /^Bravo !/);
      assert.equal(await first.page.textContent('[data-score]'), 'score : 1 / 1');
      const wrong = students[8]; // English, chose only Q2
      await wrong.page.waitForSelector('[data-answer-status][data-state="wrong"]');
      assert.equal(await wrong.page.textContent('[data-score]'), 'score: 0 / 1');
      await teacher.page.evaluate(() => window.scrollTo(0, 0));
      mkdirSync(SHOTS, { recursive: true });
      await teacher.page.screenshot({ path: `${SHOTS}/projector-${kind}-reveal.png` });
    });

    it('hides the names from the projector and from students when the teacher says so', async () => {
      await teacher.page.bringToFront();
      await teacher.page.check('[data-action=hide-names]');
      await teacher.page.waitForSelector('[data-who]:has-text("Names are hidden.")');
      assert.equal(await teacher.page.locator('[data-who] [data-who-right]').count(), 0);
      const s = students[3];
      await s.page.waitForFunction(() => !document.querySelector('[data-answer-status] [data-who]'));
      assert.doesNotMatch((await s.page.textContent('[data-answer-status]'))!, /Student 2/);
      await teacher.page.uncheck('[data-action=hide-names]');
    });

    it('does not move the class when a student presses →; a student looks back and returns to follow', async () => {
      const s = students[5];
      await s.page.bringToFront();
      await s.page.keyboard.press('ArrowRight');
      await s.page.keyboard.press('ArrowRight');
      await s.page.waitForTimeout(300);
      assert.equal(await step(teacher), '1');
      assert.equal(await step(s), '1');
      assert.equal((await app.hub.state(code))!.position.step, 1);
      // Looking back: the student's own page only.
      await s.page.click('[data-action=prev]');
      await waitStep(s, 0);
      assert.match((await s.page.textContent('[data-follow-status]'))!, /looking back at step 0/);
      assert.equal(await step(teacher), '1');
      await click(teacher, '[data-action=next]');
      await waitStep(students[0], 2);
      assert.equal(await step(s), '0');
      await click(s, '[data-action=follow]');
      await waitStep(s, 2);
      assert.equal(await s.page.textContent('[data-follow-status]'), 'Following the teacher.');
    });

    it('grades a challenge with the engine at the reveal: some solve it, the others see why theirs fails, each only their own', async () => {
      // From step 2 of direct (4 steps) to the challenge, item 1.
      for (let k = 0; k < 3; k++) await click(teacher, '[data-action=next]');
      await teacher.page.waitForSelector('[data-item-title]:has-text("Topic")');
      await click(teacher, '[data-action=ask]');
      for (const [i, s] of students.entries()) {
        await s.page.bringToFront();
        await s.page.waitForSelector('[name=binding]:not([disabled])', { timeout: 20_000 });
        // One prompt (by the messages), and a hint that fits a typed key.
        assert.equal(await s.page.locator('[data-challenge-prompt]:visible, [data-predict-question]:visible').count(), 1);
        assert.match(
          (await s.page.textContent('[data-answer-status]'))!,
          s.lang === 'fr' ? /Saisissez une clé de liaison/ : /Type a binding key/,
        );
        await s.page.fill('[name=binding]', i % 2 === 0 ? '*.orders.created' : 'eu.#');
        await s.page.click('[data-action=answer]');
        await s.page.waitForSelector('[data-answer-status][data-state="sent"]', { timeout: 20_000 });
        // Graded at the reveal: no verdict to retry against before it.
        assert.match(
          (await s.page.textContent('[data-answer-status]'))!,
          s.lang === 'fr' ? /corrigée quand/ : /graded when the teacher reveals/,
        );
      }
      await teacher.page.waitForSelector(`[data-tally][data-answers="${STUDENTS}"]`, { timeout: 20_000 });
      for (const s of students) assert.equal(await s.page.locator('[data-challenge-result][data-verdict]').count(), 0);
      await click(teacher, '[data-action=reveal]');
      for (const s of students) await s.page.waitForSelector('[data-challenge-result][data-verdict]', { timeout: 20_000 });
      assert.equal(await teacher.page.getAttribute('[data-tally]', 'data-right'), String(STUDENTS / 2));
      // Who was right is the projector's: no student's page names another student.
      for (const s of students) {
        const others = new RegExp(
          students
            .filter((o) => o !== s)
            .map((o) => `${o.name}(?!\\d)`)
            .join('|'),
        );
        assert.doesNotMatch((await s.page.textContent('body'))!, others, `${s.name}'s page names another student`);
      }
      const solved = students[2];
      assert.match((await solved.page.textContent('[data-challenge-result]'))!, /^Solved!/);
      // eu.# receives A but misses B (us.orders.created) and wrongly gets C.
      const failed = students[1];
      const result = failed.page.locator('[data-challenge-result]');
      assert.match((await result.textContent())!, /^Not yet\./);
      assert.equal(await failed.page.locator('[data-reason]').count(), 2);
      assert.match((await failed.page.textContent('[data-reason="B"]'))!, /B should reach mine, but does not/);
      assert.match((await failed.page.textContent('[data-reason="B"]'))!, /eu/);
      // A French student reads the engine's reason in French.
      const frFailed = students.find((s, i) => s.lang === 'fr' && i % 2 === 1)!;
      assert.match((await frFailed.page.textContent('[data-reason="C"]'))!, /C ne devrait pas atteindre mine, mais l’atteint/);
      await teacher.page.waitForSelector('[data-tally][data-revealed="true"]');
      assert.equal(await teacher.page.textContent('[data-tally-text]'), `${STUDENTS} of ${STUDENTS} answered · ${STUDENTS / 2} right`);
      await solved.page.waitForSelector('[data-score]:has-text("2 / 2")');
      await teacher.page.evaluate(() => window.scrollTo(0, 0));
      await teacher.page.screenshot({ path: `${SHOTS}/projector-${kind}-challenge.png` });
      await frFailed.page.setViewportSize({ width: 1280, height: 720 });
      await frFailed.page.screenshot({ path: `${SHOTS}/student-fr-${kind}-challenge-1280x720.png` });
    });

    it('exports the results as CSV for the teacher only', async () => {
      const csv = await teacher.page.evaluate(async (href) => (await fetch(href)).text(), `/class/${code}/results.csv`);
      const lines = csv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      assert.equal(lines.length, STUDENTS + 1);
      // Every step the class went through was a question (direct 2–4 moved on without a reveal: not scored).
      assert.equal(lines[0], 'name,joined,direct 1,direct 2,direct 3,direct 4,challenge topic-star,right,asked');
      assert.match(lines[1], /^Élève 1,[^,]+,Q1 Q2 \(right\),,,,\*\.orders\.created \(right\),2,2$/);
      // Without the teacher's key (cookie or ?key=): refused, and said so.
      for (const query of ['', '?key=forged']) {
        const res = await fetch(`${app.url}/class/${code}/results.csv${query}`);
        assert.equal(res.status, 403);
        assert.match(await res.text(), /Only the teacher’s link can drive this class/);
      }
    });

    it('refuses a second “Élève 1” (“ELEVE 1”: case and accents do not make another name), saying so', async () => {
      const other = await context.newPage();
      try {
        await other.goto(`${joinLink}&lang=fr`);
        await other.fill('[name=name]', 'ELEVE 1');
        await other.click('[data-action=join]');
        await other.waitForSelector('[data-join-error]:not(:empty)');
        assert.match((await other.textContent('[data-join-error]'))!, /s’appelle déjà « ELEVE 1 »/);
        assert.equal(await other.isVisible('[data-student]'), false);
        assert.equal(Object.keys((await app.hub.state(code))!.students).length, STUDENTS);
      } finally {
        await other.close();
      }
    });

    it('tells every student within 5 s when the teacher’s page goes away, and when it comes back', async () => {
      const url = teacher.page.url();
      await teacher.page.close();
      const closedAt = Date.now();
      for (const s of students) await s.page.waitForSelector('[data-class-page][data-teacher-state="away"]', { timeout: 5000 });
      assert.ok(Date.now() - closedAt < 5000, `${Date.now() - closedAt} ms`);
      const fr = students.find((s) => s.lang === 'fr')!;
      assert.match((await fr.page.textContent('[data-follow-status]'))!, /L’enseignant s’est absenté/);
      const page = await context.newPage();
      teacher = { page, name: 'teacher', lang: 'en', errors: pageErrors(page) };
      await page.goto(url);
      for (const s of students) await s.page.waitForSelector('[data-class-page][data-teacher-state="following"]', { timeout: 5000 });
    });

    it('kept every page free of errors', () => {
      assert.deepEqual(
        [teacher, ...students].flatMap((t) => t.errors),
        [],
      );
    });
  });
}
