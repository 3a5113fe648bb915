// Issues 8 and 13: the report's own pika program with its calls exactly as
// printed (test/python/report-chat.py: queue_declare(queue=…) with no
// arguments, a new BlockingConnection per send, basic_publish to the default
// exchange, basic_consume with auto_ack) chats both ways with a browser tab
// of /chat on the machine's RabbitMQ, whichever side starts first. Debian's
// python3-pika: /usr/bin/python3.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Browser, BrowserContext } from 'playwright-core';
import { requireBrowser } from '../helpers/browser.js';
import { AMQP_URL, rabbitRequired } from '../helpers/rabbitmq.js';
import { joinAs, openChat, sendMessage, waitForLine } from '../chat/chat-page.js';
import { startChatApp, uniqueName, type ChatApp } from '../chat/fixture.js';
import { PYTHON, PythonChat } from './python-chat.js';

describe('the report’s pika program chats with a browser tab (issue 8)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let context: BrowserContext;
  let chat: ChatApp;

  before(async function () {
    if (spawnSync(PYTHON, ['-c', 'import pika']).status !== 0) {
      if (rabbitRequired) throw new Error(`${PYTHON} cannot import pika: apt-get install python3-pika`);
      console.warn(`      ${PYTHON} has no pika: skipping (apt-get install python3-pika)`);
      this.skip();
    }
    browser = await requireBrowser(this);
    chat = await startChatApp(this, 'rabbitmq');
    context = await browser.newContext();
  });
  after(async () => {
    await context?.close();
    await chat?.close();
  });

  it('exchanges messages both ways: the program on task_queue2, Mehdi’s tab on task_queue1', async () => {
    // The report's two queues, made unique so that test runs never meet.
    const taskQueue1 = uniqueName('task_queue1');
    const taskQueue2 = uniqueName('task_queue2');
    const mehdi = uniqueName('Mehdi');
    chat.forget(mehdi);
    chat.forgetQueue(taskQueue1, taskQueue2);

    const program = new PythonChat(['--url', AMQP_URL, '--inbox', taskQueue2, '--peer', taskQueue1]);
    try {
      await program.waitForLine('online');

      const tab = await openChat(context, chat.url);
      await joinAs(tab, mehdi, { inbox: taskQueue1 });

      // Program → page: the default exchange, routing key = the tab's inbox queue; no "from" header.
      program.type('Hi from pika');
      await program.waitForLine('YOU -- Hi from pika');
      await waitForLine(tab, 'anonymous -- Hi from pika');
      const pathEl = tab.page.locator('[data-chat-log] > li[data-kind=message]', { hasText: 'Hi from pika' }).locator('.chat-path');
      assert.equal(await pathEl.getAttribute('data-exchange'), '');
      assert.equal(await pathEl.getAttribute('data-routing-key'), taskQueue1);
      assert.equal(await pathEl.getAttribute('data-queue'), taskQueue1);

      // Page → program: "a queue" in the page publishes to the default exchange, as the report does.
      await sendMessage(tab, 'Hi How Are you', { kind: 'queue', name: taskQueue2 });
      await program.waitForLine(`${mehdi} -- Hi How Are you`);
      await tab.page.waitForSelector('[data-chat-log] > li[data-mine=true][data-state=sent]');

      // Markup from the program is text in the page, too.
      program.type('<img src=x onerror=alert(1)>');
      await waitForLine(tab, 'anonymous -- <img src=x onerror=alert(1)>');
      assert.equal(await tab.page.locator('[data-chat-log] img').count(), 0);
      assert.deepEqual(tab.dialogs, []);
      assert.deepEqual(tab.errors, []);
    } finally {
      assert.equal(await program.stop(), 0, program.lines().join('\n'));
    }
  });

  it('works whichever side starts first: the program writes before the tab exists, or the tab declares the queue first', async () => {
    const taskQueue1 = uniqueName('task_queue1');
    const taskQueue2 = uniqueName('task_queue2');
    const early = uniqueName('task_queue1');
    const mehdi = uniqueName('Mehdi');
    const otana = uniqueName('Otana');
    chat.forget(mehdi, otana);
    chat.forgetQueue(taskQueue1, taskQueue2, early);

    // The program first: it declares the tab's future inbox (plain) and leaves a message there.
    const program = new PythonChat(['--url', AMQP_URL, '--inbox', taskQueue2, '--peer', early]);
    try {
      await program.waitForLine('online');
      program.type('sent before you came');
      await program.waitForLine('YOU -- sent before you came');
      const tab = await openChat(context, chat.url);
      await joinAs(tab, mehdi, { inbox: early });
      await waitForLine(tab, 'anonymous -- sent before you came');
      program.type('and after');
      await waitForLine(tab, 'anonymous -- and after');
    } finally {
      assert.equal(await program.stop(), 0, program.lines().join('\n'));
    }

    // The tab first: the page declares task_queue1 as the program would, so
    // the program's own queue_declare(queue=…) agrees (no 406) when it starts.
    const tab = await openChat(context, chat.url, 'fr');
    await joinAs(tab, otana, { inbox: taskQueue1 });
    const second = new PythonChat(['--url', AMQP_URL, '--inbox', taskQueue2, '--peer', taskQueue1]);
    try {
      await second.waitForLine('online');
      second.type('Bonjour du programme');
      await second.waitForLine('YOU -- Bonjour du programme');
      await waitForLine(tab, 'anonyme -- Bonjour du programme');
      await sendMessage(tab, 'Ça va', { kind: 'queue', name: taskQueue2 });
      await second.waitForLine(`${otana} -- Ça va`);
      assert.deepEqual(tab.errors, []);
    } finally {
      assert.equal(await second.stop(), 0, second.lines().join('\n'));
    }
    // As pika's queue_declare(queue=…) makes it: not durable, no arguments (equivalent, no 406).
    const channel = await chat.connection.createChannel();
    await channel.assertQueue(taskQueue1, { durable: false });
    await assert.rejects(channel.assertQueue(taskQueue1, { durable: true }), /406|PRECONDITION|durable/);
  });
});
