// A class on one AMQP listener (CLASS_PASSWORD, the embedded broker, the
// server as `npm start` runs it): three students each declare a queue and
// publish a private body from their own program, in their own "/" — which
// the listener makes a vhost of their own; then all three run RabbitMQ
// tutorial 5's programs. Each student watching /live with their name and
// password sees exactly their own queues, bindings and bodies, never
// another's; the teacher's key lists the three vhosts by user name and opens
// any of them.
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import WebSocket from 'ws';
import type { Browser } from 'playwright-core';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { runTutorial, type Program } from '../../tools/tutorial-program.js';
import { pageErrors, requireBrowser } from '../helpers/browser.js';

const KEY = 'isolation-teacher-key';
const PASSWORD = 'class-pw';
const STUDENTS = ['alice', 'bob', 'carol'];

interface Seen {
  welcome: { vhost: string; teacher: boolean; vhosts: string[] } | null;
  text: string;
  error: string | null;
}

/** Watches /live over its WebSocket for `ms` and returns everything the server sent. */
async function watch(url: string, request: Record<string, string>, ms = 1500): Promise<Seen> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/live/ws`);
  const seen: Seen = { welcome: null, text: '', error: null };
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(String(data)) as { type: string; key?: string } & Seen['welcome'];
    if (m.type === 'welcome') seen.welcome = m;
    else if (m.type === 'error') seen.error = m.key ?? '?';
    seen.text += String(data);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'watch', ...request }));
  await new Promise((r) => setTimeout(r, ms));
  ws.close();
  return seen;
}

describe('/live in a class on one listener: each student sees only their own', function () {
  this.timeout(60_000);
  let server: ServerProcess;
  let amqpUrl: string;
  const connections: amqp.ChannelModel[] = [];

  before(async () => {
    server = await startServer({ BROKER: 'embedded', AMQP_LISTEN: '127.0.0.1:0', TEACHER_KEY: KEY, CLASS_PASSWORD: PASSWORD }, 30_000);
    for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
    amqpUrl = /programs connect to (amqp:\/\/localhost:\d+)/.exec(server.output())![1]!;
    // Each student's program: their own queue, a private body published to it on the default exchange.
    for (const name of STUDENTS) {
      const connection = await amqp.connect(amqpUrl.replace('amqp://', `amqp://${name}:${PASSWORD}@`));
      connections.push(connection);
      const ch = await connection.createConfirmChannel();
      await ch.assertQueue(`${name}-secret-queue`, { durable: false });
      ch.sendToQueue(`${name}-secret-queue`, Buffer.from(`${name} private body`));
      await ch.waitForConfirms();
    }
  });
  after(async () => {
    await Promise.all(connections.map((c) => c.close().catch(() => {})));
    await server?.stop();
  });

  for (const name of STUDENTS)
    it(`${name}, watching "/" with her own name, sees her queue and body and nobody else's`, async () => {
      const seen = await watch(server.url, { vhost: '/', user: name, password: PASSWORD });
      assert.equal(seen.error, null);
      assert.equal(seen.welcome?.vhost, '/');
      assert.equal(seen.welcome?.teacher, false);
      assert.match(seen.text, new RegExp(`${name}-secret-queue`));
      assert.match(seen.text, new RegExp(`${name} private body`));
      for (const other of STUDENTS.filter((n) => n !== name)) {
        assert.doesNotMatch(seen.text, new RegExp(`${other}-secret-queue`), `${name} sees ${other}'s queue`);
        assert.doesNotMatch(seen.text, new RegExp(`${other} private body`), `${name} sees ${other}'s message`);
      }
    });

  it('with RabbitMQ tutorial 5 running for all three (receive_logs_topic, emit_log_topic), each sees only her own logs; the teacher, all three', async () => {
    const programs: Program[] = [];
    try {
      for (const name of STUDENTS) {
        const receiver = runTutorial('receive_logs_topic.js', [`${name}.*`], url(name));
        programs.push(receiver);
        await receiver.waitFor(/Waiting for logs/);
      }
      for (const name of STUDENTS) {
        const emit = runTutorial('emit_log_topic.js', [`${name}.critical`, `${name} tutorial log`], url(name));
        programs.push(emit);
        await emit.waitFor(/Sent/);
      }
      // Each receiver got its own student's log, in its own vhost's topic_logs.
      for (const [i, name] of STUDENTS.entries()) await programs[i].waitFor(new RegExp(`${name}\\.critical:'${name} tutorial log'`));
      for (const name of STUDENTS) {
        const seen = await watch(server.url, { vhost: '/', user: name, password: PASSWORD });
        assert.equal(seen.error, null);
        assert.match(seen.text, /topic_logs/);
        assert.match(seen.text, new RegExp(`${name} tutorial log`));
        assert.match(seen.text, new RegExp(`"${name}\\.\\*"`), `${name} sees her receiver's binding`);
        for (const other of STUDENTS.filter((n) => n !== name)) {
          assert.doesNotMatch(seen.text, new RegExp(`${other} tutorial log`), `${name} sees ${other}'s log`);
          assert.doesNotMatch(seen.text, new RegExp(`"${other}\\.\\*"`), `${name} sees ${other}'s binding`);
        }
      }
      for (const name of STUDENTS) {
        const seen = await watch(server.url, { vhost: `user:${name}`, key: KEY }, 800);
        assert.match(seen.text, new RegExp(`${name} tutorial log`), `the teacher sees ${name}'s log`);
        for (const other of STUDENTS.filter((n) => n !== name)) assert.doesNotMatch(seen.text, new RegExp(`${other} tutorial log`));
      }
    } finally {
      await Promise.all(programs.map((p) => p.stop()));
    }
    function url(name: string): string {
      return amqpUrl.replace('amqp://', `amqp://${name}:${PASSWORD}@`);
    }
  });

  it('a wrong password, or another vhost name, shows nothing of any vhost', async () => {
    const wrong = await watch(server.url, { vhost: '/', user: 'alice', password: 'not-it' }, 800);
    assert.equal(wrong.error, 'live.error.credentials');
    assert.doesNotMatch(wrong.text, /secret-queue|private body/);
    const other = await watch(server.url, { vhost: 'user:bob', user: 'alice', password: PASSWORD }, 800);
    assert.equal(other.error, 'live.error.credentials');
    assert.doesNotMatch(other.text, /secret-queue|private body/);
  });

  it('the teacher key lists the three vhosts by user name and opens each', async () => {
    const seen = await watch(server.url, { vhost: '/', key: KEY }, 500);
    assert.equal(seen.welcome?.teacher, true);
    for (const name of STUDENTS)
      assert.ok(seen.welcome.vhosts.includes(`user:${name}`), `${name} listed: ${seen.welcome.vhosts.join(', ')}`);
    const bob = await watch(server.url, { vhost: 'user:bob', key: KEY }, 800);
    assert.match(bob.text, /bob-secret-queue/);
    assert.doesNotMatch(bob.text, /alice-secret-queue|carol-secret-queue/);
  });

  it('on the machine itself, /live needs no form: it watches "/" as guest, which holds no student’s queue', async function () {
    const browser: Browser = await requireBrowser(this);
    const guest = await amqp.connect(amqpUrl.replace('amqp://', 'amqp://guest:guest@'));
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const ch = await guest.createChannel();
      await ch.assertQueue('teacher-demo-queue', { durable: false });
      const page = await context.newPage();
      await page.goto(`${server.url}/live?lang=en`);
      await page.waitForSelector('[data-live-status][data-status="watching"]');
      assert.equal(await page.isVisible('[data-live-login]'), false);
      await page.waitForSelector('[data-live-queue="teacher-demo-queue"]');
      assert.doesNotMatch((await page.textContent('body'))!, /secret-queue|private body/);
    } finally {
      await context.close();
      await guest.close();
    }
  });

  it('in the browser, bob logging in on /live sees his queue and not alice’s', async function () {
    const browser: Browser = await requireBrowser(this);
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(`${server.url}/live?lang=en&login=1`);
      await page.fill('[name=user]', 'bob');
      await page.fill('[name=password]', PASSWORD);
      await page.click('[data-action=watch]');
      await page.waitForSelector('[data-live-queue="bob-secret-queue"]');
      await page.waitForTimeout(300);
      const text = (await page.textContent('body'))!;
      assert.doesNotMatch(text, /alice-secret-queue|carol-secret-queue|alice private body/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
