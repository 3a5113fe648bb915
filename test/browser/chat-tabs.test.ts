// Eight tabs of ONE browser context on /chat at once. Each tab holds a live
// channel; with SSE, tabs 7 and 8 would wait for one of the browser's 6
// HTTP/1.1 connections per host and hang (stack-notes). The chat uses a
// WebSocket, which does not count against that limit.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { requireBrowser } from '../helpers/browser.js';
import { joinAs, logLines, openChat, sendMessage, type ChatTab } from '../chat/chat-page.js';
import { eventually, startChatApp, uniqueName, type ChatApp } from '../chat/fixture.js';

describe('eight chat tabs of one browser at once, on RabbitMQ', function () {
  this.timeout(120_000);
  let browser: Browser;
  let context: BrowserContext;
  let chat: ChatApp;

  before(async function () {
    browser = await requireBrowser(this);
    chat = await startChatApp(this, 'rabbitmq');
    context = await browser.newContext();
  });
  after(async () => {
    await context?.close();
    await chat?.close();
  });

  it('keeps all eight working: every tab joins, sends, and receives all eight messages', async () => {
    const room = uniqueName('room');
    const names = Array.from({ length: 8 }, (_, i) => uniqueName(`tab${i + 1}`));
    chat.forget(...names);
    const tabs: ChatTab[] = [];
    for (const name of names) {
      const tab = await openChat(context, chat.url);
      await joinAs(tab, name, { room }); // waits for its live channel to be online
      tabs.push(tab);
    }
    // The last tabs can still make requests while seven live channels are open.
    for (const [i, tab] of tabs.entries()) await sendMessage(tab, `message ${i + 1}`);
    for (const [i, tab] of tabs.entries()) {
      const expected = names.map((name, j) => (i === j ? `YOU -- message ${j + 1}` : `${name} -- message ${j + 1}`));
      await eventually(
        `all eight messages in tab ${i + 1}`,
        async () => {
          const lines = await logLines(tab);
          return expected.every((line) => lines.filter((l) => l === line).length === 1);
        },
        20_000,
      );
    }
    assert.deepEqual(
      tabs.flatMap((t) => t.errors),
      [],
    );
  });
});
