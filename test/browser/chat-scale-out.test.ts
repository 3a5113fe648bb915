// Two server processes on different ports against one RabbitMQ: a tab on
// each chats normally. Only the broker carries the messages (the processes
// share nothing else: not memory, not a secret — see src/chat/token.ts).
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { requireBrowser } from '../helpers/browser.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { joinAs, openChat, sendMessage, waitForLine } from '../chat/chat-page.js';
import { deleteChatQueues, eventually, uniqueName } from '../chat/fixture.js';
import { inboxOf } from '../../src/chat/naming.js';
import type { AmqpConnection } from '../../src/broker/amqp-connection.js';

describe('chat across two server processes on one RabbitMQ', function () {
  this.timeout(90_000);
  let browser: Browser;
  let connection: AmqpConnection;
  let context: BrowserContext;
  const servers: ServerProcess[] = [];
  const names: string[] = [];

  before(async function () {
    connection = await requireRabbit(this);
    browser = await requireBrowser(this);
    const env = { BROKER: 'rabbitmq', AMQP_URL };
    servers.push(...(await Promise.all([startServer(env), startServer(env)])));
    context = await browser.newContext();
  });
  after(async () => {
    await context?.close();
    await Promise.all(servers.map((s) => s.stop()));
    if (connection) await deleteChatQueues(connection, names.map(inboxOf));
  });

  it('lets a tab on each server chat both ways', async () => {
    const [one, two] = servers;
    assert.notEqual(one.url, two.url);
    const otana = uniqueName('Otana');
    const mehdi = uniqueName('Mehdi');
    names.push(otana, mehdi);
    const a = await openChat(context, one.url);
    const b = await openChat(context, two.url);
    await joinAs(a, otana);
    await joinAs(b, mehdi);
    await sendMessage(a, 'hello from server one');
    await waitForLine(b, `${otana} -- hello from server one`);
    await sendMessage(b, 'Hi How Are you');
    await waitForLine(a, `${mehdi} -- Hi How Are you`);
    await sendMessage(b, 'private, across processes', { kind: 'person', name: otana });
    await waitForLine(a, `${mehdi} -- private, across processes`);
    assert.deepEqual([...a.errors, ...b.errors], []);
  });

  it('agrees on who is in the room across both processes: joined, already there, left', async () => {
    const [one, two] = servers;
    const otana = uniqueName('Otana');
    const mehdi = uniqueName('Mehdi');
    names.push(otana, mehdi);
    const present = (t: { page: import('playwright-core').Page }) =>
      t.page.$$eval('[data-present] [data-name]', (els) => els.map((el) => el.getAttribute('data-name')).sort());
    const room = uniqueName('salle');
    const a = await openChat(context, one.url, 'fr');
    await joinAs(a, otana, { room });
    const b = await openChat(await browser.newContext(), two.url, 'fr');
    await joinAs(b, mehdi, { room });
    await waitForLine(a, `${mehdi} est entré dans le salon`);
    // Server two's tab learns from server one's answer that Otana was there first.
    await eventually(
      'both in both lists',
      async () => {
        const [x, y] = [await present(a), await present(b)];
        return x.length === 2 && y.length === 2 && x.join() === y.join();
      },
      10_000,
    );
    await b.page.context().close();
    await waitForLine(a, `${mehdi} a quitté le salon`);
    assert.deepEqual(await present(a), [otana]);
    assert.deepEqual(a.errors, []);
  });
});
