// The "from your own program" snippets the page shows are real programs: run
// as shown (only the hidden password and, so that runs never meet, the
// example queue name replaced), each one chats both ways with the tab that
// showed it, on the machine's RabbitMQ.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { requireBrowser } from '../helpers/browser.js';
import { AMQP_URL, rabbitRequired } from '../helpers/rabbitmq.js';
import { joinAs, openChat, sendMessage, waitForLine } from '../chat/chat-page.js';
import { eventually, startChatApp, uniqueName, type ChatApp } from '../chat/fixture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PYTHON = '/usr/bin/python3';

describe('the chat page’s pika and amqplib snippets', function () {
  this.timeout(60_000);
  let browser: Browser;
  let context: BrowserContext;
  let chat: ChatApp;
  const dir = path.join(root, 'test-output', `chat-snippets-${process.pid}`);

  before(async function () {
    browser = await requireBrowser(this);
    chat = await startChatApp(this, 'rabbitmq');
    context = await browser.newContext();
    mkdirSync(dir, { recursive: true });
  });
  after(async () => {
    await context?.close();
    await chat?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const programs = [
    { snippet: 'amqplib', file: 'snippet.mjs', command: process.execPath, args: [] as string[] },
    { snippet: 'pika', file: 'snippet.py', command: PYTHON, args: ['-u'] },
  ];

  for (const program of programs) {
    it(`runs the ${program.snippet} snippet as shown: it reaches the tab, and the tab reaches it`, async function () {
      if (program.snippet === 'pika' && spawnSync(PYTHON, ['-c', 'import pika']).status !== 0) {
        if (rabbitRequired) throw new Error(`${PYTHON} cannot import pika`);
        this.skip();
      }
      const mehdi = uniqueName('Mehdi');
      const queue = uniqueName('task_queue2');
      chat.forget(mehdi);
      chat.forgetQueue(queue);
      const tab = await openChat(context, chat.url);
      await joinAs(tab, mehdi);
      const shown = (await tab.page.textContent(`[data-snippet=${program.snippet}]`)) ?? '';
      assert.ok(shown.includes('guest:***@'), 'the password is hidden in the page');
      const code = shown.replaceAll('amqp://guest:***@localhost:5672', AMQP_URL).replaceAll('task_queue2', queue);
      const file = path.join(dir, program.file);
      writeFileSync(file, code);

      const child = spawn(program.command, [...program.args, file], { cwd: root });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      try {
        await waitForLine(tab, 'Otana -- Hi How Are you');
        await sendMessage(tab, `hello ${program.snippet}`, { kind: 'queue', name: queue });
        await eventually(`the snippet to print the tab's message (output: ${JSON.stringify(output)})`, () =>
          output.includes(`${mehdi} -- hello ${program.snippet}`),
        );
      } finally {
        child.kill();
      }
    });
  }
});
