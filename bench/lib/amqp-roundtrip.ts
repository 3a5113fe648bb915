// The floor for chat delivery: raw amqplib publish → consume on the same
// RabbitMQ, with the chat's own choices (durable topic exchange, durable
// queues, persistent mandatory publishes on a confirm channel, consumers with
// manual acks and prefetch) and nothing else: no HTTP, no WebSocket, no
// server code. `queues` consumers all bound with one key, like a chat room.
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { msSince, nowNs } from './timing.js';

export class AmqpRoundTrip {
  private readonly waiting = new Map<string, { startNs: bigint; left: number; latencies: number[]; done: () => void }>();

  private constructor(
    private readonly model: ChannelModel,
    private readonly publisher: ConfirmChannel,
    private readonly consumers: Channel[],
    private readonly exchange: string,
    private readonly queueNames: string[],
  ) {}

  /** Declares `prefix`x and `queues` queues bound with "room.bench", one consumer channel each. */
  static async open(url: string, prefix: string, queues: number): Promise<AmqpRoundTrip> {
    const model = await amqp.connect(url, { noDelay: true, clientProperties: { connection_name: 'bench: raw publish→consume floor' } });
    model.on('error', () => {});
    const publisher = await model.createConfirmChannel();
    publisher.on('error', () => {});
    const exchange = `${prefix}x`;
    await publisher.assertExchange(exchange, 'topic', { durable: true });
    const queueNames = Array.from({ length: queues }, (_, i) => `${prefix}q${i}`);
    const trip = new AmqpRoundTrip(model, publisher, [], exchange, queueNames);
    for (const q of queueNames) {
      await publisher.assertQueue(q, { durable: true });
      await publisher.bindQueue(q, exchange, 'room.bench');
      // One channel per consumer, as the chat opens one per inbox.
      const channel = await model.createChannel();
      channel.on('error', () => {});
      await channel.prefetch(100);
      await channel.consume(q, (msg) => {
        if (!msg) return;
        channel.ack(msg);
        trip.arrived(String(msg.properties.messageId));
      });
      trip.consumers.push(channel);
    }
    return trip;
  }

  private arrived(id: string): void {
    const w = this.waiting.get(id);
    if (!w) return;
    w.latencies.push(msSince(w.startNs));
    if (--w.left === 0) {
      this.waiting.delete(id);
      w.done();
    }
  }

  /** Publishes one message; answers its latency to every consumer (ms), once all have it. */
  sample(id: string, timeoutMs = 10_000): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const latencies: number[] = [];
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`message ${id} reached ${latencies.length}/${this.queueNames.length} consumers in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        startNs: nowNs(),
        left: this.queueNames.length,
        latencies,
        done: () => {
          clearTimeout(timer);
          resolve(latencies);
        },
      });
      this.publisher.publish(this.exchange, 'room.bench', Buffer.from(`floor ${id}`), { persistent: true, mandatory: true, messageId: id });
    });
  }

  async close(): Promise<void> {
    try {
      for (const c of this.consumers) await c.close().catch(() => {});
      for (const q of this.queueNames) await this.publisher.deleteQueue(q);
      await this.publisher.deleteExchange(this.exchange);
    } finally {
      await this.model.close().catch(() => {});
    }
  }
}
