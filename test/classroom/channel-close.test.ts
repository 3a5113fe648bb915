// Found by the fault test (a scenario play that never answered while the
// broker closed the app's connection): amqplib 2.3's channel.close() never
// settles when the connection closes before the broker's close-ok. The app
// closes channels with closeChannel(), which settles either way.
//
// The connection closing at that very moment is simulated the way amqplib
// itself handles a Connection.Close frame from the broker (toClosed with a
// 320 CONNECTION_FORCED error): the window is one round trip wide.
import assert from 'node:assert/strict';
import amqp, { type ChannelModel } from 'amqplib';
import { AmqpConnection, BrokerUnavailableError, closeChannel } from '../../src/broker/amqp-connection.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';

const pendingAfter = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);

/** The broker's Connection.Close arriving now, as amqplib's channel 0 handles it. */
function brokerClosesConnection(model: ChannelModel): void {
  const connection = (model as unknown as { connection: { toClosed(stack: Error, err: Error): void } }).connection;
  connection.toClosed(new Error('simulated'), Object.assign(new Error('Connection closed: 320 (CONNECTION-FORCED)'), { code: 320 }));
}

describe('closing a channel while the connection drops', function () {
  this.timeout(20_000);
  const models: ChannelModel[] = [];

  before(async function () {
    await requireRabbit(this);
  });
  after(() => {
    for (const m of models) (m as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  });

  async function openChannel() {
    const model = await amqp.connect(AMQP_URL, { clientProperties: { connection_name: 'playground channel-close test' } });
    model.on('error', () => {});
    models.push(model);
    const channel = await model.createChannel();
    channel.on('error', () => {});
    return { model, channel };
  }

  it('leaves amqplib’s own close() pending for ever (the defect)', async () => {
    const { model, channel } = await openChannel();
    const closing = channel.close();
    brokerClosesConnection(model);
    assert.equal(await pendingAfter(closing, 1000), 'pending');
  });

  it('settles closeChannel() at once', async () => {
    const { model, channel } = await openChannel();
    const closing = closeChannel(channel);
    brokerClosesConnection(model);
    assert.equal(await pendingAfter(closing, 1000), 'settled');
  });

  it('settles closeChannel() on an open channel, and on one already closed', async () => {
    const { channel } = await openChannel();
    assert.equal(await pendingAfter(closeChannel(channel), 5000), 'settled');
    assert.equal(await pendingAfter(closeChannel(channel), 1000), 'settled');
  });
});

describe('opening a channel while the connection drops', function () {
  this.timeout(20_000);

  it('is "broker away" (BrokerUnavailableError → 503), not an internal error', async function () {
    await requireRabbit(this);
    const connection = new AmqpConnection(AMQP_URL, { connectionName: 'playground channel-open test', reconnectDelayMs: 60_000 });
    await connection.start();
    try {
      const opening = connection.createChannel();
      brokerClosesConnection((connection as unknown as { model: ChannelModel }).model);
      await assert.rejects(opening, (err: Error) => {
        assert.ok(err instanceof BrokerUnavailableError, `${err.name}: ${err.message}`);
        assert.match(err.message, /^RabbitMQ went away while opening a channel/);
        return true;
      });
    } finally {
      await connection.close();
    }
  });
});
