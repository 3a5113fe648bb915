// A throw-away vhost on the test RabbitMQ: created with rabbitmqctl, used with
// plain amqplib (publish, drain), deleted afterwards with everything in it.
import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel } from 'amqplib';
import { AMQP_URL } from '../helpers/rabbitmq.js';
import { rabbitmqctl } from '../../tools/rabbitmqctl.js';

export class ScratchVhost {
  readonly name = `sandbox-test-${randomBytes(6).toString('hex')}`;
  private connection: ChannelModel | null = null;
  private created = false;

  get url(): string {
    const url = new URL(AMQP_URL);
    url.pathname = `/${encodeURIComponent(this.name)}`;
    return url.toString();
  }

  async create(): Promise<void> {
    this.created = true;
    await rabbitmqctl('add_vhost', this.name);
    await rabbitmqctl('set_permissions', '-p', this.name, new URL(AMQP_URL).username || 'guest', '.*', '.*', '.*');
  }

  async delete(): Promise<void> {
    await this.connection?.close().catch(() => {});
    this.connection = null;
    if (this.created) await rabbitmqctl('delete_vhost', this.name).catch(() => {});
  }

  async connect(): Promise<ChannelModel> {
    if (!this.connection) {
      this.connection = await amqp.connect(this.url);
      this.connection.on('error', () => {});
    }
    return this.connection;
  }

  /** Waits until every named queue and exchange exists (a definitions import completes asynchronously). */
  async waitFor(queues: string[], exchanges: string[], maxMs = 15_000): Promise<void> {
    const connection = await this.connect();
    const deadline = Date.now() + maxMs;
    for (;;) {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      try {
        for (const q of queues) await channel.checkQueue(q);
        for (const x of exchanges) await channel.checkExchange(x);
        await channel.close();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the vhost never got its topology: ${(err as Error).message}`, { cause: err });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /**
   * Publishes each message (payload = its index) on a confirm channel, in
   * order; answers the indices the broker returned (mandatory, unroutable).
   */
  async publish(
    messages: { exchange: string; routing_key: string; headers: Record<string, unknown>; mandatory: boolean }[],
  ): Promise<number[]> {
    const connection = await this.connect();
    const channel = await connection.createConfirmChannel();
    const returned: number[] = [];
    channel.on('return', (msg) => returned.push(Number(msg.content.toString())));
    for (const [i, m] of messages.entries()) {
      channel.publish(m.exchange, m.routing_key, Buffer.from(String(i)), { headers: m.headers, mandatory: m.mandatory });
      // One at a time, so dead-lettering happens in publish order, as the engine models it.
      await channel.waitForConfirms();
    }
    await channel.close();
    return returned.sort((a, b) => a - b);
  }

  /** Queue → indices it holds (payloads), once depths stop changing (dead-lettering is asynchronous). */
  async drain(queues: string[]): Promise<Record<string, number[]>> {
    const connection = await this.connect();
    const channel = await connection.createChannel();
    let previous = '';
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      const depths: number[] = [];
      for (const q of queues) depths.push((await channel.checkQueue(q)).messageCount);
      if (depths.join() === previous) break;
      previous = depths.join();
    }
    const out: Record<string, number[]> = {};
    for (const q of queues) {
      out[q] = [];
      for (let msg = await channel.get(q, { noAck: true }); msg; msg = await channel.get(q, { noAck: true })) {
        out[q].push(Number(msg.content.toString()));
      }
    }
    await channel.close();
    return out;
  }
}
