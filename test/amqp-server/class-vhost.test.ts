// A class on one listener (CLASS_PASSWORD): each student's "/" is their own,
// and the vhost "class" (AMQP_CLASS_VHOST) is shared by every class user, so
// two students' copies of the report's pika chat talk through it —
// amqp://alice:pw@host:port/class and amqp://bob:pw@host:port/class.
// What a student may not reach answers as RabbitMQ answers a vhost or queue
// that does not exist.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import amqp from 'amqplib';
import { startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';
import { PYTHON, PythonChat } from '../python/python-chat.js';

const PASSWORD = 'class-pw';

describe('the class vhost on the listener', function () {
  this.timeout(60_000);
  let server: AmqpServer;
  const url = (user: string, vhost: string) => `amqp://${user}:${PASSWORD}@127.0.0.1:${server.port}/${encodeURIComponent(vhost)}`;

  before(async () => {
    server = await startAmqpServer({
      port: 0,
      users: { users: new Map([['teacher', 'tpw']]), classPassword: PASSWORD, classVhost: 'class', guest: true },
    });
  });
  after(async () => {
    await server?.close();
  });

  it('two students chat through "class" with the report’s pika program', async function () {
    if (spawnSync(PYTHON, ['-c', 'import pika']).status !== 0) {
      if (process.env.CI === 'true' || process.env.REQUIRE_RABBITMQ === '1') throw new Error('python3-pika is required');
      this.skip();
    }
    const alice = new PythonChat(['--url', url('alice', 'class'), '--inbox', 'alice_inbox', '--peer', 'bob_inbox']);
    const bob = new PythonChat(['--url', url('bob', 'class'), '--inbox', 'bob_inbox', '--peer', 'alice_inbox']);
    try {
      // Each consumes its own inbox; wait until both inboxes have their consumer.
      const vhost = server.shared.vhost('class', 'class');
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && !['alice_inbox', 'bob_inbox'].every((q) => (vhost.engine.queues.get(q)?.consumerCount ?? 0) > 0))
        await new Promise((r) => setTimeout(r, 50));
      alice.type('bonjour Bob');
      await bob.waitForLine('anonymous -- bonjour Bob');
      bob.type('salut Alice');
      await alice.waitForLine('anonymous -- salut Alice');
    } finally {
      assert.equal(await alice.stop(), 0);
      assert.equal(await bob.stop(), 0);
    }
  });

  it('a student’s "/" is her own: another student’s queue does not exist there (404 as RabbitMQ)', async () => {
    const bob = await amqp.connect(url('bob', '/'));
    const alice = await amqp.connect(url('alice', '/'));
    try {
      const b = await bob.createChannel();
      await b.assertQueue('bob-secret-queue', { durable: false });
      b.sendToQueue('bob-secret-queue', Buffer.from('bob private body'));
      const tries: [string, (ch: amqp.Channel) => Promise<unknown>][] = [
        ['passive declare', (ch) => ch.checkQueue('bob-secret-queue')],
        ['bind', (ch) => ch.bindQueue('bob-secret-queue', 'amq.direct', 'x')],
        ['consume', (ch) => ch.consume('bob-secret-queue', () => {})],
        ['get', (ch) => ch.get('bob-secret-queue')],
        ['purge', (ch) => ch.purgeQueue('bob-secret-queue')],
      ];
      for (const [what, attempt] of tries) {
        const ch = await alice.createChannel();
        ch.on('error', () => {});
        await assert.rejects(attempt(ch), /404 \(NOT-FOUND\) with message "NOT_FOUND - no queue 'bob-secret-queue' in vhost '\/'"/, what);
      }
      // And the message is still bob's, untouched.
      const got = await b.get('bob-secret-queue', { noAck: true });
      assert.ok(got && got.content.toString() === 'bob private body');
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('guest and AMQP_USERS accounts share "/", and do not open "class"; no one opens a vhost that does not exist', async () => {
    const teacher = await amqp.connect(`amqp://teacher:tpw@127.0.0.1:${server.port}/`);
    const guest = await amqp.connect(`amqp://guest:guest@127.0.0.1:${server.port}/`);
    try {
      const t = await teacher.createChannel();
      await t.assertQueue('shared-by-users', { durable: false });
      const g = await guest.createChannel();
      assert.equal((await g.checkQueue('shared-by-users')).queue, 'shared-by-users');
      await t.deleteQueue('shared-by-users');
    } finally {
      await teacher.close();
      await guest.close();
    }
    for (const refused of [
      `amqp://guest:guest@127.0.0.1:${server.port}/class`,
      `amqp://teacher:tpw@127.0.0.1:${server.port}/class`,
      url('alice', 'another-vhost'),
    ])
      await assert.rejects(amqp.connect(refused), /ConnectionClose|530|NOT_ALLOWED/, refused);
  });
});
