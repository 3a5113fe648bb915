// The chat on a real RabbitMQ, over the process's single AMQP connection:
// one confirm channel shared by all publishes, one channel per consumed inbox
// (closing it hands unacknowledged messages back to the queue), and short-
// lived channels for declarations (a 404 or 406 closes the channel it
// happened on).
import type { Channel, ConfirmChannel, ConsumeMessage, Message } from 'amqplib';
import { BrokerUnavailableError, closeChannel, type AmqpConnection } from '../broker/amqp-connection.js';
import type { OutgoingMessage } from './chat-message.js';
import {
  NoQueueError,
  NoRouteError,
  type ChatService,
  type Delivery,
  type InboxConsumer,
  type QueueInfo,
  type QueueShape,
} from './chat-service.js';
import { decodeDelivery } from './inbound.js';
import { PREFETCH } from './limits.js';
import { CHAT_EXCHANGE, CHAT_EXCHANGE_TYPE, EVENT_HEADER, INBOX_EXPIRES_MS, NAME_LEASE_MS, SENDER_HEADER } from './naming.js';

export interface AmqpChatOptions {
  /** x-expires of the participants' inboxes (tests shorten it). */
  inboxExpiresMs?: number;
  /** How long a name stays used after its last use (tests shorten it). */
  leaseMs?: number;
}

export class AmqpChat implements ChatService {
  readonly kind = 'rabbitmq' as const;
  private publisher: Promise<ConfirmChannel> | null = null;
  /** message ids the broker returned (basic.return comes before the confirm). */
  private readonly returned = new Set<string>();
  private readonly listeners = new Set<(connected: boolean) => void>();
  private readonly inboxExpiresMs: number;
  private readonly leaseMs: number;
  private readonly onConnected = () => this.emit(true);
  private readonly onDisconnected = () => {
    this.publisher = null;
    this.emit(false);
  };

  constructor(
    private readonly connection: AmqpConnection,
    options: AmqpChatOptions = {},
  ) {
    this.inboxExpiresMs = options.inboxExpiresMs ?? INBOX_EXPIRES_MS;
    this.leaseMs = options.leaseMs ?? NAME_LEASE_MS;
    connection.on('connected', this.onConnected);
    connection.on('disconnected', this.onDisconnected);
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  onStatus(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  inspectQueue(queue: string): Promise<QueueInfo> {
    return this.bounded(async () => {
      const channel = await this.openChannel();
      try {
        const ok = await channel.checkQueue(queue);
        return { exists: true, consumers: ok.consumerCount, messages: ok.messageCount };
      } catch (err) {
        if (replyCode(err) === 404) return { exists: false, consumers: 0, messages: 0 };
        // 405 RESOURCE_LOCKED: another connection's exclusive queue — in use.
        if (replyCode(err) === 405) return { exists: true, consumers: 1, messages: 0 };
        throw this.unavailable(err);
      } finally {
        await closeChannel(channel);
      }
    });
  }

  declareQueue(queue: string, shape: QueueShape): Promise<void> {
    return this.bounded(async () => {
      const channel = await this.openChannel();
      try {
        await channel.assertExchange(CHAT_EXCHANGE, CHAT_EXCHANGE_TYPE, { durable: true });
        await channel.assertQueue(queue, this.queueOptions(shape));
      } catch (err) {
        // 406 PRECONDITION_FAILED "inequivalent arg": the queue exists with
        // other arguments (an outside program declared it its own way). Use it
        // as it is rather than break that program's declaration.
        if (replyCode(err) !== 406) throw this.unavailable(err);
      } finally {
        await closeChannel(channel);
      }
    });
  }

  bind(queue: string, routingKey: string): Promise<void> {
    return this.bounded(async () => {
      await this.withChannel(async (channel) => {
        // Asserted again right here: were "chat" deleted meanwhile (an admin,
        // a clean-up with if-unused), the bind would fail with 404.
        await channel.assertExchange(CHAT_EXCHANGE, CHAT_EXCHANGE_TYPE, { durable: true });
        await channel.bindQueue(queue, CHAT_EXCHANGE, routingKey);
      });
    });
  }

  unbind(queue: string, routingKey: string): Promise<void> {
    return this.bounded(async () => {
      await this.withChannel((channel) => channel.unbindQueue(queue, CHAT_EXCHANGE, routingKey));
    });
  }

  publish(message: OutgoingMessage): Promise<void> {
    return this.bounded(async () => {
      const channel = await this.publishChannel();
      const headers: Record<string, string> = { [SENDER_HEADER]: message.from };
      if (message.event) headers[EVENT_HEADER] = message.event;
      await new Promise<void>((resolve, reject) => {
        try {
          channel.publish(
            message.exchange,
            message.routingKey,
            Buffer.from(message.text, 'utf8'),
            {
              persistent: true,
              mandatory: true,
              messageId: message.id,
              contentType: 'text/plain; charset=utf-8',
              timestamp: Math.floor(Date.now() / 1000),
              replyTo: message.replyTo,
              headers,
              ...(message.expirationMs !== undefined ? { expiration: String(message.expirationMs) } : {}),
            },
            (err) => {
              if (err) reject(new BrokerUnavailableError('RabbitMQ did not confirm the message (it went away?): it was not sent'));
              else resolve();
            },
          );
        } catch (err) {
          reject(this.unavailable(err));
        }
      });
      if (this.returned.delete(message.id)) throw new NoRouteError(message.exchange, message.routingKey);
    });
  }

  // Not bounded: the inbox relay opens consumers in the background and retries; a consumer given up on here would live on unseen.
  async consume(queue: string, onDelivery: (delivery: Delivery) => void, onLost: () => void): Promise<InboxConsumer> {
    const channel = await this.openChannel();
    let open = true;
    const lost = () => {
      if (!open) return;
      open = false;
      onLost();
    };
    channel.on('close', lost);
    try {
      await channel.prefetch(PREFETCH);
      await channel.consume(
        queue,
        (msg: ConsumeMessage | null) => {
          if (msg === null) {
            // basic.cancel from the broker: the queue was deleted.
            channel.close().catch(() => {});
            lost();
            return;
          }
          const message = decodeDelivery({
            body: msg.content,
            messageId: msg.properties.messageId,
            headers: msg.properties.headers,
            timestamp: msg.properties.timestamp,
            replyTo: msg.properties.replyTo,
            exchange: msg.fields.exchange,
            routingKey: msg.fields.routingKey,
            queue,
            redelivered: msg.fields.redelivered,
          });
          // Delivery tags belong to this channel: once it closed, the broker
          // has requeued the message already.
          onDelivery({ message, ack: () => open && channel.ack(msg) });
        },
        { noAck: false },
      );
    } catch (err) {
      open = false;
      await closeChannel(channel);
      if (replyCode(err) === 404) throw new NoQueueError(queue);
      throw this.unavailable(err);
    }
    return {
      close: async () => {
        if (!open) return;
        open = false;
        await closeChannel(channel);
      },
    };
  }

  async close(): Promise<void> {
    this.connection.off('connected', this.onConnected);
    this.connection.off('disconnected', this.onDisconnected);
    const publisher = this.publisher;
    this.publisher = null;
    const channel = publisher ? await publisher.catch(() => null) : null;
    if (channel) await closeChannel(channel);
  }

  private queueOptions(shape: QueueShape): { durable: boolean; arguments: Record<string, number> } {
    // "plain" is pika's queue_declare(queue=…): durable=False, no arguments
    // (amqplib's assertQueue defaults to durable: true, hence spelled out).
    if (shape === 'plain') return { durable: false, arguments: {} };
    if (shape === 'inbox') return { durable: true, arguments: { 'x-expires': this.inboxExpiresMs } };
    // The lease keeps only its newest marker (x-max-length 1, drop-head) and
    // forgets it after leaseMs (x-message-ttl: a queue-wide TTL is enforced
    // at the head on a timer, so message_count drops to 0 by itself).
    return { durable: true, arguments: { 'x-max-length': 1, 'x-message-ttl': this.leaseMs, 'x-expires': this.inboxExpiresMs } };
  }

  private emit(connected: boolean): void {
    for (const listener of this.listeners) listener(connected);
  }

  private publishChannel(): Promise<ConfirmChannel> {
    if (!this.publisher) {
      const created = this.connection
        .createConfirmChannel()
        .catch((err) => Promise.reject(this.unavailable(err)))
        .then(async (channel) => {
          // Publishing to a missing exchange would close this channel (404):
          // make sure "chat" exists, whatever happened to it since.
          await channel.assertExchange(CHAT_EXCHANGE, CHAT_EXCHANGE_TYPE, { durable: true });
          channel.on('return', (msg: Message) => {
            if (typeof msg.properties.messageId === 'string') this.returned.add(msg.properties.messageId);
          });
          channel.on('close', () => {
            if (this.publisher === created) this.publisher = null;
          });
          return channel;
        });
      created.catch(() => {
        if (this.publisher === created) this.publisher = null;
      });
      this.publisher = created;
    }
    return this.publisher;
  }

  /** Every call answers within the connection's bound, also while RabbitMQ is blocked or silent (the work itself finishes later). */
  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return this.connection.bounded(work);
  }

  private async openChannel(): Promise<Channel> {
    try {
      return await this.connection.createChannel();
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private async withChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await this.openChannel();
    try {
      return await fn(channel);
    } catch (err) {
      throw this.unavailable(err);
    } finally {
      await closeChannel(channel);
    }
  }

  /**
   * A broken connection mid-call surfaces as "broker away" (503), not as an
   * internal error — also when amqplib reports the closed channel ("Channel
   * ended", "Channel closed") before the connection's own 'close' event.
   */
  private unavailable(err: unknown): Error {
    if (err instanceof BrokerUnavailableError) return err;
    if (!(err instanceof Error)) return new Error(String(err));
    if (replyCode(err) !== undefined) return err;
    const message = err.message;
    if (!this.connection.connected || /channel (ended|closed)|connection closed/i.test(message)) {
      return new BrokerUnavailableError(`RabbitMQ went away: ${message}`);
    }
    return err;
  }
}

function replyCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}
