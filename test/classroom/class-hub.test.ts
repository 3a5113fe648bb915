// Bad input on the class's live channel, on both brokers, with the messages a
// forged page would send: a student cannot move the class, answer twice,
// answer for someone else, or see names the teacher hid; forged and expired
// codes get a clear message in the user's language; answers are rate-limited;
// an idle class ends by itself.
import assert from 'node:assert/strict';
import { ClassClient, startClass } from '../../tools/class-client.js';
import { startClassApp, eventually, type ClassApp, type Kind } from './class-fixture.js';

type View = {
  position: { item: number; step: number };
  question?: { answers: number; right: number; who?: unknown[] } | null;
  names?: string[];
  questions?: Record<string, { who?: { name: string }[] }>;
};

for (const kind of ['embedded', 'rabbitmq'] as Kind[]) {
  describe(`the class's live channel refuses what a page may not do, on the ${kind} broker`, function () {
    this.timeout(60_000);
    let app: ClassApp;
    const clients: ClassClient[] = [];
    const open = async () => {
      const c = await ClassClient.open(app.url);
      clients.push(c);
      return c;
    };

    before(async function () {
      app = await startClassApp(this, kind);
    });
    afterEach(() => clients.splice(0).forEach((c) => c.close()));
    after(async () => app?.close());

    async function classWithQuestion() {
      const { code, key } = await startClass(app.url);
      const teacher = await open();
      teacher.send({ type: 'teacher', code, key });
      await teacher.next((m) => m.type === 'view');
      const ana = await open();
      const anaId = await ana.join(code, 'Ana');
      const ben = await open();
      const benId = await ben.join(code, 'Ben');
      teacher.send({ type: 'go', item: 0, step: 1 });
      teacher.send({ type: 'ask' });
      await ana.next((m) => m.type === 'view' && (m.view as { open: string | null }).open === '0.1');
      return { code, key, teacher, ana, ben, anaId, benId };
    }

    it('gives a student who tries to drive the class an error, and the class stays where it is', async () => {
      const { code, ana } = await classWithQuestion();
      for (const request of [
        { type: 'go', item: 0, step: 3 },
        { type: 'ask' },
        { type: 'reveal' },
        { type: 'hide-names', hidden: true },
        { type: 'end' },
      ]) {
        const since = ana.received.length;
        ana.send(request);
        const m = await ana.next((x) => x.type === 'error', 5000, since);
        assert.equal(m.key, 'class.error.teacher-only', JSON.stringify(request));
      }
      const state = (await app.hub.state(code))!;
      assert.deepEqual(state.position, { item: 0, step: 1 });
      assert.equal(state.ended, false);
      assert.equal(state.hideNames, false);
      assert.equal(state.questions['0.1'].revealed, false);
    });

    it('refuses a forged teacher key, and a tab that is not in the class', async () => {
      const { code } = await classWithQuestion();
      const forger = await open();
      forger.send({ type: 'teacher', code, key: 'not-the-key' });
      assert.equal((await forger.next((m) => m.type === 'error')).key, 'class.error.teacher-key');
      forger.send({ type: 'go', item: 0, step: 2 });
      assert.equal((await forger.next((m) => m.type === 'error' && m.key !== 'class.error.teacher-key')).key, 'class.error.hello-first');
      assert.deepEqual((await app.hub.state(code))!.position, { item: 0, step: 1 });
    });

    it('counts a student once however often they answer; the last answer stands until the reveal', async () => {
      const { teacher, ana } = await classWithQuestion();
      ana.send({ type: 'answer', key: '0.1', queues: ['Q2'] });
      await ana.next((m) => m.type === 'answered');
      ana.send({ type: 'answer', key: '0.1', queues: ['Q1', 'Q2'] });
      await ana.next((m) => m.type === 'answered', 5000, ana.received.length);
      const view = await eventually('one answer, right', () => {
        const v = teacher.view<View>();
        return v?.question?.answers === 1 && v.question.right === 1 && v;
      });
      assert.equal(view.question!.answers, 1);
      teacher.send({ type: 'reveal' });
      await ana.next((m) => m.type === 'view' && JSON.stringify(m.view).includes('"revealed":true'));
      ana.send({ type: 'answer', key: '0.1', queues: ['Q1'] });
      assert.equal((await ana.next((m) => m.type === 'error')).key, 'class.error.revealed');
    });

    it('lets no one answer for someone else: a student speaks only with their own token', async () => {
      const { code, teacher, ben } = await classWithQuestion();
      const forger = await open();
      forger.send({ type: 'student', code, token: 'forged-token' });
      assert.equal((await forger.next((m) => m.type === 'error')).key, 'class.error.token');
      // The protocol has no "student id" to forge: an answer carries none.
      ben.send({ type: 'answer', key: '0.1', queues: ['Q1'], studentId: 'someone' });
      assert.equal((await ben.next((m) => m.type === 'error')).key, 'class.error.request');
      forger.send({ type: 'answer', key: '0.1', queues: ['Q1'] });
      await forger.next((m) => m.type === 'error' && m.key === 'class.error.hello-first');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(teacher.view<View>()!.question!.answers, 0);
    });

    it('shows who was right on the projector only, while the teacher shows names; a student never gets another’s name', async () => {
      const { teacher, ana, ben } = await classWithQuestion();
      const since = ben.received.length;
      ana.send({ type: 'answer', key: '0.1', queues: ['Q1', 'Q2'] });
      ben.send({ type: 'answer', key: '0.1', queues: ['Q1', 'Q2'] });
      await eventually('two answers', () => teacher.view<View>()?.question?.answers === 2);
      teacher.send({ type: 'hide-names', hidden: true });
      await teacher.next((m) => m.type === 'view' && (m.view as { hideNames: boolean }).hideNames);
      teacher.send({ type: 'reveal' });
      await ben.next((m) => m.type === 'view' && JSON.stringify(m.view).includes('"revealed":true'));
      assert.doesNotMatch(JSON.stringify(teacher.view()), /Ana/);
      teacher.send({ type: 'hide-names', hidden: false });
      const shown = await teacher.next((m) => m.type === 'view' && JSON.stringify(m.view).includes('Ana'));
      assert.deepEqual((shown.view as View).question!.who!.map((w) => (w as { name: string }).name).sort(), ['Ana', 'Ben']);
      await new Promise((r) => setTimeout(r, 300)); // the views the names' change sends the students
      assert.doesNotMatch(JSON.stringify(ben.received.slice(since)), /Ana/);
    });

    /** A class at its challenge (item 1, topic-star: receive A and B but not C), asked; Ana's key is right, Ben's is not. */
    async function challengeAnswered(query?: string) {
      const { code, key } = await startClass(app.url, query);
      const teacher = await open();
      teacher.send({ type: 'teacher', code, key });
      await teacher.next((m) => m.type === 'view');
      const ana = await open();
      await ana.join(code, 'Ana');
      const ben = await open();
      await ben.join(code, 'Ben');
      teacher.send({ type: 'go', item: 1, step: 0 });
      teacher.send({ type: 'ask' });
      await ana.next((m) => m.type === 'view' && (m.view as { open: string | null }).open === '1.0');
      await ben.next((m) => m.type === 'view' && (m.view as { open: string | null }).open === '1.0');
      ana.send({ type: 'answer', key: '1.0', text: '*.orders.created' });
      ben.send({ type: 'answer', key: '1.0', text: 'eu.#' });
      await ana.next((m) => m.type === 'answered');
      await ben.next((m) => m.type === 'answered');
      await eventually('two answers', () => teacher.view<View>()?.question?.answers === 2);
      return { teacher, ana, ben };
    }
    const graded = (c: ClassClient) =>
      c.received.filter((m) => m.type === 'graded') as unknown as { text: string; grade: { right: boolean } }[];

    it('grades a challenge at the reveal: before it nobody learns whether they are right, after it each learns only their own', async () => {
      const { teacher, ana, ben } = await challengeAnswered();
      await new Promise((r) => setTimeout(r, 300));
      for (const c of [ana, ben]) {
        assert.deepEqual(graded(c), [], 'no grade before the reveal');
        assert.doesNotMatch(JSON.stringify(c.view()), /"right":true/);
      }
      teacher.send({ type: 'reveal' });
      await ana.next((m) => m.type === 'graded');
      await ben.next((m) => m.type === 'graded');
      assert.deepEqual(
        graded(ana).map((g) => [g.text, g.grade.right]),
        [['*.orders.created', true]],
      );
      assert.deepEqual(
        graded(ben).map((g) => [g.text, g.grade.right]),
        [['eu.#', false]],
      );
      assert.equal(teacher.view<View>()!.question!.right, 1);
    });

    it('with instant feedback chosen at creation, grades each answer as it is sent', async () => {
      const { ana, ben } = await challengeAnswered('scenario=direct&challenge=topic-star&feedback=instant');
      await ana.next((m) => m.type === 'graded', 10_000, 0);
      await ben.next((m) => m.type === 'graded', 10_000, 0);
      assert.equal(graded(ana)[0].grade.right, true);
      assert.equal(graded(ben)[0].grade.right, false);
    });

    it('says clearly, in the user’s language, that a code is forged or its class over', async () => {
      const tab = await open();
      tab.send({ type: 'join', code: 'ZZZZZZ', name: 'Ana' });
      assert.equal((await tab.next((m) => m.type === 'error')).key, 'class.error.no-class');
      const again = await open();
      again.send({ type: 'join', code: 'abc', name: 'Ana' });
      assert.equal((await again.next((m) => m.type === 'error')).key, 'class.error.bad-code');
      const fr = await fetch(`${app.url}/join?code=ZZZZZZ&lang=fr`);
      assert.equal(fr.status, 404);
      assert.match(await fr.text(), /Aucune séance n’a ce code/);
      const en = await fetch(`${app.url}/join?code=abc`, { headers: { 'accept-language': 'en' } });
      assert.match(await en.text(), /A class code has 6 letters and digits/);
      // An ended class: its code is expired.
      const { code, teacher } = await classWithQuestion();
      teacher.send({ type: 'end' });
      await teacher.next((m) => m.type === 'ended');
      const late = await open();
      late.send({ type: 'join', code, name: 'Late' });
      assert.equal((await late.next((m) => m.type === 'error')).key, 'class.error.no-class');
      assert.match(await (await fetch(`${app.url}/join?code=${code}&lang=fr`)).text(), /la séance est peut-être aussi terminée/);
      const teach = await fetch(`${app.url}/class/${code}/teach`);
      assert.equal(teach.status, 404);
    });

    it('rate-limits answers: a burst beyond the bucket is told to slow down, and still counts once', async () => {
      const { teacher, ana } = await classWithQuestion();
      for (let i = 0; i < 15; i++) ana.send({ type: 'answer', key: '0.1', queues: i % 2 ? ['Q1'] : ['Q2'] });
      await ana.next((m) => m.type === 'error' && m.key === 'class.error.slow-down');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(teacher.view<View>()!.question!.answers, 1);
    });

    it('refuses junk on the channel without closing it', async () => {
      const { code } = await classWithQuestion();
      const tab = await open();
      for (const junk of ['not json', '{"type":"nope"}', JSON.stringify({ type: 'join', code, name: 'x'.repeat(500) })]) {
        const since = tab.received.length;
        tab.send(junk);
        assert.equal((await tab.next((m) => m.type === 'error', 5000, since)).key, 'class.error.request');
      }
      await tab.join(code, 'Still here');
    });

    it('ends a class nobody touched for the idle time', async function () {
      // Long enough for the teacher's page to attach first (on RabbitMQ it binds a queue to the class's events).
      const idle = await startClassApp(this, kind, { idleMs: 2000, idleCheckMs: 100 });
      try {
        const { code, key } = await startClass(idle.url);
        const teacher = await ClassClient.open(idle.url);
        clients.push(teacher);
        teacher.send({ type: 'teacher', code, key });
        await teacher.next((m) => m.type === 'ended', 10_000);
        assert.equal(await idle.hub.state(code), null);
      } finally {
        await idle.close();
      }
    });
  });
}
