// The floor for chat delivery: raw amqplib publish → consume on the same
// RabbitMQ, with the chat's own choices (durable topic exchange, durable
// queues, persistent mandatory publishes on a confirm channel, one consumer
// channel per queue on one connection, manual acks, prefetch 100) and
// nothing else: no HTTP, no WebSocket, no server code. Queue i is bound with
// "user.i" (a person) and "room.bench" (everyone, like a room).
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { msSince, nowNs } from '../../tools/timing.js';

interface Waiting {
  startNs: bigint;
  left: number;
  latencies: number[];
  done: () => void;
}

export class AmqpRoundTrip {
  private readonly waiting = new Map<string, Waiting>();
  private readonly consumers: Channel[] = [];
  private readonly queueNames: string[] = [];

  private constructor(
    private readonly model: ChannelModel,
    private readonly publisher: ConfirmChannel,
    private readonly exchange: string,
  ) {}

  static async open(url: string, prefix: string, queues: number): Promise<AmqpRoundTrip> {
    // noDelay: without it Nagle's algorithm holds small frames back up to
    // 40 ms (amqplib's default is noDelay false): the floor is the best raw
    // amqplib can do.
    const model = await amqp.connect(url, { noDelay: true, clientProperties: { connection_name: 'bench: raw publish→consume floor' } });
    model.on('error', () => {});
    const publisher = await model.createConfirmChannel();
    publisher.on('error', () => {});
    const trip = new AmqpRoundTrip(model, publisher, `${prefix}x`);
    try {
      await publisher.assertExchange(trip.exchange, 'topic', { durable: true });
      for (let i = 0; i < queues; i++) await trip.addConsumer(`${prefix}q${i}`, i);
    } catch (err) {
      await trip.close();
      throw err;
    }
    return trip;
  }

  private async addConsumer(queue: string, i: number): Promise<void> {
    this.queueNames.push(queue);
    await this.publisher.assertQueue(queue, { durable: true });
    await this.publisher.bindQueue(queue, this.exchange, `user.${i}`);
    await this.publisher.bindQueue(queue, this.exchange, 'room.bench');
    const channel = await this.model.createChannel();
    channel.on('error', () => {});
    this.consumers.push(channel);
    await channel.prefetch(100);
    await channel.consume(queue, (msg) => {
      if (!msg) return;
      channel.ack(msg);
      this.arrived(String(msg.properties.messageId));
    });
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

  /**
   * Publishes one message to queue `to` ("user.<to>") or to every queue
   * ("room.bench"); answers its latency to each receiver (ms), once all have it.
   */
  sample(id: string, to: number | 'all', timeoutMs = 10_000): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const latencies: number[] = [];
      const expected = to === 'all' ? this.queueNames.length : 1;
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`floor message ${id} reached ${latencies.length}/${expected} consumers in ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(latencies);
      };
      this.waiting.set(id, { startNs: nowNs(), left: expected, latencies, done });
      const key = to === 'all' ? 'room.bench' : `user.${to}`;
      this.publisher.publish(this.exchange, key, Buffer.from(`floor ${id}`), { persistent: true, mandatory: true, messageId: id });
    });
  }

  /** Deletes the queues and the exchange, then closes the connection. */
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
