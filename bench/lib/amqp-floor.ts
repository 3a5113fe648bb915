// The floor for POST /api/run on RabbitMQ: a plain amqplib script doing the
// same broker work directly — declare, bind, publish with confirms, basic.get
// every queue until empty — and deleting what it declared (a run must leave
// nothing behind, so the floor pays for that too). No HTTP, no validation,
// no namespace bookkeeping, no engine prediction: what is left is the cost of
// the AMQP round trips themselves.
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { RunRequest } from '../../src/engine/types.js';

export interface FloorOutcome {
  queues: Record<string, number>;
  returned: number;
}

export class AmqpFloor {
  private constructor(
    private readonly model: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly prefix: string,
  ) {}

  static async open(url: string, prefix: string): Promise<AmqpFloor> {
    const model = await amqp.connect(url, { noDelay: true, clientProperties: { connection_name: 'bench: plain amqplib floor' } });
    model.on('error', () => {});
    // One channel reused for every run, as the app reuses its channels.
    const channel = await model.createConfirmChannel();
    channel.on('error', () => {});
    return new AmqpFloor(model, channel, prefix);
  }

  /** One run of the request; answers how many messages each queue held. */
  async run(request: RunRequest): Promise<FloorOutcome> {
    const ch = this.channel;
    const name = (declared: string) => this.prefix + declared;
    const defs = request.definitions;
    const exchanges = defs.exchanges ?? [];
    const queues = defs.queues ?? [];
    let returned = 0;
    const onReturn = () => returned++;
    ch.on('return', onReturn);
    try {
      for (const x of exchanges) {
        await ch.assertExchange(name(x.name), x.type, {
          durable: x.durable ?? false,
          autoDelete: x.auto_delete ?? false,
          internal: x.internal ?? false,
          arguments: x.arguments ?? {},
        });
      }
      for (const q of queues) {
        await ch.assertQueue(name(q.name), {
          durable: q.durable ?? false,
          autoDelete: q.auto_delete ?? false,
          arguments: q.arguments ?? {},
        });
      }
      for (const b of defs.bindings ?? []) {
        if (b.destination_type === 'exchange')
          await ch.bindExchange(name(b.destination), name(b.source), b.routing_key ?? '', b.arguments ?? {});
        else await ch.bindQueue(name(b.destination), name(b.source), b.routing_key ?? '', b.arguments ?? {});
      }
      const queueNames = new Set(queues.map((q) => q.name));
      for (const m of request.messages) {
        const rk = m.routing_key ?? '';
        // The default exchange routes by queue name: aim at the prefixed queue.
        const exchange = m.exchange === '' ? '' : name(m.exchange);
        const routingKey = m.exchange === '' && queueNames.has(rk) ? name(rk) : rk;
        ch.publish(exchange, routingKey, Buffer.from(m.payload ?? ''), {
          mandatory: m.mandatory ?? false,
          headers: m.properties?.headers ?? {},
        });
      }
      await ch.waitForConfirms();
      const held: Record<string, number> = {};
      for (const q of queues) {
        let n = 0;
        while ((await ch.get(name(q.name), { noAck: true })) !== false) n++;
        held[q.name] = n;
      }
      return { queues: held, returned };
    } finally {
      ch.off('return', onReturn);
      for (const q of queues) await ch.deleteQueue(name(q.name));
      for (const x of exchanges) await ch.deleteExchange(name(x.name));
    }
  }

  async close(): Promise<void> {
    await this.model.close().catch(() => {});
  }
}
