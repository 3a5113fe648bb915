// Every page and state a user meets, in one language, on the server as
// `npm start` runs it (embedded broker, its AMQP listener, a teacher key):
// the home page; every scenario before stepping and at a step with its why;
// predict mode asked and revealed; the sandbox empty, filled and with a
// broker refusal; the chat before and after joining; /live with a program's
// traffic; the class teacher's and a student's pages at the join, at a
// question, at the reveal and at a challenge, and the class forms. The
// accessibility and the language tests visit the same list.
import amqp from 'amqplib';
import type { BrowserContext, Page } from 'playwright-core';
import { encodeShareLink } from '../../src/sandbox/share-link.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { tutorialState } from '../sandbox/tutorial.js';

export type Visit = (state: string, page: Page) => Promise<void>;

export const WALK_TEACHER_KEY = 'page-walk-teacher';

/** The server the walk runs on; stop it after. */
export async function startWalkServer(): Promise<ServerProcess> {
  const server = await startServer({ BROKER: 'embedded', AMQP_LISTEN: '127.0.0.1:0', TEACHER_KEY: WALK_TEACHER_KEY }, 30_000);
  for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
  return server;
}

export async function walkPages(server: ServerProcess, context: BrowserContext, lang: 'en' | 'fr', visit: Visit): Promise<void> {
  const base = server.url.replace('localhost', '127.0.0.1');
  const page = await context.newPage();
  const open = async (path: string, ready: string) => {
    // A new document every time (a link that differs by its #fragment only would not load again).
    await page.goto('about:blank');
    const [where, fragment] = path.split('#');
    await page.goto(`${base}${where}${where.includes('?') ? '&' : '?'}lang=${lang}${fragment ? `#${fragment}` : ''}`);
    await page.waitForSelector(ready);
  };

  await open('/', 'main');
  await visit('home', page);

  for (const s of loadScenarios()) {
    for (const step of [0, Math.min(3, s.steps.length)]) {
      await open(`/scenarios/${s.id}?step=${step}`, '[data-scenario-page][data-ready="true"]');
      await visit(`${s.id} step ${step}`, page);
    }
  }

  await open('/scenarios/topic?step=4', '[data-scenario-page][data-ready="true"]');
  await page.check('[data-action="predict"]');
  await page.click('[data-action="next"]');
  await page.waitForSelector('[data-scenario-page][data-pending="true"]');
  await visit('predict asked', page);
  await page.locator('[data-predict-options] input').first().check();
  await page.click('[data-action="reveal"]');
  await page.waitForSelector('[data-scenario-page][data-pending="false"]');
  await visit('predict revealed', page);

  await open('/sandbox', '[data-sandbox-page][data-ready="true"]');
  await visit('sandbox empty', page);
  await open(`/sandbox#s=${encodeShareLink(tutorialState())}`, '[data-sandbox-page][data-ready="true"]');
  await page.waitForSelector('[data-sandbox-page][data-run-state="done"]');
  await visit('sandbox filled', page);
  const refused = tutorialState();
  refused.topology.exchanges.push({ name: 'amq.mine', type: 'direct', durable: false, auto_delete: false, internal: false, arguments: {} });
  await open(`/sandbox#s=${encodeShareLink(refused)}`, '[data-sandbox-page][data-ready="true"]');
  await page.waitForSelector('[data-setup-error]:not([hidden])');
  await visit('sandbox with a refusal', page);

  await open('/chat', '[name=name]');
  await visit('chat before joining', page);
  await page.fill('[name=name]', lang === 'fr' ? 'Zoé' : 'Zoe');
  await page.click('[data-action=join]');
  await page.waitForSelector('[data-chat-status][data-state=online]');
  await visit('chat after joining', page);

  await open(`/live?key=${WALK_TEACHER_KEY}&vhost=/`, '[data-live-status][data-status="watching"]');
  const programUrl = /programs connect to (amqp:\/\/localhost:\d+)/.exec(server.output())![1];
  const connection = await amqp.connect(programUrl.replace('amqp://', 'amqp://guest:guest@'));
  try {
    const ch = await connection.createConfirmChannel();
    await ch.assertExchange('topic_logs', 'topic', { durable: false, autoDelete: true });
    const q = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(q.queue, 'topic_logs', '*.critical');
    for (const key of ['kern.critical', 'cron.info']) ch.publish('topic_logs', key, Buffer.from(`A ${key} message`));
    await ch.waitForConfirms();
    await page.waitForFunction(() => document.querySelectorAll('[data-live-message]').length === 2);
    await visit('/live with traffic', page);
  } finally {
    await connection.close();
  }

  await open('/class/new', 'form');
  await visit('class: new', page);
  await open(`/class/new?scenario=direct&challenge=topic-star`, '[data-class-code]');
  const teacher = page;
  const code = (await teacher.textContent('[data-class-code]'))!.trim();
  const student = await context.newPage();
  await student.goto(`${base}/join?code=${code}&lang=${lang}`);
  await visit('class: join form', student);
  await student.fill('[name=name]', lang === 'fr' ? 'Zoé' : 'Zoe');
  await student.click('[data-action=join]');
  await student.waitForSelector('[data-student]:not([hidden])');
  await teacher.waitForSelector('[data-students-count]:has-text("1")');
  await visit('class teacher: joined', teacher);
  await visit('class student: joined', student);

  await teacher.click('[data-action=next]');
  await student.waitForSelector('[data-predict-option="Q1"]:not([disabled])');
  await student.check('[data-predict-option="Q1"]');
  await student.click('[data-action=answer]');
  await teacher.waitForSelector('[data-tally][data-answers="1"]');
  await visit('class teacher: question', teacher);
  await visit('class student: question', student);

  await teacher.click('[data-action=reveal]');
  await student.waitForSelector('[data-class-page][data-pending="false"]');
  await visit('class teacher: revealed', teacher);
  await visit('class student: revealed', student);

  // The challenge comes after the scenario's 4 steps.
  for (let k = 0; k < 4; k++) await teacher.click('[data-action=next]');
  await teacher.waitForSelector('[data-class-page][data-item-kind="challenge"]');
  await teacher.click('[data-action=ask]');
  await student.waitForSelector('[name=binding]:not([disabled])');
  await student.fill('[name="binding"]', '*.orders.*');
  await student.click('[data-action=answer]');
  await teacher.waitForSelector('[data-tally][data-answers="1"]');
  await teacher.click('[data-action=reveal]');
  await student.waitForSelector('[data-answer-status][data-state="wrong"], [data-answer-status][data-state="right"]');
  await visit('class teacher: challenge revealed', teacher);
  await visit('class student: challenge revealed', student);
  await student.close();
  await page.close();
}
