// The chat's view of a broker: a few AMQP operations, implemented once with
// amqplib (amqp-chat.ts) on RabbitMQ or on the embedded broker's AMQP
// listener. The chat's rules — who may take which name, where a message goes
// — live above this (participants.ts, chat-hub.ts).
import type { ChatMessage, OutgoingMessage } from './chat-message.js';

export interface QueueInfo {
  exists: boolean;
  consumers: number;
  /** Ready messages (queue.declare-ok's message_count). */
  messages: number;
}

/**
 * How the chat declares a queue:
 * - inbox: chat.N, durable, x-expires 24 h;
 * - plain: a queue the user names as inbox, when it does not exist yet —
 *   exactly what pika's queue_declare(queue=…) makes (not durable, no
 *   arguments), so that the report's program, started after the page, finds
 *   an equivalent queue and does not fail with 406 PRECONDITION_FAILED;
 * - lease: chat-lease.N, durable, x-max-length 1, x-message-ttl 1 h: it holds
 *   the last "N was used" marker for an hour (naming.ts, NAME_LEASE_MS).
 */
export type QueueShape = 'inbox' | 'plain' | 'lease';

export interface Delivery {
  message: ChatMessage;
  /** basic.ack — only once a tab has shown and stored the message. */
  ack(): void;
}

export interface InboxConsumer {
  /** Cancels the consumer; unacknowledged messages go back to the queue (redelivered later). */
  close(): Promise<void>;
}

export interface ChatService {
  readonly kind: 'embedded' | 'rabbitmq';
  readonly connected: boolean;
  /** The broker went away (false) or came back (true). Returns an unsubscribe function. */
  onStatus(listener: (connected: boolean) => void): () => void;
  /** queue.declare passive: does the queue exist, is someone reading it, does it hold messages? */
  inspectQueue(queue: string): Promise<QueueInfo>;
  /**
   * Declares the chat exchange and a queue of that shape. A queue that
   * exists with other arguments is used as it is.
   */
  declareQueue(queue: string, shape: QueueShape): Promise<void>;
  bind(queue: string, routingKey: string): Promise<void>;
  unbind(queue: string, routingKey: string): Promise<void>;
  /**
   * Publishes persistently, mandatory, and waits for the broker's confirm.
   * Rejects with NoRouteError when no queue took it, BrokerUnavailableError
   * when the broker is away.
   */
  publish(message: OutgoingMessage): Promise<void>;
  consume(queue: string, onDelivery: (delivery: Delivery) => void, onLost: () => void): Promise<InboxConsumer>;
  close(): Promise<void>;
}

/** A mandatory publish that reached no queue (basic.return 312 NO_ROUTE). */
export class NoRouteError extends Error {
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
  ) {
    super(`no queue is bound to ${exchange === '' ? 'the default exchange' : `exchange "${exchange}"`} with routing key "${routingKey}"`);
    this.name = 'NoRouteError';
  }
}

/** The queue does not exist (404 NOT_FOUND on consume). */
export class NoQueueError extends Error {
  constructor(readonly queue: string) {
    super(`no queue "${queue}"`);
    this.name = 'NoQueueError';
  }
}
