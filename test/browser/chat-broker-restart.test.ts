// RabbitMQ restarted mid-chat (rabbitmqctl stop_app, then start_app): the
// page says the broker is away, a message sent meanwhile waits and is
// delivered once the broker is back, and the chat resumes without a reload.
//
// Stopping the machine's RabbitMQ disturbs every other test run on it, so
// this runs only where the broker is ours to stop: in CI (CI=true or
// REQUIRE_RABBITMQ=1, as .ci/run sets) or when asked (CHAT_RESTART_TEST=1).
// start_app always runs afterwards, whatever happened.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { requireBrowser } from '../helpers/browser.js';
import { AMQP_URL, rabbitRequired } from '../helpers/rabbitmq.js';
import { rabbitmqctl } from '../../tools/rabbitmqctl.js';
import { joinAs, logLines, openChat, sendMessage, waitForLine } from '../chat/chat-page.js';
import { startChatApp, uniqueName, type ChatApp } from '../chat/fixture.js';

const wanted = rabbitRequired || process.env.CHAT_RESTART_TEST === '1';
const local = /@(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(AMQP_URL);

describe('chat while RabbitMQ restarts (stop_app / start_app)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let context: BrowserContext;
  let chat: ChatApp;
  let stopped = false;

  before(async function () {
    if (!wanted || !local) {
      console.warn('      restarting the shared RabbitMQ only in CI or with CHAT_RESTART_TEST=1 (and a local broker): skipping');
      this.skip();
    }
    browser = await requireBrowser(this);
    chat = await startChatApp(this, 'rabbitmq');
    context = await browser.newContext();
  });
  after(async () => {
    if (stopped) await startApp();
    await context?.close();
    await chat?.close();
  });

  async function startApp() {
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup');
    stopped = false;
  }

  it('shows the broker away, holds the message sent meanwhile, and delivers it once after start_app', async () => {
    const otana = uniqueName('Otana');
    const mehdi = uniqueName('Mehdi');
    chat.forget(otana, mehdi);
    const a = await openChat(context, chat.url);
    const b = await openChat(context, chat.url);
    await joinAs(a, otana);
    await joinAs(b, mehdi);
    await sendMessage(a, 'before the restart');
    await waitForLine(b, `${otana} -- before the restart`);

    stopped = true;
    await rabbitmqctl('stop_app');
    for (const tab of [a, b]) await tab.page.waitForSelector('[data-chat-status][data-state=away]', { timeout: 15_000 });

    await sendMessage(a, 'sent while the broker was away');
    await a.page.waitForSelector('[data-chat-log] > li[data-mine=true][data-state=waiting]', { timeout: 10_000 });
    assert.match((await a.page.textContent('[data-chat-status]')) ?? '', /broker is away/);

    await startApp();
    // No reload: the same pages come back online by themselves.
    for (const tab of [a, b]) await tab.page.waitForSelector('[data-chat-status][data-state=online]', { timeout: 30_000 });
    await waitForLine(b, `${otana} -- sent while the broker was away`, 20_000);
    await a.page.waitForSelector('[data-chat-log] > li[data-mine=true][data-state=waiting]', { state: 'detached', timeout: 10_000 });

    await sendMessage(b, 'Hi How Are you');
    await waitForLine(a, `${mehdi} -- Hi How Are you`);
    const lines = await logLines(b);
    assert.equal(lines.filter((l) => l === `${otana} -- sent while the broker was away`).length, 1);
    assert.equal(lines.filter((l) => l === `${otana} -- before the restart`).length, 1);
    assert.deepEqual([...a.errors, ...b.errors], []);
  });
});
