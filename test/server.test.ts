// The server as `npm start` runs it: picks its broker, says which, serves,
// and shuts down cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { runServerToExit, startServer } from '../tools/server-process.js';
import { requireRabbit } from './helpers/rabbitmq.js';
import { buildServer } from '../tools/build-server.js';

describe('the server process', function () {
  this.timeout(30000);

  it('serves on the embedded broker, reports it in /healthz, and exits 0 on SIGTERM', async () => {
    const server = await startServer({ BROKER: 'embedded' });
    try {
      const health = await (await fetch(`${server.url}/healthz`)).json();
      assert.deepEqual(health, { status: 'ok', broker: { kind: 'embedded', connected: true } });
      assert.match(server.output(), /broker: embedded \(BROKER=embedded\)/);
    } finally {
      assert.equal(await server.stop('SIGTERM'), 0);
    }
  });

  it('uses RabbitMQ when reachable, without printing the password', async function () {
    await requireRabbit(this);
    const server = await startServer({ BROKER: 'auto', AMQP_URL: 'amqp://guest:guest@localhost:5672' });
    try {
      const health = await (await fetch(`${server.url}/healthz`)).json();
      assert.equal(health.broker.kind, 'rabbitmq');
      assert.equal(health.broker.connected, true);
      assert.equal(health.broker.url, 'amqp://guest:***@localhost:5672');
      assert.doesNotMatch(server.output(), /guest:guest/);
    } finally {
      assert.equal(await server.stop('SIGTERM'), 0);
    }
  });

  it('builds and serves from dist/ as npm start does', async () => {
    buildServer();
    const server = await startServer({ BROKER: 'embedded' }, 20000, true);
    try {
      const page = await fetch(`${server.url}/scenarios/topic`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /lazy\.#/);
    } finally {
      assert.equal(await server.stop('SIGTERM'), 0);
    }
  });

  it('exits with a clear message when BROKER=rabbitmq cannot connect', async () => {
    const { code, output } = await runServerToExit({ BROKER: 'rabbitmq', AMQP_URL: 'amqp://guest:pw@127.0.0.1:1' });
    assert.equal(code, 1);
    assert.match(output, /cannot connect to RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/);
  });
});
