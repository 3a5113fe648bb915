// Markup typed by a curious student, through every input a page shows back —
// chat names, messages and recipients, a message from an outside program,
// sandbox names, keys, headers and arguments (through a share link and an
// import), the broker's refusals naming them, a damaged share link, a
// scenario id, ?step= and ?lang= — is shown as text, in a real browser:
// no injected element exists, no dialog opens, no CSP violation is logged.
// Every payload carries data-xss, so an element made from one is found.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { ChatHub } from '../../src/chat/chat-hub.js';
import { AmqpChat } from '../../src/chat/amqp-chat.js';
import { encodeShareLink } from '../../src/sandbox/share-link.js';
import { normalizeState } from '../../src/sandbox/sandbox-state.js';
import { createApp } from '../../src/web/app.js';
import { requireBrowser } from '../helpers/browser.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';
import { joinAs, logLines, openChat, sendMessage, waitForLine, type ChatTab } from '../chat/chat-page.js';
import { uniqueName } from '../chat/fixture.js';
import { ClassVhost } from '../../tools/classroom-load/after-class.js';

const IMG = '<img data-xss src=x onerror=alert(1)>';
const SCRIPT = '"><script data-xss>alert(2)</script>';
const SVG = '<svg data-xss onload=alert(3)>';
const IFRAME = "'><iframe data-xss src=javascript:alert(4)></iframe>";

interface Watched {
  page: Page;
  dialogs: string[];
  problems: string[];
}

function watch(page: Page): Watched {
  const dialogs: string[] = [];
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A refused request (400, 404, 409) logs "Failed to load resource"; a CSP violation logs "Refused to …".
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  return { page, dialogs, problems };
}

/** Nothing injected, nothing run, nothing refused by the CSP. */
async function assertInert(w: Watched, where: string): Promise<void> {
  assert.equal(await w.page.locator('[data-xss]').count(), 0, `${where}: an element was made from user text`);
  assert.deepEqual(w.dialogs, [], `${where}: a dialog opened`);
  assert.deepEqual(w.problems, [], `${where}: page errors`);
}

const pageText = (page: Page) => page.evaluate(() => document.body.textContent ?? '');

describe('markup typed by students is shown as text on every page', function () {
  this.timeout(120_000);
  const vhost = new ClassVhost(AMQP_URL);
  let connection: AmqpConnection;
  let hub: ChatHub;
  let server: http.Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;

  before(async function () {
    await requireRabbit(this);
    browser = await requireBrowser(this);
    await vhost.create();
    connection = new AmqpConnection(vhost.url, { connectionName: `playground xss ${vhost.name}` });
    await connection.start();
    hub = new ChatHub(new AmqpChat(connection), { secret: randomBytes(32), brokerUrl: connection.redactedUrl });
    server = http.createServer(
      createApp({ broker: new RabbitMqBroker(connection), connection, chat: hub, rateLimit: { perSecond: 1e9, burst: 1e9 } }),
    );
    hub.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await browser.newContext();
  });
  after(async () => {
    await context?.close();
    await hub?.close();
    server?.closeAllConnections();
    server?.close();
    await connection?.close();
    await vhost.delete().catch(() => {});
  });

  async function open(path: string): Promise<Watched> {
    const page = await context.newPage();
    const w = watch(page);
    await page.goto(`${base}${path}`);
    return w;
  }

  it('in a scenario id, ?step= and ?lang=', async () => {
    const notFound = await open(`/scenarios/${encodeURIComponent(IMG)}`);
    assert.ok((await pageText(notFound.page)).includes(IMG), 'the unknown id is shown, as text');
    await assertInert(notFound, 'unknown scenario');

    const step = await open(`/scenarios/direct?step=${encodeURIComponent(SCRIPT)}`);
    assert.ok((await pageText(step.page)).includes('step: must be a whole number'), 'a bad step is refused');
    await assertInert(step, '?step=');

    for (const path of ['/scenarios/direct', '/', '/sandbox', '/chat']) {
      const lang = await open(`${path}?lang=${encodeURIComponent(SVG)}`);
      assert.equal(await lang.page.getAttribute('html', 'lang'), 'en');
      await assertInert(lang, `${path}?lang=`);
      await lang.page.close();
    }
    const playing = await open(`/scenarios/direct?step=1&lang=${encodeURIComponent(IFRAME)}`);
    await playing.page.waitForSelector('[data-scenario-page][data-ready=true]');
    await playing.page.click('[data-action=next]');
    await assertInert(playing, 'a scenario stepped with a hostile ?lang=');
  });

  it('in sandbox names, keys, headers and arguments, their run outcomes and the broker’s refusals', async () => {
    const state = normalizeState({
      topology: {
        exchanges: [{ name: IMG, type: 'topic' }],
        queues: [{ name: SCRIPT, arguments: { [SVG]: IFRAME, 'x-max-length': 5 } }],
        bindings: [
          { source: IMG, destination: SCRIPT, routing_key: '#' },
          { source: IMG, destination: SCRIPT, routing_key: SVG },
        ],
      },
      messages: [
        { exchange: IMG, routing_key: IFRAME, properties: { headers: { [SVG]: IMG } }, payload: SCRIPT },
        // No such exchange: RabbitMQ's 404 names it.
        { exchange: SVG, routing_key: IMG, payload: 'to nowhere' },
      ],
    });
    const sandbox = await open(`/sandbox?lang=en#s=${encodeShareLink({ ...state, selected: 0 })}`);
    await sandbox.page.waitForSelector('[data-sandbox-page][data-run-state="done"][data-outcome-messages="2"]', { timeout: 20_000 });
    const text = await pageText(sandbox.page);
    for (const name of [IMG, SCRIPT]) assert.ok(text.includes(name), `${name} shown as text`);
    await sandbox.page.click('[data-message-index="1"] [data-action="select-message"]');
    // The page words the broker's 404 itself, naming the exchange as text.
    await sandbox.page.waitForFunction((svg) => document.body.textContent.includes(`there is no exchange “${svg}” (NOT_FOUND`), SVG);
    await assertInert(sandbox, 'sandbox from a link');

    // A refused declaration: RabbitMQ's words, naming the exchange and its type.
    const refused = normalizeState({
      topology: { exchanges: [{ name: IFRAME, type: `x-${IMG}` }], queues: [], bindings: [] },
      messages: [],
    });
    const setup = await open(`/sandbox?lang=en#s=${encodeShareLink(refused)}`);
    await setup.page.waitForSelector('[data-setup-error]:not([hidden])', { timeout: 20_000 });
    const why = (await setup.page.textContent('[data-setup-error]')) ?? '';
    assert.ok(why.includes(IMG) && why.includes(IFRAME), why);
    await assertInert(setup, 'a refused declaration');

    const damaged = await open(`/sandbox?lang=en#s=${encodeURIComponent(IMG)}`);
    await damaged.page.waitForSelector('[data-sandbox-error]:not([hidden])');
    await assertInert(damaged, 'a damaged share link');

    // A definitions file pasted in the import panel: vhosts and names of markup.
    const imported = await open('/sandbox?lang=en');
    await imported.page.waitForSelector('[data-sandbox-page][data-ready="true"]');
    await imported.page.click('[data-panel-toggle="import"]');
    await imported.page.fill(
      '[name="definitions"]',
      JSON.stringify({
        vhosts: [{ name: SVG }],
        users: [{ name: IMG }],
        exchanges: [{ name: IFRAME, vhost: SVG, type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} }],
        queues: [{ name: SCRIPT, vhost: SVG, durable: true, auto_delete: false, arguments: {} }],
        bindings: [{ source: IFRAME, vhost: SVG, destination: SCRIPT, destination_type: 'queue', routing_key: IMG, arguments: {} }],
        policies: [{ name: IMG, vhost: SVG, pattern: '.*', definition: {} }],
      }),
    );
    await imported.page.click('[data-action="import"]');
    await imported.page.waitForSelector('[data-entity="queue"]');
    assert.ok((await pageText(imported.page)).includes(SCRIPT));
    await assertInert(imported, 'an imported definitions file');
  });

  it('in chat names, messages, recipients, and a message from an outside program', async () => {
    const otana = uniqueName('Otana');
    const mehdi = uniqueName('Mehdi');
    const tabs: ChatTab[] = [await openChat(context, base), await openChat(context, base)];
    const [a, b] = tabs as [ChatTab, ChatTab];
    const chatWatch = (tab: ChatTab): Watched => ({ page: tab.page, dialogs: tab.dialogs, problems: tab.errors });

    // A name or room of markup is refused, and the refusal is text.
    await a.page.fill('[name=name]', IMG);
    await a.page.click('[data-action=join]');
    await a.page.waitForFunction(() => (document.querySelector('[data-chat-error="join"]')?.textContent ?? '') !== '');
    await a.page.fill('[name=name]', otana);
    await a.page.fill('[name=room]', SVG);
    await a.page.click('[data-action=join]');
    await a.page.waitForFunction(() => /room/i.test(document.querySelector('[data-chat-error="join"]')?.textContent ?? ''));
    await a.page.fill('[name=room]', 'lobby');
    await joinAs(a, otana);
    await joinAs(b, mehdi);

    await sendMessage(a, SCRIPT);
    await waitForLine(b, `${otana} -- ${SCRIPT}`);
    await sendMessage(a, 'to markup', { kind: 'person', name: IMG });
    await a.page.waitForFunction(() => (document.querySelector('[data-chat-error="send"]')?.textContent ?? '') !== '');

    // An outside AMQP program (as the page's snippets show) sends markup as body, sender and id.
    const outside = await amqp.connect(vhost.url);
    try {
      const channel = await outside.createConfirmChannel();
      channel.publish('chat', `user.${mehdi}`, Buffer.from(IFRAME), { messageId: 'outside-1', headers: { from: IMG }, replyTo: SVG });
      channel.publish('chat', `user.${mehdi}`, Buffer.from('odd id'), { messageId: SCRIPT, headers: { from: otana } });
      await channel.waitForConfirms();
    } finally {
      await outside.close();
    }
    await waitForLine(b, `anonymous -- ${IFRAME}`);
    await waitForLine(b, `${otana} -- odd id`);
    const lines = await logLines(b);
    assert.ok(lines.includes(`${otana} -- ${SCRIPT}`), lines.join('\n'));
    for (const tab of tabs) await assertInert(chatWatch(tab), `chat tab ${tab === a ? 'a' : 'b'}`);
  });
});
