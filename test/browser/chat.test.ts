// The /chat page in a real browser, two tabs of one browser, on both brokers:
// the report's conversation, paths beside messages, markup shown as text, a
// tab closed and reopened, polite refusals, French.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { requireBrowser } from '../helpers/browser.js';
import { countLine, joinAs, logLines, openChat, sendMessage, waitForLine, type ChatTab } from '../chat/chat-page.js';
import { eventually, KINDS, startChatApp, uniqueName, type ChatApp } from '../chat/fixture.js';

for (const kind of KINDS) {
  describe(`chat page in the browser, on the ${kind} broker`, function () {
    this.timeout(60_000);
    let browser: Browser;
    let chat: ChatApp;
    let context: BrowserContext;
    let tabs: ChatTab[] = [];

    before(async function () {
      browser = await requireBrowser(this);
      chat = await startChatApp(this, kind);
    });
    beforeEach(async () => {
      context = await browser.newContext();
      tabs = [];
    });
    afterEach(async function () {
      const errors = tabs.flatMap((t) => t.errors);
      await context.close();
      if (this.currentTest?.state === 'passed') assert.deepEqual(errors, [], 'errors in the page');
    });
    after(async () => {
      await chat?.close();
    });

    // What depends only on the page (refusals, words) runs once, on the embedded broker.
    const pageOnly = (title: string, fn: (this: Mocha.Context) => Promise<void>) => kind === 'embedded' && it(title, fn);

    async function tab(lang = 'en'): Promise<ChatTab> {
      const t = await openChat(context, chat.url, lang);
      tabs.push(t);
      return t;
    }

    function names() {
      const otana = uniqueName('Otana');
      const mehdi = uniqueName('Mehdi');
      chat.forget(otana, mehdi);
      return { otana, mehdi };
    }

    it('lets Otana and Mehdi chat from two tabs, as in the report, each line with its path', async () => {
      const { otana, mehdi } = names();
      const [a, b] = [await tab(), await tab()];
      await joinAs(a, otana);
      await joinAs(b, mehdi);

      await waitForLine(a, `${mehdi} joined the room`);
      const welcome = await b.page.textContent('[data-chat-log] > li[data-kind=welcome]');
      assert.match(welcome ?? '', new RegExp(`Welcome to the chat, ${mehdi}!.*chat\\.${mehdi}`));

      await sendMessage(a, 'hello');
      await waitForLine(a, 'YOU -- hello');
      await waitForLine(b, `${otana} -- hello`);
      await sendMessage(b, 'Hi How Are you');
      await waitForLine(a, `${mehdi} -- Hi How Are you`);
      await waitForLine(b, 'YOU -- Hi How Are you');

      // The path: exchange, routing key, and the queue it was delivered from.
      const path = b.page.locator('[data-chat-log] > li[data-kind=message][data-mine=false] .chat-path');
      assert.equal(await path.getAttribute('data-exchange'), 'chat');
      assert.equal(await path.getAttribute('data-routing-key'), 'room.lobby');
      assert.equal(await path.getAttribute('data-queue'), `chat.${mehdi}`);
      assert.match((await path.textContent()) ?? '', new RegExp(`exchange chat → routing key room\\.lobby → queue chat\\.${mehdi}`));
      // The sender's own line says the broker confirmed it.
      await a.page.waitForSelector('[data-chat-log] > li[data-mine=true][data-state=sent]');
      // And the page tells how to reach Mehdi from a program of one's own.
      assert.match((await b.page.textContent('[data-chat-naming]')) ?? '', new RegExp(`routing key “user\\.${mehdi}”`));
      assert.match((await b.page.textContent('[data-snippet=pika]')) ?? '', new RegExp(`routing_key='chat\\.${mehdi}'`));
    });

    it('sends a private message to one person, marked private', async () => {
      const { otana, mehdi } = names();
      const [a, b] = [await tab(), await tab()];
      await joinAs(a, otana);
      await joinAs(b, mehdi);
      await sendMessage(a, 'psst', { kind: 'person', name: mehdi });
      await waitForLine(b, `${otana} -- psst`);
      const line = b.page.locator('[data-chat-log] > li[data-kind=message]', { hasText: 'psst' });
      assert.equal(await line.locator('.chat-private').textContent(), 'private');
      assert.equal(await line.locator('.chat-path').getAttribute('data-routing-key'), `user.${mehdi}`);
    });

    it('shows <img src=x onerror=alert(1)> literally and never runs it', async () => {
      const { otana, mehdi } = names();
      const [a, b] = [await tab(), await tab()];
      await joinAs(a, otana);
      await joinAs(b, mehdi);
      const evil = '<img src=x onerror=alert(1)>';
      await sendMessage(a, evil);
      await waitForLine(b, `${otana} -- ${evil}`);
      await waitForLine(a, `YOU -- ${evil}`);
      for (const t of [a, b]) {
        assert.equal(await t.page.locator('[data-chat-log] img').count(), 0);
        assert.deepEqual(t.dialogs, []);
      }
    });

    it('gives a tab closed and reopened what was sent meanwhile, once each', async () => {
      const { otana, mehdi } = names();
      const a = await tab();
      let b = await tab();
      await joinAs(a, otana);
      await joinAs(b, mehdi);
      await sendMessage(a, 'before you left');
      await waitForLine(b, `${otana} -- before you left`);
      await b.page.close();
      tabs = tabs.filter((t) => t !== b);

      for (const text of ['first while away', 'second while away', 'third while away']) {
        await sendMessage(a, text);
        await waitForLine(a, `YOU -- ${text}`);
      }
      await eventually(
        'three confirmed',
        async () => (await a.page.locator('[data-chat-log] > li[data-mine=true][data-state=sent]').count()) === 4,
      );

      b = await tab();
      await joinAs(b, mehdi);
      for (const text of ['first while away', 'second while away', 'third while away']) await waitForLine(b, `${otana} -- ${text}`);
      await a.page.waitForTimeout(500); // time for a duplicate to show up, if any would
      const lines = await logLines(b);
      for (const text of ['before you left', 'first while away', 'second while away', 'third while away']) {
        assert.equal(countLine(lines, `${otana} -- ${text}`), 1, `${text}: ${JSON.stringify(lines)}`);
      }
      const order = ['first', 'second', 'third'].map((w) => lines.indexOf(`${otana} -- ${w} while away`));
      assert.deepEqual(
        [...order].sort((x, y) => x - y),
        order,
      );
    });

    pageOnly('refuses an empty message politely and an overlong one clearly', async () => {
      const { otana } = names();
      const a = await tab();
      await joinAs(a, otana);
      await a.page.fill('[name=message]', '   ');
      await a.page.click('[data-action=send]');
      assert.equal(await a.page.textContent('[data-chat-error=send]'), 'Your message is empty: type something before sending.');
      await sendMessage(a, 'x'.repeat(2001));
      await eventually(
        'the refusal',
        async () => (await a.page.textContent('[data-chat-error=send]')) === 'Your message is too long: 2001 characters, at most 2000.',
      );
      assert.equal(await a.page.locator('[data-chat-log] > li[data-state=refused]').count(), 1);
    });

    pageOnly('refuses a bad or taken name with a clear error next to the form', async () => {
      const { otana } = names();
      const a = await tab();
      await a.page.fill('[name=name]', 'Otana Smith');
      await a.page.click('[data-action=join]');
      await eventually('the error', async () => /only letters, digits/.test((await a.page.textContent('[data-chat-error=join]')) ?? ''));
      await joinAs(a, otana);
      // Another browser profile (another person) cannot take the name.
      const other = await browser.newContext();
      try {
        const stranger = await openChat(other, chat.url);
        await stranger.page.fill('[name=name]', otana);
        await stranger.page.click('[data-action=join]');
        await eventually('the refusal', async () =>
          (await stranger.page.textContent('[data-chat-error=join]'))?.includes(`${otana} is taken`),
        );
      } finally {
        await other.close();
      }
    });

    pageOnly('speaks French: VOUS -- salut', async () => {
      const { otana, mehdi } = names();
      const [a, b] = [await tab('fr'), await tab('fr')];
      await joinAs(a, otana);
      await joinAs(b, mehdi);
      await sendMessage(a, 'salut');
      await waitForLine(a, 'VOUS -- salut');
      await waitForLine(b, `${otana} -- salut`);
      assert.match((await a.page.textContent('[data-chat-status]')) ?? '', /^Connecté/);
      await waitForLine(a, `${mehdi} est entré dans le salon`);
    });
  });
}
