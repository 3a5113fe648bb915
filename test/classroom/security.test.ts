// A class where some students are curious about what breaks: security
// headers and a CSP without 'unsafe-inline' on every page, no inline script
// or style in any page, a clear 429 from the per-client rate limit (and its
// configuration for a class behind one NAT address), and no way to read
// another student's run queues or chat inbox by guessing names.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { ChatHub } from '../../src/chat/chat-hub.js';
import { AmqpChat } from '../../src/chat/amqp-chat.js';
import { readConfig } from '../../src/config.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { createApp } from '../../src/web/app.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { startServer } from '../../tools/server-process.js';
import { deleteChatQueues, embeddedChatHub, LiveTestClient, uniqueName } from '../chat/fixture.js';
import { call, tutorial5 } from './fault-kit.js';

async function embeddedApp(rateLimit = { perSecond: 1e9, burst: 1e9 }) {
  return createApp({ broker: new EmbeddedBroker(), chat: await embeddedChatHub(), rateLimit });
}

/** "default-src 'self'; script-src 'self'" → {"default-src": ["'self'"], …} */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

describe('security headers and the Content-Security-Policy', () => {
  let app: Awaited<ReturnType<typeof embeddedApp>>;
  before(async () => {
    app = await embeddedApp();
  });
  const pages = [
    '/',
    '/?lang=fr',
    ...loadScenarios().map((s) => `/scenarios/${s.id}`),
    '/scenarios/no-such-scenario',
    '/sandbox',
    '/chat',
    '/chat?lang=fr',
  ];
  const others = ['/healthz', '/api/scenarios', '/api/chat/naming', '/api/nope', '/static/js/chat.js', '/static/css/app.css'];

  for (const path of [...pages, ...others]) {
    it(`sends them with ${path}`, async () => {
      const res = await request(app).get(path);
      assert.ok(res.status === 200 || res.status === 404, `${path}: ${res.status}`);
      const csp = String(res.headers['content-security-policy'] ?? '');
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
      const d = directives(csp);
      assert.deepEqual(d['default-src'], ["'self'"]);
      assert.deepEqual(d['script-src'], ["'self'"]);
      assert.deepEqual(d['style-src'], ["'self'"]);
      assert.deepEqual(d['script-src-attr'], ["'none'"]);
      assert.deepEqual(d['object-src'], ["'none'"]);
      assert.deepEqual(d['base-uri'], ["'self'"]);
      assert.deepEqual(d['frame-ancestors'], ["'self'"]);
      assert.deepEqual(d['connect-src'], ["'self'"]);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      // Not sent: students come over plain HTTP at a LAN address, where browsers ignore it with a console error.
      assert.equal(res.headers['cross-origin-opener-policy'], undefined);
      assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
      assert.equal(res.headers['x-powered-by'], undefined);
      assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    });
  }

  for (const path of pages) {
    it(`serves ${path} with no inline script, style or event handler (the CSP would block them)`, async () => {
      const { text } = await request(app).get(path);
      assert.match(text, /^<!doctype html>/i);
      assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/i, 'inline <script>');
      assert.doesNotMatch(text, /<style[\s>]/i, '<style> element');
      assert.doesNotMatch(text, /\sstyle\s*=/i, 'style attribute');
      assert.doesNotMatch(text, /\son[a-z]+\s*=/i, 'event handler attribute');
      assert.doesNotMatch(text, /javascript:/i);
      for (const [, src] of text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) assert.match(src, /^\/static\//, `script from ${src}`);
    });
  }

  it('shows no password of the AMQP URL in pages, JSON or logs', async function () {
    const connection = await requireRabbit(this);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const hub = new ChatHub(new AmqpChat(connection), { secret: randomBytes(32), brokerUrl: connection.redactedUrl });
    const secured = createApp({ broker: new RabbitMqBroker(connection), connection, logger, chat: hub });
    const password = new URL(connection.url).password;
    assert.ok(password, 'the test broker URL has a password');
    try {
      for (const path of ['/', '/chat', '/sandbox', '/scenarios/topic', '/healthz', '/api/chat/naming']) {
        const res = await request(secured).get(path).expect(200);
        assert.ok(!res.text.includes(`:${password}@`), `${path} shows the password`);
      }
    } finally {
      await hub.close();
    }
    const server = await startServer({ BROKER: 'rabbitmq', AMQP_URL: connection.url });
    try {
      await call(`${server.url}/api/run`, { body: tutorial5 });
      await call(`${server.url}/api/run`, { body: { definitions: 7 } });
    } finally {
      await server.stop();
    }
    assert.ok(!server.output().includes(`:${password}@`), 'the server log shows the password');
    assert.ok(!lines.join('').includes(`:${password}@`));
  });
});

describe('the per-client rate limit', () => {
  let server: http.Server;
  let base: string;

  before(async () => {
    server = http.createServer(await embeddedApp({ perSecond: 1, burst: 3 }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server?.close());

  /** POST (GET without a body) from a given loopback source address (one address = one client). */
  function postFrom(localAddress: string, path: string, body?: unknown): Promise<{ status: number; retryAfter?: string; body: any }> {
    return new Promise((resolve, reject) => {
      const payload = Buffer.from(body === undefined ? '' : JSON.stringify(body));
      const method = body === undefined ? 'GET' : 'POST';
      const req = http.request(
        `${base}${path}`,
        { method, localAddress, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          const json = /json/.test(String(res.headers['content-type']));
          res.on('end', () =>
            resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: json ? JSON.parse(text) : text }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('answers a student over the limit 429 with Retry-After and a clear message, on every publishing endpoint, and not the others', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await postFrom('127.0.0.5', '/api/run', tutorial5)).status, 200);
    const over = await postFrom('127.0.0.5', '/api/run', tutorial5);
    assert.equal(over.status, 429);
    assert.equal(over.retryAfter, '1');
    assert.deepEqual(over.body, { error: { message: 'too many requests: at most 1 per second (bursts of 3); retry in 1 s' } });
    // Every POST under /api counts: the chat as well; and playing a scenario, which publishes though it is a GET.
    assert.equal((await postFrom('127.0.0.5', '/api/chat/session', { name: uniqueName('Eve') })).status, 429);
    const play = await postFrom('127.0.0.5', '/api/scenarios/topic/play');
    assert.equal(play.status, 429);
    assert.match(play.body.error.message, /^too many requests/);
    // Another student (another address) is not slowed down; reading is never limited.
    assert.equal((await postFrom('127.0.0.6', '/api/run', tutorial5)).status, 200);
    assert.equal((await postFrom('127.0.0.5', '/api/scenarios')).status, 200);
    assert.equal((await postFrom('127.0.0.5', '/scenarios/topic')).status, 200);
    // A second later the bucket holds a token again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await postFrom('127.0.0.5', '/api/run', tutorial5)).status, 200);
  });

  it('takes its rate from RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST (a class behind one NAT address needs more)', async () => {
    const server = await startServer({ BROKER: 'embedded', RATE_LIMIT_PER_SECOND: '0.5', RATE_LIMIT_BURST: '2' });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(`${server.url}/api/run`, { body: tutorial5 })).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      const over = await call(`${server.url}/api/run`, { body: tutorial5 });
      assert.equal(over.body.error.message, 'too many requests: at most 0.5 per second (bursts of 2); retry in 2 s');
    } finally {
      await server.stop();
    }
    assert.deepEqual(readConfig({}).rateLimit, { perSecond: 20, burst: 40 });
    assert.throws(() => readConfig({ RATE_LIMIT_PER_SECOND: 'lots' }), /RATE_LIMIT_PER_SECOND must be a positive number, got "lots"/);
    assert.throws(() => readConfig({ RATE_LIMIT_BURST: '0' }), /RATE_LIMIT_BURST must be a positive number, got "0"/);
  });
});

describe('guessing another student’s names', function () {
  this.timeout(60_000);
  // Another student's run in flight, as RabbitMqBroker names it: a random prefix, then the declared names.
  const victim = `xtp.${randomBytes(12).toString('base64url')}.`;
  const victimQueue = `${victim}orders`;
  const victimExchange = `${victim}shop`;
  let app: ReturnType<typeof createApp>;
  let hub: ChatHub;
  let connection: Awaited<ReturnType<typeof requireRabbit>>;
  const names: string[] = [];

  before(async function () {
    connection = await requireRabbit(this);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange(victimExchange, 'direct', { durable: false, autoDelete: false });
    await channel.assertQueue(victimQueue, { durable: false, arguments: { 'x-expires': 60_000 } });
    await channel.bindQueue(victimQueue, victimExchange, 'orders');
    channel.publish(victimExchange, 'orders', Buffer.from('the victim’s secret'));
    await channel.waitForConfirms();
    await channel.close();
    hub = new ChatHub(new AmqpChat(connection), { secret: randomBytes(32) });
    app = createApp({ broker: new RabbitMqBroker(connection), connection, chat: hub, rateLimit: { perSecond: 1e9, burst: 1e9 } });
  });
  after(async () => {
    await hub?.close();
    if (!connection) return;
    const channel = await connection.createChannel();
    await channel.deleteQueue(victimQueue);
    await channel.deleteExchange(victimExchange);
    await channel.close();
    await deleteChatQueues(
      connection,
      names.map((n) => `chat.${n}`),
    );
  });

  /** The victim's queue still holds exactly its one message. */
  async function victimUntouched(): Promise<void> {
    const channel = await connection.createChannel();
    try {
      assert.equal((await channel.checkQueue(victimQueue)).messageCount, 1);
    } finally {
      await channel.close();
    }
  }

  it('cannot reach, read or replace another run’s queue or exchange through POST /api/run, even knowing their real names', async () => {
    const intruder = {
      definitions: {
        exchanges: [{ name: 'mine', type: 'fanout' }],
        // Declares a queue by the victim's real name: it is the intruder's own, under its own prefix.
        queues: [{ name: victimQueue, arguments: { 'x-dead-letter-exchange': victimExchange } }],
        bindings: [{ source: 'mine', destination: victimQueue, routing_key: '' }],
      },
      messages: [
        { exchange: '', routing_key: victimQueue, payload: 'through the default exchange', mandatory: true },
        { exchange: victimExchange, routing_key: 'orders', payload: 'to the victim’s exchange' },
        { exchange: 'mine', routing_key: '', payload: 'to my own queue' },
      ],
    };
    const res = await request(app).post('/api/run').send(intruder).expect(200);
    // Its queue of that name holds its own messages only; the victim's exchange does not exist for it.
    assert.deepEqual(res.body.queues, { [victimQueue]: [0, 2] });
    assert.deepEqual(res.body.publish_errors, { 1: 404 });
    assert.doesNotMatch(JSON.stringify(res.body), /secret/);
    // A binding straight to the victim's queue, without declaring it: the broker does not know it here.
    const bind = await request(app)
      .post('/api/run')
      .send({
        definitions: {
          exchanges: [{ name: 'mine', type: 'fanout' }],
          bindings: [{ source: 'mine', destination: victimQueue, routing_key: '' }],
        },
        messages: [],
      })
      .expect(200);
    assert.equal(bind.body.setup_error.code, 404);
    assert.ok(bind.body.setup_error.message.includes(`no queue '${victimQueue}'`), bind.body.setup_error.message);
    await victimUntouched();
  });

  it('cannot take another run’s queue, a broker queue or another student’s inbox as a chat inbox, nor write to them', async () => {
    const eve = uniqueName('Eve');
    const mehdi = uniqueName('Mehdi');
    names.push(eve, mehdi);
    const m = await request(app).post('/api/chat/session').send({ name: mehdi }).expect(200);
    for (const [inbox, message] of [
      [victimQueue, /belong to the broker and to the playground \(its private runs/],
      ['amq.gen-JzTY20BRgKO-HjmUJj0wLg', /belong to the broker/],
      [`chat.${mehdi}`, /participants’ own inboxes/],
    ] as const) {
      const res = await request(app).post('/api/chat/session').send({ name: eve, inbox }).expect(400);
      assert.equal(res.body.error.path, 'inbox');
      assert.match(res.body.error.message, message);
    }
    const e = await request(app).post('/api/chat/session').send({ name: eve }).expect(200);
    const toVictim = await request(app)
      .post('/api/chat/messages')
      .set('authorization', `Bearer ${e.body.token}`)
      .send({ id: randomUUID(), to: { kind: 'queue', name: victimQueue }, text: 'hello' })
      .expect(400);
    assert.equal(toVictim.body.error.path, 'to.name');
    await victimUntouched();

    // A token whose claims Eve rewrote to Mehdi's inbox: the signature no longer matches.
    const [payload, mac] = e.body.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, name: mehdi, inbox: `chat.${mehdi}` })).toString('base64url')}.${mac}`;
    await request(app)
      .post('/api/chat/messages')
      .set('authorization', `Bearer ${forged}`)
      .send({ id: randomUUID(), to: { kind: 'room' }, text: 'as Mehdi' })
      .expect(401);
    await request(app).post('/api/chat/session').send({ name: mehdi, token: forged }).expect(409);
    // Nor does it open Mehdi's inbox on the live channel.
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await call(`${url}/chat`); // the live channel is attached to a server once a page has been served from it
    const tab = new LiveTestClient(url, forged);
    try {
      await tab.opened;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(tab.events, [{ type: 'error', key: 'chat.error.token' }]);
    } finally {
      await tab.close();
      server.closeAllConnections();
      server.close();
    }
    // Mehdi's own token still works.
    await request(app).post('/api/chat/session').send({ name: mehdi, token: m.body.token }).expect(200);
  });
});
