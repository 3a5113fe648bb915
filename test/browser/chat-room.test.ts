// Issue 14 (chat) and issue 13 point 5, in a real browser on both brokers:
// a time on every line; who is in the room now, with joined/left notices; no
// stale presence from the history; the name remembered; the same person from
// another browser with the code; a name free again once unused (lease
// shortened here); paths for what others sent, not our own inbox for our
// lines; the own-queue option in plain words with its table; and a message
// not yet confirmed that survives its tab. Each behaviour runs in English on
// one broker and in French on the other, so both languages and both brokers
// are covered.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { roomNotice } from '../../src/chat/presence.js';
import { requireBrowser } from '../helpers/browser.js';
import { countLine, joinAs, logLines, openChat, sendMessage, waitForLine, type ChatTab } from '../chat/chat-page.js';
import { eventually, KINDS, sleep, startChatApp, uniqueName, type ChatApp, type Kind } from '../chat/fixture.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../screenshots');
mkdirSync(shots, { recursive: true });

/** Heartbeats of 1.5 s (a page forgets someone after 4.5 s of silence), a name's lease of 6 s. */
const HEARTBEAT_MS = 1500;
const LEASE_MS = 6000;

const WORDS = {
  en: {
    joined: (n: string) => `${n} joined the room`,
    left: (n: string) => `${n} left the room`,
    silent: (n: string) => `${n} left the room (no news for a while)`,
    you: 'YOU',
    anonymous: 'anonymous',
    taken: (n: string) => `${n} is taken`,
    code: (n: string) => new RegExp(`To be ${n} in another browser too, type this code there with your name: ([0-9A-Z]{4}-[0-9A-Z]{4})`),
    notDurable: /not durable — it and the messages in it are lost if the broker restarts/,
    table: ['the exchange', 'your inbox', 'reach a person N', 'reach everyone in room R', 'the message'],
    queue: 'queue',
  },
  fr: {
    joined: (n: string) => `${n} est entré dans le salon`,
    left: (n: string) => `${n} a quitté le salon`,
    silent: (n: string) => `${n} a quitté le salon (plus de nouvelles depuis un moment)`,
    you: 'VOUS',
    anonymous: 'anonyme',
    taken: (n: string) => `${n} est pris`,
    code: (n: string) =>
      new RegExp(`Pour être aussi ${n} dans un autre navigateur, tapez-y ce code avec votre nom : ([0-9A-Z]{4}-[0-9A-Z]{4})`),
    notDurable: /non durable — elle et ses messages sont perdus si le broker redémarre/,
    table: ['l’échange', 'votre boîte de réception', 'joindre une personne N', 'joindre tout le salon R', 'le message'],
    queue: 'file',
  },
};
type Lang = keyof typeof WORDS;

for (const kind of KINDS) {
  describe(`chat room in the browser, on the ${kind} broker`, function () {
    this.timeout(90_000);
    let browser: Browser;
    let chat: ChatApp;
    const contexts: BrowserContext[] = [];
    let tabs: ChatTab[] = [];

    before(async function () {
      browser = await requireBrowser(this);
      chat = await startChatApp(this, kind, { presenceHeartbeatMs: HEARTBEAT_MS, leaseMs: LEASE_MS });
    });
    beforeEach(() => {
      tabs = [];
    });
    afterEach(async function () {
      const errors = tabs.flatMap((t) => t.errors);
      await Promise.all(contexts.splice(0).map((c) => c.close()));
      if (this.currentTest?.state === 'passed') assert.deepEqual(errors, [], 'errors in the page');
    });
    after(async () => {
      await chat?.close();
    });

    /** English on one broker, French on the other; `flip` swaps them for a second test of the same point. */
    const langFor = (k: Kind, flip = false): Lang => ((k === 'embedded') !== flip ? 'en' : 'fr');

    /** A browser profile (its own localStorage): one person's browser. */
    async function profile(): Promise<BrowserContext> {
      const context = await browser.newContext();
      contexts.push(context);
      return context;
    }

    async function tab(context: BrowserContext, lang: Lang): Promise<ChatTab> {
      const t = await openChat(context, chat.url, lang);
      tabs.push(t);
      return t;
    }

    function name(base: string): string {
      const n = uniqueName(base);
      chat.forget(n);
      return n;
    }

    const present = (t: ChatTab) =>
      t.page.$$eval('[data-present] [data-name]', (els) => els.map((el) => el.getAttribute('data-name')).sort());

    it('shows who is in the room now, tells who joins and who leaves, and tells a newcomer who was there', async () => {
      const lang = langFor(kind);
      const w = WORDS[lang];
      const otana = name('Otana');
      const mehdi = name('Mehdi');
      const a = await tab(await profile(), lang);
      await joinAs(a, otana);
      assert.deepEqual(await present(a), [otana]);
      const b = await tab(await profile(), lang);
      await joinAs(b, mehdi);
      await waitForLine(a, w.joined(mehdi));
      // Mehdi came second: he learns at once that Otana is here, without a notice.
      await eventually('Otana in Mehdi’s list', async () => (await present(b)).includes(otana), 5000);
      assert.deepEqual(await present(a), [mehdi, otana].sort());
      assert.equal(countLine(await logLines(b), w.joined(otana)), 0);
      const heading = (await a.page.textContent('[data-present-box] h2')) ?? '';
      assert.match(heading, /\(2\)/);
      await a.page.screenshot({ path: path.join(shots, `chat-room-${kind}-${lang}.png`), fullPage: true });

      await b.page.close();
      await waitForLine(a, w.left(mehdi));
      assert.deepEqual(await present(a), [otana]);
    });

    it('lets someone whose server died without a word leave the list once their heartbeats stop', async () => {
      // The "left" notice is lost; the page notices the silence (3 heartbeats).
      const lang = langFor(kind, true);
      const w = WORDS[lang];
      const otana = name('Otana');
      const ghost = name('Ghost');
      const a = await tab(await profile(), lang);
      await joinAs(a, otana);
      // A presence of someone no server speaks for any more (as a crashed server leaves it): one "join", then silence.
      await chat.hub.service.publish(roomNotice({ name: ghost, room: 'lobby', inbox: `chat.${ghost}` }, 'join'));
      await waitForLine(a, w.joined(ghost));
      assert.ok((await present(a)).includes(ghost));
      await waitForLine(a, w.silent(ghost), 4 * HEARTBEAT_MS + 5000);
      assert.deepEqual(await present(a), [otana]);
    });

    it('gives every line its time, and brings back no stale presence from the history', async () => {
      const lang = langFor(kind);
      const w = WORDS[lang];
      const otana = name('Otana');
      const mehdi = name('Mehdi');
      const mine = await profile();
      const a = await tab(mine, lang);
      await joinAs(a, otana);
      const b = await tab(await profile(), lang);
      await joinAs(b, mehdi);
      await waitForLine(a, w.joined(mehdi));
      await sendMessage(b, 'what time is it?');
      await waitForLine(a, `${mehdi} -- what time is it?`);
      const before = Date.now();
      const times = await a.page.$$eval('[data-chat-log] > li', (lis) =>
        lis.map((li) => li.querySelector('time')?.getAttribute('datetime') ?? null),
      );
      assert.ok(times.length >= 3, JSON.stringify(times));
      for (const time of times) {
        assert.ok(time, 'a line without <time datetime>');
        const at = Date.parse(time);
        assert.ok(Math.abs(before - at) < 120_000, `${time} is not about now`);
      }
      const shown = (await a.page.textContent('[data-chat-log] > li[data-kind=message] time')) ?? '';
      assert.match(shown, /^\d{2}[:h]\d{2}/);

      // Reopened later: the conversation comes back, "joined" does not.
      await a.page.close();
      const again = await tab(mine, lang);
      assert.equal(await again.page.inputValue('[name=name]'), otana, 'the name is remembered');
      await again.page.click('[data-action=join]');
      await again.page.waitForSelector('[data-chat-status][data-state=online]');
      await waitForLine(again, `${mehdi} -- what time is it?`);
      const lines = await logLines(again);
      assert.equal(countLine(lines, w.joined(mehdi)), 0, JSON.stringify(lines));
      assert.ok(await again.page.$('[data-chat-log] > li[data-restored=true] time[datetime]'));
      // Mehdi is still here, and the reopened page knows it.
      await eventually('Mehdi in the list', async () => (await present(again)).includes(mehdi), 5000);
    });

    it('shows the path of what others sent, and not our own inbox on our own lines', async () => {
      const lang = langFor(kind, true);
      const w = WORDS[lang];
      const otana = name('Otana');
      const mehdi = name('Mehdi');
      const context = await profile();
      const a = await tab(context, lang);
      await joinAs(a, otana);
      const b = await tab(await profile(), lang);
      await joinAs(b, mehdi);
      await sendMessage(a, 'hello room');
      await waitForLine(b, `${otana} -- hello room`);
      // Otana's own copy comes back through chat.Otana: the line keeps the way it was sent.
      await a.page.waitForSelector('[data-chat-log] > li[data-mine=true][data-state=sent]');
      await sleep(500);
      const own = a.page.locator('[data-chat-log] > li[data-mine=true] .chat-path');
      assert.equal(await own.getAttribute('data-routing-key'), 'room.lobby');
      assert.equal(await own.getAttribute('data-queue'), null);
      assert.doesNotMatch((await own.textContent()) ?? '', new RegExp(`chat\\.${otana}`));
      // Mehdi's view of it: through his inbox.
      const theirs = b.page.locator('[data-chat-log] > li[data-mine=false] .chat-path');
      assert.equal(await theirs.getAttribute('data-queue'), `chat.${mehdi}`);
      assert.match((await theirs.textContent()) ?? '', new RegExp(`${w.queue} chat\\.${mehdi}`));
      // A second tab of Otana shows the line as hers, with the same path as sent.
      const second = await tab(context, lang);
      await joinAs(second, otana);
      await sendMessage(a, 'from my first tab');
      await waitForLine(second, `${w.you} -- from my first tab`);
      const copy = second.page.locator('[data-chat-log] > li[data-mine=true]', { hasText: 'from my first tab' }).locator('.chat-path');
      assert.equal(await copy.getAttribute('data-queue'), null);
    });

    it('gives the name to the same person in another browser with the code shown when joining', async () => {
      const lang = langFor(kind);
      const w = WORDS[lang];
      const mehdi = name('Mehdi');
      const laptop = await tab(await profile(), lang);
      await joinAs(laptop, mehdi);
      const shown = (await laptop.page.textContent('[data-claim-code]')) ?? '';
      const code = w.code(mehdi).exec(shown)?.[1];
      assert.ok(code, shown);

      const phone = await tab(await profile(), lang);
      await phone.page.fill('[name=name]', mehdi);
      await phone.page.click('[data-action=join]');
      await eventually('the refusal', async () => (await phone.page.textContent('[data-chat-error=join]'))?.includes(w.taken(mehdi)));
      assert.equal(await phone.page.isVisible('[name=code]'), true);
      await phone.page.fill('[name=code]', code.toLowerCase());
      await phone.page.click('[data-action=join]');
      await phone.page.waitForSelector('[data-chat-status][data-state=online]');
      await sendMessage(laptop, 'from the laptop');
      await waitForLine(phone, `${w.you} -- from the laptop`);
    });

    it('gives a name nobody used for the lease, with an empty inbox, to someone else', async () => {
      const lang = langFor(kind, true);
      const w = WORDS[lang];
      const zoe = name('Zoe');
      const first = await tab(await profile(), lang);
      await joinAs(first, zoe);
      await first.page.close();
      const other = await tab(await profile(), lang);
      await other.page.fill('[name=name]', zoe);
      await other.page.click('[data-action=join]');
      await eventually('the refusal', async () => (await other.page.textContent('[data-chat-error=join]'))?.includes(w.taken(zoe)));
      await sleep(LEASE_MS + 1500);
      await other.page.click('[data-action=join]');
      await other.page.waitForSelector('[data-chat-status][data-state=online]');
    });

    it('explains the own-queue option in plain words, with the table of names', async () => {
      const lang = langFor(kind);
      const w = WORDS[lang];
      const a = await tab(await profile(), lang);
      await a.page.click('.chat-inbox summary');
      const help = (await a.page.textContent('[data-inbox-help]')) ?? '';
      assert.match(help, w.notDurable);
      assert.doesNotMatch((await a.page.textContent('.chat-join')) ?? '', /report|rapport/i);
      const rows = await a.page.$$eval('[data-naming-table] tbody th', (ths) => ths.map((th) => th.textContent));
      assert.deepEqual(rows, w.table);
      const cells = (await a.page.textContent('[data-naming-table] tbody')) ?? '';
      for (const name of ['chat.', 'user.N', 'room.R', 'from']) assert.ok(cells.includes(name), name);
      await a.page.screenshot({ path: path.join(shots, `chat-inbox-option-${kind}-${lang}.png`), fullPage: true });
    });

    it('keeps a message not yet sent when its tab closes, and the next tab sends it once', async () => {
      const lang = langFor(kind, true);
      const w = WORDS[lang];
      const otana = name('Otana');
      const mehdi = name('Mehdi');
      const mine = await profile();
      const a = await tab(mine, lang);
      await joinAs(a, otana);
      const b = await tab(await profile(), lang);
      await joinAs(b, mehdi);
      // The server stops answering this tab's sends (a dropped Wi-Fi): the message waits.
      await a.page.route('**/api/chat/messages*', (route) => route.abort('internetdisconnected'));
      await sendMessage(a, 'written before the Wi-Fi dropped');
      await a.page.waitForSelector('[data-chat-log] > li[data-mine=true][data-state=waiting]');
      await a.page.screenshot({ path: path.join(shots, `chat-outbox-waiting-${kind}-${lang}.png`), fullPage: true });
      await a.page.close();

      const back = await tab(mine, lang);
      assert.equal(await back.page.inputValue('[name=name]'), otana);
      await back.page.click('[data-action=join]');
      await back.page.waitForSelector('[data-chat-status][data-state=online]');
      await waitForLine(b, `${otana} -- written before the Wi-Fi dropped`);
      await back.page.waitForSelector('[data-chat-log] > li[data-mine=true][data-state=sent]');
      // A third tab of Otana, later: nothing left to send.
      const third = await tab(mine, lang);
      await joinAs(third, otana);
      await sleep(1500);
      assert.equal(countLine(await logLines(b), `${otana} -- written before the Wi-Fi dropped`), 1);
      assert.equal(countLine(await logLines(third), `${w.you} -- written before the Wi-Fi dropped`), 1);
      assert.equal(
        await third.page.locator('[data-chat-log] > li[data-state=sending], [data-chat-log] > li[data-state=waiting]').count(),
        0,
      );
    });
  });
}
