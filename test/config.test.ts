import assert from 'node:assert/strict';
import net from 'node:net';
import { readConfig, redactUrl } from '../src/config.js';
import { selectBroker } from '../src/broker/select-broker.js';

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('configuration', () => {
  it('defaults to port 3000, BROKER=auto and the local RabbitMQ', () => {
    const config = readConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.broker, 'auto');
    assert.equal(config.amqpUrl, 'amqp://guest:guest@localhost:5672');
  });

  it('reads CLOUDAMQP_URL when AMQP_URL is absent, and AMQP_URL first', () => {
    assert.equal(readConfig({ CLOUDAMQP_URL: 'amqps://u:p@host/v' }).amqpUrl, 'amqps://u:p@host/v');
    assert.equal(readConfig({ CLOUDAMQP_URL: 'amqps://u:p@host/v', AMQP_URL: 'amqp://a@b' }).amqpUrl, 'amqp://a@b');
  });

  it('refuses a BROKER or PORT it does not know, naming the value', () => {
    assert.throws(() => readConfig({ BROKER: 'kafka' }), /BROKER must be auto, embedded or rabbitmq, got "kafka"/);
    assert.throws(() => readConfig({ PORT: 'eighty' }), /PORT must be a port number/);
  });

  it('never shows the password of the AMQP URL', () => {
    assert.equal(redactUrl('amqps://user:s3cret@host.example/vh'), 'amqps://user:***@host.example/vh');
    assert.doesNotMatch(redactUrl('amqp://user:s3cret@h'), /s3cret/);
  });

  it('BROKER=rabbitmq with no broker reachable is an error, not a silent fallback', async () => {
    const port = await closedPort();
    const config = readConfig({ BROKER: 'rabbitmq', AMQP_URL: `amqp://guest:hidden@127.0.0.1:${port}` });
    await assert.rejects(selectBroker(config), (err: Error) => {
      assert.match(err.message, /cannot connect to RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:\d+: connection refused/);
      assert.doesNotMatch(err.message, /hidden/);
      return true;
    });
  });

  it('BROKER=auto falls back to the embedded broker and says so', async () => {
    const port = await closedPort();
    const { broker, notice } = await selectBroker(readConfig({ AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}` }));
    assert.equal(broker.kind, 'embedded');
    assert.match(notice, /broker: embedded — no RabbitMQ reachable/);
  });

  it('BROKER=embedded never touches the network', async () => {
    const { broker, connection } = await selectBroker(readConfig({ BROKER: 'embedded', AMQP_URL: 'amqp://nowhere.invalid' }));
    assert.equal(broker.kind, 'embedded');
    assert.equal(connection, null);
  });
});
