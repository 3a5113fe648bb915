// The classroom load test, short: LOAD_STUDENTS students (20) for
// LOAD_SECONDS (8) against the server as `npm start` runs it, on RabbitMQ.
// `npm run load` is the full one (60 students, 60 s). No error, no chat
// message lost or duplicated, and afterwards nothing of the server's on
// RabbitMQ beyond what is intended (see test/classroom/load/after-class.ts).
// Then the sessions idle out: the inboxes expire and nothing remains.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { ChatHub } from '../../src/chat/chat-hub.js';
import { AmqpChat } from '../../src/chat/amqp-chat.js';
import { createApp } from '../../src/web/app.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';
import { ClassVhost, MAX_IDLE_CHANNELS, settledFootprint } from '../../tools/classroom-load/after-class.js';
import { exchangesIn, queuesIn } from '../../tools/classroom-load/broker-footprint.js';
import { runClassroom } from '../../tools/classroom-load/classroom.js';
import { loadRun, type LoadRunResult } from '../../tools/classroom-load/load-run.js';
import { formatReport } from '../../tools/classroom-load/report.js';

const STUDENTS = Number(process.env.LOAD_STUDENTS ?? 20);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 8);

describe('a class on one server and one RabbitMQ', function () {
  this.timeout(180_000);
  let result: LoadRunResult;

  before(async function () {
    await requireRabbit(this);
    result = await loadRun({ amqpUrl: AMQP_URL, students: STUDENTS, durationMs: SECONDS * 1000, chatEveryMs: 2000, stepEveryMs: 800 });
    console.log(`      ${formatReport(result.report).replace(/\n/g, '\n      ')}`);
  });

  it(`lets ${STUDENTS} students step through scenarios and chat for ${SECONDS} s without an error`, () => {
    const r = result.report;
    assert.deepEqual(r.errors.lines, []);
    assert.ok(r.scenario.opened >= STUDENTS, `only ${r.scenario.opened} scenario pages opened`);
    assert.ok(r.chat.sent >= STUDENTS, `only ${r.chat.sent} chat messages sent`);
    assert.deepEqual(result.health, { before: 200, after: 200 });
    assert.deepEqual(result.serverErrors, []);
  });

  it('delivers every chat message to each of its recipients exactly once', () => {
    const c = result.report.chat;
    assert.deepEqual(
      { lost: c.lost, duplicated: c.duplicated, unexpected: c.unexpected },
      { lost: 0, duplicated: 0, unexpected: 0 },
      result.report.examples.join('\n'),
    );
    assert.equal(c.delivered, c.expectedDeliveries);
    assert.ok(c.delivered > c.sent, 'room messages reach several students');
  });

  it('measures chat delivery, the scenario play and the server’s peak memory', () => {
    const r = result.report;
    assert.equal(r.chat.delivery?.samples, r.chat.delivered);
    assert.equal(r.scenario.play?.samples, r.scenario.opened);
    assert.ok(r.memory && r.memory.peakMb >= r.memory.beforeMb && r.memory.beforeMb > 0);
  });

  it('leaves on RabbitMQ, with the server up and the tabs gone, one connection with idle channels, the inboxes and the chat exchange', () => {
    assert.equal(result.idle.connections.length, 1, JSON.stringify(result.idle));
    assert.ok(result.idle.channels.length <= MAX_IDLE_CHANNELS, `${result.idle.channels.length} channels left open`);
    assert.deepEqual(
      result.idle.channels.filter((c) => c.consumers > 0 || c.unacked > 0),
      [],
    );
    // Every scenario play and run deleted what it declared (no xtp.* left); each student's durable inbox stays, as intended.
    // And each name's lease (src/chat/naming.ts).
    const inboxes = Array.from({ length: STUDENTS }, (_, i) => [`chat.${result.tag}s${i}`, `chat-lease.${result.tag}s${i}`])
      .flat()
      .sort();
    assert.deepEqual([...result.queues].sort(), inboxes);
    assert.deepEqual(result.exchanges, ['chat']);
  });

  it('closes its connection on SIGTERM and exits 0', () => {
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.stopped, { connections: [], channels: [] });
  });
});

describe('after the sessions idle out', function () {
  this.timeout(90_000);
  const vhost = new ClassVhost(AMQP_URL);
  const connectionName = `playground idle-out ${vhost.name}`;
  let connection: AmqpConnection | null = null;
  let hub: ChatHub | null = null;
  let server: http.Server | null = null;

  before(async function () {
    await requireRabbit(this);
    await vhost.create();
  });
  after(async () => {
    await hub?.close();
    server?.closeAllConnections();
    server?.close();
    await connection?.close();
    await vhost.delete().catch(() => {});
  });

  it('holds nothing on RabbitMQ but the chat exchange and an idle connection once the inboxes have expired', async () => {
    // Inboxes expire after 3 s unused here (24 h in production: INBOX_EXPIRES_MS).
    const expiresMs = 3000;
    connection = new AmqpConnection(vhost.url, { connectionName });
    await connection.start();
    hub = new ChatHub(new AmqpChat(connection, { inboxExpiresMs: expiresMs }), {
      secret: randomBytes(32),
      tokenTtlMs: expiresMs,
      presenceHeartbeatMs: 500,
    });
    server = http.createServer(createApp({ broker: new RabbitMqBroker(connection), connection, chat: hub }));
    hub.attach(server);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const report = await runClassroom({
      base,
      students: 4,
      durationMs: 2500,
      chatEveryMs: 500,
      stepEveryMs: 300,
      tag: `io${randomBytes(3).toString('hex')}`,
    });
    assert.deepEqual(report.errors.lines, []);
    assert.equal(report.chat.lost + report.chat.duplicated, 0);
    // (Their names' leases, chat-lease.*, share the inboxes' x-expires here: they may be gone already.)
    assert.equal(
      (await queuesIn(vhost.name)).filter((q) => q.startsWith('chat.')).length,
      4,
      'each student has an inbox while the session lasts',
    );

    // The tabs are gone: nothing consumes the inboxes any more, and x-expires runs out.
    const until = Date.now() + expiresMs + 30_000;
    let queues = await queuesIn(vhost.name);
    while (queues.length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      queues = await queuesIn(vhost.name);
    }
    assert.deepEqual(queues, []);
    assert.deepEqual(await exchangesIn(vhost.name), ['chat']);
    const idle = await settledFootprint(connectionName);
    assert.equal(idle.connections.length, 1);
    assert.ok(idle.channels.length <= MAX_IDLE_CHANNELS, `${idle.channels.length} channels left open`);
    assert.deepEqual(
      idle.channels.filter((c) => c.consumers > 0 || c.unacked > 0),
      [],
    );
  });
});
