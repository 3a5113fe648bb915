// The chat over real HTTP (supertest) and a real WebSocket, on both brokers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { inboxOf, personKey } from '../../src/chat/naming.js';
import { eventually, SERVICE_KINDS, LiveTestClient, sleep, startChatApp, uniqueName, type ChatApp } from './fixture.js';

for (const kind of SERVICE_KINDS) {
  describe(`chat API on the ${kind} broker`, function () {
    let chat: ChatApp;
    const clients: LiveTestClient[] = [];

    before(async function () {
      chat = await startChatApp(this, kind);
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    after(async () => {
      await chat?.close();
    });

    async function join(name: string, extra: Record<string, unknown> = {}) {
      chat.forget(name);
      const res = await request(chat.url)
        .post('/api/chat/session')
        .send({ name, ...extra })
        .expect(200);
      return res.body as { participant: { name: string; room: string; inbox: string }; token: string };
    }

    function live(token: string) {
      const client = new LiveTestClient(chat.url, token);
      clients.push(client);
      return client;
    }

    function send(token: string, body: Record<string, unknown>) {
      return request(chat.url)
        .post('/api/chat/messages')
        .set('authorization', `Bearer ${token}`)
        .send({ id: randomUUID(), to: { kind: 'room' }, ...body });
    }

    it('serves the page with its test hooks and no inline script', async () => {
      const res = await request(chat.url).get('/chat').expect(200);
      for (const hook of ['name="name"', 'name="message"', 'data-action="send"', 'data-chat-log']) assert.ok(res.text.includes(hook), hook);
      assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)[^>]*>/);
      assert.doesNotMatch(String(res.headers['content-security-policy']), /unsafe-inline/);
      const fr = await request(chat.url).get('/chat?lang=fr').expect(200);
      assert.ok(fr.text.includes('Votre nom'));
    });

    it('gives a name to the first browser and refuses it to another one (409), but not to the first again', async () => {
      const name = uniqueName('Mehdi');
      const first = await join(name);
      assert.deepEqual(first.participant, { name, room: 'lobby', inbox: inboxOf(name) });
      const other = await request(chat.url).post('/api/chat/session').send({ name }).expect(409);
      assert.equal(other.body.error.path, 'name');
      assert.match(other.body.error.message, new RegExp(`${name} is taken`));
      await request(chat.url).post('/api/chat/session').send({ name, token: first.token }).expect(200);
      // Another name's token does not open this one.
      const stranger = await join(uniqueName('Eve'));
      await request(chat.url).post('/api/chat/session').send({ name, token: stranger.token }).expect(409);
    });

    it('refuses bad names with a 400 naming the field, in the page language', async () => {
      const long = await request(chat.url)
        .post('/api/chat/session')
        .send({ name: 'x'.repeat(33) })
        .expect(400);
      assert.deepEqual(long.body.error, { message: 'Your name is too long: at most 32 characters.', path: 'name' });
      const fr = await request(chat.url).post('/api/chat/session?lang=fr').send({ name: '<b>' }).expect(400);
      assert.equal(fr.body.error.path, 'name');
      assert.match(fr.body.error.message, /Un nom ne peut contenir/);
      const none = await request(chat.url).post('/api/chat/session').send({}).expect(400);
      assert.equal(none.body.error.path, 'name');
      const junk = await request(chat.url).post('/api/chat/session').set('content-type', 'application/json').send('{"name":').expect(400);
      assert.equal(typeof junk.body.error.message, 'string');
    });

    it('delivers a room message live to the other participant, with its path', async () => {
      const otana = await join(uniqueName('Otana'));
      const mehdi = await join(uniqueName('Mehdi'));
      const tab = live(mehdi.token);
      await tab.waitForStatus('online');
      const sent = await send(otana.token, { text: 'hello' }).expect(200);
      assert.deepEqual(sent.body.path, { exchange: 'chat', routingKey: 'room.lobby' });
      const got = await tab.waitForText('hello');
      assert.equal(got.from, otana.participant.name);
      assert.equal(got.id, sent.body.id);
      assert.deepEqual(got.path, { exchange: 'chat', routingKey: 'room.lobby', queue: mehdi.participant.inbox });
    });

    it('tells the room who joins and who leaves, and tells a newcomer who is already there', async () => {
      const mehdi = await join(uniqueName('Mehdi'));
      const first = live(mehdi.token);
      await first.waitForStatus('online');
      const otana = await join(uniqueName('Otana'));
      const second = live(otana.token);
      await first.waitForPresence(`join ${otana.participant.name}`);
      // Mehdi's server answers Otana's join on the default exchange, to Otana's inbox (reply_to).
      const here = await eventually('the answer', () =>
        second.messages().find((m) => m.event === 'here' && m.from === mehdi.participant.name),
      );
      assert.deepEqual(here.path, { exchange: '', routingKey: otana.participant.inbox, queue: otana.participant.inbox });
      const joined = first.messages().find((m) => m.event === 'join')!;
      assert.deepEqual(joined.path, { exchange: 'chat', routingKey: 'presence.lobby', queue: mehdi.participant.inbox });
      await second.close();
      clients.splice(clients.indexOf(second), 1);
      await first.waitForPresence(`left ${otana.participant.name}`);
    });

    it('says nothing of a tab reloaded (closed and opened again at once)', async () => {
      const mehdi = await join(uniqueName('Mehdi'));
      const watcher = live(mehdi.token);
      await watcher.waitForStatus('online');
      const otana = await join(uniqueName('Otana'));
      const before = live(otana.token);
      await watcher.waitForPresence(`join ${otana.participant.name}`);
      await before.close();
      clients.splice(clients.indexOf(before), 1);
      await live(otana.token).waitForStatus('online');
      await sleep(2500);
      // A "join" again (the new page must learn who is there), never a "left".
      const about = watcher.presence().filter((p) => p.endsWith(otana.participant.name));
      assert.deepEqual(about, [`join ${otana.participant.name}`, `join ${otana.participant.name}`]);
    });

    it('publishes a message once when the same id is sent again (a tab resending its outbox)', async () => {
      const otana = await join(uniqueName('Otana'));
      const mehdi = await join(uniqueName('Mehdi'));
      const tab = live(mehdi.token);
      await tab.waitForStatus('online');
      const id = randomUUID();
      const [one, two] = await Promise.all([
        send(otana.token, { id, text: 'only once' }).expect(200),
        send(otana.token, { id, text: 'only once' }).expect(200),
      ]);
      assert.deepEqual(one.body, two.body);
      await send(otana.token, { id, text: 'only once' }).expect(200);
      await tab.waitForText('only once');
      await send(otana.token, { text: 'after' }).expect(200);
      await tab.waitForText('after');
      assert.equal(tab.texts().filter((t) => t === 'only once').length, 1);
    });

    it('gives the name to another browser of the same person with the code its page shows', async () => {
      const name = uniqueName('Mehdi');
      const first = (await join(name)) as Awaited<ReturnType<typeof join>> & { code: string };
      assert.match(first.code, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const wrong = await request(chat.url).post('/api/chat/session').send({ name, code: 'AAAA-AAAA' }).expect(409);
      assert.equal(wrong.body.error.path, 'name');
      // Typed by hand: lower case, without the dash.
      const other = await request(chat.url)
        .post('/api/chat/session')
        .send({ name, code: first.code.toLowerCase().replace('-', '') })
        .expect(200);
      assert.deepEqual(other.body.participant, first.participant);
      // The code is the name's: it does not open another one.
      const eve = uniqueName('Eve');
      chat.forget(eve);
      await request(chat.url).post('/api/chat/session').send({ name: eve, code: first.code }).expect(200);
      await request(chat.url)
        .post('/api/chat/session')
        .send({ name: (await join(uniqueName('Zoe'))).participant.name, code: first.code })
        .expect(409);
    });
    it('delivers a private message only to its person', async () => {
      const otana = await join(uniqueName('Otana'));
      const mehdi = await join(uniqueName('Mehdi'));
      const third = await join(uniqueName('Zoe'));
      const [toMehdi, toThird] = [live(mehdi.token), live(third.token)];
      await Promise.all([toMehdi.waitForStatus('online'), toThird.waitForStatus('online')]);
      const res = await send(otana.token, { to: { kind: 'person', name: mehdi.participant.name }, text: 'just for you' }).expect(200);
      assert.deepEqual(res.body.path, { exchange: 'chat', routingKey: personKey(mehdi.participant.name) });
      await toMehdi.waitForText('just for you');
      await sleep(200);
      assert.ok(!toThird.texts().includes('just for you'));
    });

    it('refuses to send to nobody (404) rather than lose the message', async () => {
      const otana = await join(uniqueName('Otana'));
      const ghost = uniqueName('Ghost');
      const person = await send(otana.token, { to: { kind: 'person', name: ghost }, text: 'anyone?' }).expect(404);
      assert.deepEqual(person.body.error.path, 'to.name');
      assert.match(person.body.error.message, new RegExp(`Nobody named ${ghost}`));
      const queue = await send(otana.token, { to: { kind: 'queue', name: `${ghost}_queue` }, text: 'anyone?' }).expect(404);
      assert.match(queue.body.error.message, /no queue named/);
    });

    it('refuses an empty message, an overlong one and a missing token, clearly', async () => {
      const otana = await join(uniqueName('Otana'));
      const empty = await send(otana.token, { text: '   ' }).expect(400);
      assert.deepEqual(empty.body.error, { message: 'Your message is empty: type something before sending.', path: 'text' });
      const long = await send(otana.token, { text: 'x'.repeat(2001) }).expect(400);
      assert.deepEqual(long.body.error, { message: 'Your message is too long: 2001 characters, at most 2000.', path: 'text' });
      const reserved = await send(otana.token, { to: { kind: 'queue', name: 'xtp.someone.q' }, text: 'hi' }).expect(400);
      assert.equal(reserved.body.error.path, 'to.name');
      await request(chat.url)
        .post('/api/chat/messages')
        .send({ id: 'x', to: { kind: 'room' }, text: 'hi' })
        .expect(401);
      await send('forged.token', { text: 'hi' }).expect(401);
    });

    it('carries markup as text, untouched', async () => {
      const otana = await join(uniqueName('Otana'));
      const mehdi = await join(uniqueName('Mehdi'));
      const tab = live(mehdi.token);
      await tab.waitForStatus('online');
      await send(otana.token, { text: '<img src=x onerror=alert(1)>' }).expect(200);
      assert.equal((await tab.waitForText('<img src=x onerror=alert(1)>')).text, '<img src=x onerror=alert(1)>');
    });

    it('redelivers what a tab did not acknowledge when it comes back, and not what it did', async () => {
      const otana = await join(uniqueName('Otana'));
      const mehdi = await join(uniqueName('Mehdi'));
      const first = live(mehdi.token);
      await first.waitForStatus('online');
      await send(otana.token, { to: { kind: 'person', name: mehdi.participant.name }, text: 'acked' }).expect(200);
      await send(otana.token, { to: { kind: 'person', name: mehdi.participant.name }, text: 'not acked' }).expect(200);
      const acked = await first.waitForText('acked');
      const unacked = await first.waitForText('not acked');
      first.ack(acked.id);
      await sleep(200);
      await first.close();

      const again = live(mehdi.token);
      const back = await again.waitForText('not acked');
      assert.equal(back.id, unacked.id); // same id: the page shows it once
      assert.equal(back.redelivered, true);
      await sleep(200);
      assert.deepEqual(
        again.texts().filter((t) => t.includes('acked')),
        ['not acked'],
      );
      again.ack(back.id);
    });

    it('keeps what was sent while the participant was away', async () => {
      const otana = await join(uniqueName('Otana'));
      const mehdi = await join(uniqueName('Mehdi'));
      const tab = live(mehdi.token);
      await tab.waitForStatus('online');
      await tab.close();
      clients.splice(clients.indexOf(tab), 1);
      for (const text of ['one', 'two', 'three'])
        await send(otana.token, { to: { kind: 'person', name: mehdi.participant.name }, text }).expect(200);
      const back = live((await join(mehdi.participant.name, { token: mehdi.token })).token);
      await eventually('the three messages', () => ['one', 'two', 'three'].every((t) => back.texts().includes(t)));
      assert.deepEqual(
        back.texts().filter((t) => ['one', 'two', 'three'].includes(t)),
        ['one', 'two', 'three'],
      );
    });

    it('pushes to every tab of the same name', async () => {
      const otana = await join(uniqueName('Otana'));
      const mehdi = await join(uniqueName('Mehdi'));
      const [a, b] = [live(mehdi.token), live(mehdi.token)];
      await Promise.all([a.waitForStatus('online'), b.waitForStatus('online')]);
      await send(otana.token, { text: 'both tabs' }).expect(200);
      await Promise.all([a.waitForText('both tabs'), b.waitForText('both tabs')]);
    });

    it('takes a queue of one’s own as inbox (the report’s task_queue1) and routes the person’s messages there', async () => {
      const inbox = uniqueName('task_queue1');
      chat.forgetQueue(inbox);
      const mehdi = await join(uniqueName('Mehdi'), { inbox });
      assert.equal(mehdi.participant.inbox, inbox);
      const otana = await join(uniqueName('Otana'));
      const tab = live(mehdi.token);
      await tab.waitForStatus('online');
      await send(otana.token, { to: { kind: 'queue', name: inbox }, text: 'by queue name' }).expect(200);
      await send(otana.token, { to: { kind: 'person', name: mehdi.participant.name }, text: 'by name' }).expect(200);
      const byQueue = await tab.waitForText('by queue name');
      assert.deepEqual(byQueue.path, { exchange: '', routingKey: inbox, queue: inbox });
      await tab.waitForText('by name');
      // Someone reads it now: nobody else may take it.
      const eve = uniqueName('Eve');
      chat.forget(eve);
      const busy = await request(chat.url).post('/api/chat/session').send({ name: eve, inbox }).expect(409);
      assert.equal(busy.body.error.path, 'inbox');
    });

    it('answers a tab that presents no valid token with an error, not a stream', async () => {
      const tab = live('nope');
      await eventually('the error', () => tab.events.find((e) => e.type === 'error'));
      assert.deepEqual(tab.events[0], { type: 'error', key: 'chat.error.token' });
      tab.send('not json');
      await eventually('a second error', () => tab.events.filter((e) => e.type === 'error').length === 2);
    });

    it('refuses the live channel to a page of another origin', async () => {
      const client = new LiveTestClient(chat.url, 'x', { origin: 'http://evil.example' });
      await assert.rejects(client.opened, /403/);
    });
  });
}

for (const kind of SERVICE_KINDS) {
  describe(`chat names freed after their lease on the ${kind} broker (lease shortened to 1.5 s)`, function () {
    this.timeout(30_000);
    const LEASE_MS = 1500;
    let chat: ChatApp;

    before(async function () {
      chat = await startChatApp(this, kind, { leaseMs: LEASE_MS });
    });
    after(async () => {
      await chat?.close();
    });

    async function join(name: string, extra: Record<string, unknown> = {}, status = 200) {
      chat.forget(name);
      const res = await request(chat.url)
        .post('/api/chat/session')
        .send({ name, ...extra })
        .expect(status);
      return res.body as { participant: { name: string; room: string; inbox: string }; token: string };
    }

    it('gives a name nobody used for the lease, with an empty inbox, to someone else', async () => {
      const name = uniqueName('Mehdi');
      await join(name);
      await join(name, {}, 409); // used just now
      await sleep(LEASE_MS + 1000);
      const newcomer = await join(name);
      assert.equal(newcomer.participant.inbox, inboxOf(name));
    });

    it('keeps a name whose inbox holds messages for its owner, whose old token still brings them back', async () => {
      const name = uniqueName('Mehdi');
      const owner = await join(name);
      const otana = await join(uniqueName('Otana'));
      await request(chat.url)
        .post('/api/chat/messages')
        .set('authorization', `Bearer ${otana.token}`)
        .send({ id: randomUUID(), to: { kind: 'person', name }, text: 'for Mehdi' })
        .expect(200);
      await sleep(LEASE_MS + 1000);
      await join(name, {}, 409);
      const back = await join(name, { token: owner.token });
      const tab = new LiveTestClient(chat.url, back.token);
      try {
        await tab.waitForText('for Mehdi');
      } finally {
        await tab.close();
      }
    });
  });
}
