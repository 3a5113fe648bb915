// The chat in-process, for the embedded broker (one server process, nothing
// to install). It keeps the AMQP behaviour the chat relies on: durable-style
// queues that outlive their consumers, x-expires, per-message expiration,
// mandatory publishes that report "no route", prefetch, and unacknowledged
// messages returned to the head of the queue (redelivered) when a consumer
// goes away. The chat only binds exact keys (user.N, room.R), so the topic
// exchange reduces here to a lookup by key.
import type { ChatMessage, OutgoingMessage } from './chat-message.js';
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
import { CHAT_EXCHANGE, EVENT_HEADER, INBOX_EXPIRES_MS, NAME_LEASE_MS, SENDER_HEADER } from './naming.js';

export interface EmbeddedChatOptions {
  inboxExpiresMs?: number;
  leaseMs?: number;
}

interface Stored {
  message: OutgoingMessage;
  body: Buffer;
  timestamp: number;
  expiresAt: number | null;
  exchange: string;
  redelivered: boolean;
}

interface Consumer {
  onDelivery: (delivery: Delivery) => void;
  onLost: () => void;
  unacked: Map<number, Stored>;
  open: boolean;
}

interface Queue {
  name: string;
  messages: Stored[];
  consumers: Consumer[];
  next: number;
  expiresMs: number | null;
  expiryTimer: NodeJS.Timeout | null;
  /** x-max-length (drop-head) and x-message-ttl, as the lease declares them. */
  maxLength: number | null;
  messageTtlMs: number | null;
}

export class EmbeddedChat implements ChatService {
  readonly kind = 'embedded' as const;
  readonly connected = true;
  private readonly queues = new Map<string, Queue>();
  /** routing key → queue names bound to the chat exchange with it. */
  private readonly bindings = new Map<string, Set<string>>();
  private readonly inboxExpiresMs: number;
  private readonly leaseMs: number;
  private deliveryTag = 0;

  constructor(options: EmbeddedChatOptions = {}) {
    this.inboxExpiresMs = options.inboxExpiresMs ?? INBOX_EXPIRES_MS;
    this.leaseMs = options.leaseMs ?? NAME_LEASE_MS;
  }

  onStatus(): () => void {
    return () => {}; // in-process: never away
  }

  async inspectQueue(name: string): Promise<QueueInfo> {
    const queue = this.queues.get(name);
    if (!queue) return { exists: false, consumers: 0, messages: 0 };
    // A passive declare renews the x-expires lease on RabbitMQ too (the
    // queue process re-arms its expiry timer on stat).
    this.armExpiry(queue);
    // Expired messages at the head are gone (RabbitMQ drops them on a timer).
    const now = Date.now();
    const messages = queue.messages.filter((m) => m.expiresAt === null || m.expiresAt > now).length;
    return { exists: true, consumers: queue.consumers.length, messages };
  }

  async declareQueue(name: string, shape: QueueShape): Promise<void> {
    let queue = this.queues.get(name);
    if (!queue) {
      const lease = shape === 'lease';
      queue = {
        name,
        messages: [],
        consumers: [],
        next: 0,
        expiresMs: shape === 'plain' ? null : this.inboxExpiresMs,
        expiryTimer: null,
        maxLength: lease ? 1 : null,
        messageTtlMs: lease ? this.leaseMs : null,
      };
      this.queues.set(name, queue);
    }
    // A redeclaration renews the x-expires lease, as on RabbitMQ.
    this.armExpiry(queue);
  }

  async bind(queue: string, routingKey: string): Promise<void> {
    if (!this.queues.has(queue)) throw new NoQueueError(queue);
    let set = this.bindings.get(routingKey);
    if (!set) this.bindings.set(routingKey, (set = new Set()));
    set.add(queue);
  }

  async unbind(queue: string, routingKey: string): Promise<void> {
    const set = this.bindings.get(routingKey);
    set?.delete(queue);
    if (set?.size === 0) this.bindings.delete(routingKey);
  }

  async publish(message: OutgoingMessage): Promise<void> {
    const targets =
      message.exchange === ''
        ? this.queues.has(message.routingKey)
          ? [message.routingKey]
          : []
        : message.exchange === CHAT_EXCHANGE
          ? [...(this.bindings.get(message.routingKey) ?? [])]
          : [];
    if (targets.length === 0) throw new NoRouteError(message.exchange, message.routingKey);
    const now = Date.now();
    for (const name of targets) {
      const queue = this.queues.get(name)!;
      // The lower of the message's and the queue's TTL applies (RabbitMQ).
      const ttls = [message.expirationMs, queue.messageTtlMs ?? undefined].filter((x): x is number => x !== undefined);
      queue.messages.push({
        message,
        body: Buffer.from(message.text, 'utf8'),
        timestamp: Math.floor(now / 1000),
        expiresAt: ttls.length > 0 ? now + Math.min(...ttls) : null,
        exchange: message.exchange,
        redelivered: false,
      });
      // x-max-length with the default overflow: drop from the head.
      if (queue.maxLength !== null) queue.messages.splice(0, Math.max(0, queue.messages.length - queue.maxLength));
      this.dispatchSoon(queue);
    }
  }

  async consume(name: string, onDelivery: (delivery: Delivery) => void, onLost: () => void): Promise<InboxConsumer> {
    const queue = this.queues.get(name);
    if (!queue) throw new NoQueueError(name);
    const consumer: Consumer = { onDelivery, onLost, unacked: new Map(), open: true };
    queue.consumers.push(consumer);
    this.disarmExpiry(queue);
    this.dispatchSoon(queue);
    return { close: async () => this.cancel(queue, consumer) };
  }

  async close(): Promise<void> {
    for (const queue of this.queues.values()) {
      this.disarmExpiry(queue);
      for (const consumer of [...queue.consumers]) this.cancel(queue, consumer);
    }
  }

  private cancel(queue: Queue, consumer: Consumer): void {
    if (!consumer.open) return;
    consumer.open = false;
    queue.consumers = queue.consumers.filter((c) => c !== consumer);
    // Unacknowledged messages go back to the head, in order, marked redelivered.
    const back = [...consumer.unacked.values()].map((stored) => ({ ...stored, redelivered: true }));
    consumer.unacked.clear();
    queue.messages.unshift(...back);
    if (queue.consumers.length === 0) this.armExpiry(queue);
    this.dispatchSoon(queue);
  }

  private dispatchSoon(queue: Queue): void {
    // Deliveries are asynchronous on a real broker too; never re-enter a caller.
    setImmediate(() => this.dispatch(queue));
  }

  private dispatch(queue: Queue): void {
    while (queue.messages.length > 0) {
      const ready = queue.consumers.filter((c) => c.open && c.unacked.size < PREFETCH);
      if (ready.length === 0) return;
      const stored = queue.messages.shift()!;
      // Expired messages are dropped at the head of the queue, never delivered.
      if (stored.expiresAt !== null && stored.expiresAt <= Date.now()) continue;
      const consumer = ready[queue.next++ % ready.length];
      const tag = ++this.deliveryTag;
      consumer.unacked.set(tag, stored);
      consumer.onDelivery({ message: this.decode(queue, stored), ack: () => consumer.unacked.delete(tag) });
    }
  }

  private decode(queue: Queue, stored: Stored): ChatMessage {
    const headers: Record<string, unknown> = { [SENDER_HEADER]: stored.message.from };
    if (stored.message.event) headers[EVENT_HEADER] = stored.message.event;
    return decodeDelivery({
      body: stored.body,
      messageId: stored.message.id,
      headers,
      timestamp: stored.timestamp,
      replyTo: stored.message.replyTo,
      exchange: stored.exchange,
      routingKey: stored.message.routingKey,
      queue: queue.name,
      redelivered: stored.redelivered,
    });
  }

  /** x-expires: the queue is deleted after that long without consumers or redeclaration. */
  private armExpiry(queue: Queue): void {
    this.disarmExpiry(queue);
    if (queue.expiresMs === null || queue.consumers.length > 0) return;
    queue.expiryTimer = setTimeout(() => this.deleteQueue(queue), queue.expiresMs);
    queue.expiryTimer.unref();
  }

  private disarmExpiry(queue: Queue): void {
    if (queue.expiryTimer) clearTimeout(queue.expiryTimer);
    queue.expiryTimer = null;
  }

  private deleteQueue(queue: Queue): void {
    this.queues.delete(queue.name);
    // Deleting a queue removes its bindings.
    for (const [key, set] of this.bindings) {
      set.delete(queue.name);
      if (set.size === 0) this.bindings.delete(key);
    }
  }
}
