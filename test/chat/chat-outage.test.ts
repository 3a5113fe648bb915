// The chat when its AMQP connection drops (the broker closes it, as it does
// on a restart), without stopping the machine's RabbitMQ: only this test's
// own connection is closed (rabbitmqctl close_connection).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { ChatHub } from '../../src/chat/chat-hub.js';
import { inboxOf } from '../../src/chat/naming.js';
import { AmqpChat } from '../../src/chat/amqp-chat.js';
import { createApp } from '../../src/web/app.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';
import { closeConnectionNamed } from '../../tools/rabbitmqctl.js';
import { deleteChatQueues, embeddedChatHub, LiveTestClient, uniqueName } from './fixture.js';

describe('chat when the broker drops the connection', function () {
  this.timeout(30_000);
  const connectionName = `chat-outage-test-${randomBytes(4).toString('hex')}`;
  let connection: AmqpConnection;
  let hub: ChatHub;
  let server: http.Server;
  let url: string;
  const names: string[] = [];

  before(async function () {
    await requireRabbit(this);
    // A connection of its own, slow to come back, so the outage can be observed.
    connection = new AmqpConnection(AMQP_URL, { connectionName, reconnectDelayMs: 3000 });
    await connection.start();
    hub = new ChatHub(new AmqpChat(connection), { secret: randomBytes(32) });
    server = http.createServer(createApp({ broker: new RabbitMqBroker(connection), chat: hub }));
    hub.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await hub?.close();
    server?.closeAllConnections();
    server?.close();
    if (connection) {
      await deleteChatQueues(connection, names.map(inboxOf));
      await connection.close();
    }
  });

  it('says "away" and refuses sends with 503 while down, then resumes the same live channel and delivers', async () => {
    const [otana, mehdi] = [uniqueName('Otana'), uniqueName('Mehdi')];
    names.push(otana, mehdi);
    const a = (await request(url).post('/api/chat/session').send({ name: otana }).expect(200)).body;
    const b = (await request(url).post('/api/chat/session').send({ name: mehdi }).expect(200)).body;
    const tab = new LiveTestClient(url, b.token);
    try {
      await tab.waitForStatus('online');
      await closeConnectionNamed(connectionName);
      await tab.waitForStatus('away');

      const id = randomUUID();
      const refused = await request(url)
        .post('/api/chat/messages')
        .set('authorization', `Bearer ${a.token}`)
        .send({ id, to: { kind: 'room' }, text: 'during the outage' })
        .expect(503);
      assert.equal(refused.body.error.message, 'The broker is unreachable right now: the message was not sent.');
      const late = await request(url)
        .post('/api/chat/session')
        .send({ name: uniqueName('Late') })
        .expect(503);
      assert.equal(late.body.error.message, 'The broker is unreachable right now: try joining again in a moment.');

      await tab.waitForStatus('online', 15_000);
      // The page resends with the same id; it arrives once, on the same socket.
      await request(url)
        .post('/api/chat/messages')
        .set('authorization', `Bearer ${a.token}`)
        .send({ id, to: { kind: 'room' }, text: 'during the outage' })
        .expect(200);
      const got = await tab.waitForText('during the outage');
      assert.equal(got.id, id);
    } finally {
      await tab.close();
    }
  });
});

describe('chat on an app started with app.listen (no explicit attach)', () => {
  it('serves the live channel once a page has been loaded from that server', async () => {
    const hub = await embeddedChatHub();
    const server = createApp({ broker: new EmbeddedBroker(), chat: hub }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await request(base).get('/chat').expect(200);
      const { token } = (
        await request(base)
          .post('/api/chat/session')
          .send({ name: uniqueName('Mehdi') })
          .expect(200)
      ).body;
      const tab = new LiveTestClient(base, token);
      await tab.waitForStatus('online');
      await tab.close();
    } finally {
      await hub.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
