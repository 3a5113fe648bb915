// A channel's own state, as rabbit_channel keeps it: its delivery tags
// (1, 2, 3… per channel), its unacknowledged messages, its consumers and
// its prefetch limits (basic.qos). Queues and routing belong to the virtual
// host; a channel only takes messages from queues and gives them back.
//
//   const ch = vhost.openChannel({ deliver: (d) => send(d), cancelled: (tag) => … });
//   ch.qos(10);                       // per consumer (global = false), as RabbitMQ 3.10
//   ch.consume('q');                  // deliveries arrive through `deliver`
//   ch.ack(1); ch.nack(2, { requeue: false }); ch.close();
import { Cascade, type CascadeHost } from './cascade.js';
import { amqpError, notFound } from './errors.js';
import { stripCrLf } from './declare.js';
import type { Consumer, Queue, QueueEntry } from './queue.js';
import type { AmqpError, DeadLetterRoute, MessageProperties, QueueEvent } from './types.js';

/** A message handed to a consumer or returned by basic.get. */
export interface Delivery {
  delivery_tag: number;
  /** null for basic.get. */
  consumer_tag: string | null;
  queue: string;
  /** Index of the publish that created the message. */
  message: number;
  redelivered: boolean;
  exchange: string;
  routing_key: string;
  payload: string;
  /** The body bytes, for a message that came from the wire. */
  body?: Buffer;
  /** The publisher's property bytes, when the properties are unchanged. */
  raw_properties?: Buffer;
  properties: MessageProperties;
}

/** What an operation caused in the queues (deliveries, drops, dead-letters). */
export interface Effects {
  events: QueueEvent[];
  dead_letters: DeadLetterRoute[];
}

export interface ConsumerView {
  tag: string;
  queue: string;
  prefetch: number;
  noAck: boolean;
  /** Every message this consumer received, in order (kept only when the channel records history). */
  delivered: Delivery[];
  /** Those not yet acked or nacked. */
  unacked: Delivery[];
}

/** Who hears about a channel's consumers (a network connection, or nobody in pure runs). */
export interface ChannelListener {
  /** A consumer received a message (basic.deliver). */
  deliver?(delivery: Delivery): void;
  /** The broker cancelled a consumer: its queue was deleted (basic.cancel from the server). */
  cancelled?(consumerTag: string): void;
  /** false while the client does not read what it was sent (deliveries wait in the queue). */
  writable?(): boolean;
}

export interface ChannelOptions {
  /** Consumer tag for basic.consume without one. */
  consumerTag?: () => string;
  /** Keep every delivery per consumer (ConsumerView.delivered); off for network channels. */
  history?: boolean;
}

interface ConsumerState extends Consumer {
  prefetch: number;
  readonly exclusive: boolean;
  delivered: Delivery[];
  cancelled: boolean;
}

interface Unacked {
  delivery: Delivery;
  entry: QueueEntry;
  queue: string;
  consumer: ConsumerState | null;
}

/** What a channel needs from its virtual host (virtual-host.ts, which opens channels). */
export interface ChannelHost extends CascadeHost {
  /** The vhost's name, as errors say it. */
  readonly vhost: string;
  /** Server-made consumer tags (amq.ctag-N). */
  nextConsumerTag(): string;
  /** A queue was used: its x-expires starts again. */
  touchQueue(name: string): void;
  /** A consumer left: an auto-delete queue goes with its last consumer. */
  consumerGone(queueName: string): void;
  channelClosed(channel: Channel): void;
}

export class Channel {
  private deliveryTagCount = 0;
  private readonly consumers = new Map<string, ConsumerState>();
  /** In delivery-tag order (Map keeps insertion order). */
  private readonly unacked = new Map<number, Unacked>();
  /** basic.qos global=false: the prefetch of consumers created afterwards. */
  private consumerPrefetch = 0;
  /** basic.qos global=true: one limit over every consumer of the channel. */
  private channelPrefetch = 0;
  private consumerUnacked = 0;
  private closed = false;

  constructor(
    private readonly vhost: ChannelHost,
    private readonly listener: ChannelListener = {},
    private readonly options: ChannelOptions = {},
  ) {}

  /**
   * basic.qos as RabbitMQ 3.10 reads it: global=false sets the limit of each
   * consumer created after it; global=true a limit shared by the channel.
   * Raising a limit lets waiting messages flow at once.
   */
  qos(prefetchCount: number, global = false): Effects {
    const count = Math.max(0, Math.trunc(prefetchCount));
    if (global) this.channelPrefetch = count;
    else this.consumerPrefetch = count;
    return this.serve(this.consumerQueues());
  }

  /** basic.get: the next message in get order, or null when the queue is empty. */
  get(queueName: string, options: { noAck?: boolean } = {}): ({ delivery: Delivery | null } & Effects) | { error: AmqpError } {
    const queue = this.vhost.queues.get(stripCrLf(queueName));
    if (!queue) return { error: notFound('queue', stripCrLf(queueName), this.vhost.vhost) };
    this.vhost.touchQueue(queue.name);
    const cascade = new Cascade(this.vhost, false);
    const entry = queue.take(cascade);
    let delivery: Delivery | null = null;
    if (entry) {
      delivery = this.makeDelivery(queue, entry, null);
      if (!options.noAck) this.unacked.set(delivery.delivery_tag, { delivery, entry, queue: queue.name, consumer: null });
    }
    cascade.run();
    return { delivery, ...cascade.effects() };
  }

  /**
   * basic.consume: deliveries go round-robin to the queue's consumers that
   * have room (prefetch 0 = unlimited; noAck = always room). `prefetch`
   * overrides the channel's basic.qos for this consumer.
   */
  consume(
    queueName: string,
    options: { prefetch?: number; noAck?: boolean; consumerTag?: string; exclusive?: boolean } = {},
  ): ({ consumerTag: string } & Effects) | { error: AmqpError } {
    const queue = this.vhost.queues.get(stripCrLf(queueName));
    if (!queue) return { error: notFound('queue', stripCrLf(queueName), this.vhost.vhost) };
    const tag = options.consumerTag || (this.options.consumerTag ?? (() => this.vhost.nextConsumerTag()))();
    if (this.consumers.has(tag)) return { error: amqpError(530, `attempt to reuse consumer tag '${tag}'`) };
    // rabbit_amqqueue:basic_consume: an exclusive consumer needs a queue nobody consumes, and excludes the others.
    const others = queue.allConsumers() as ConsumerState[];
    if (others.some((c) => c.exclusive) || (options.exclusive && others.length)) {
      return { error: amqpError(403, `queue '${queue.name}' in vhost '${this.vhost.vhost}' in exclusive use`) };
    }
    const consumer: ConsumerState = {
      tag,
      queue: queue.name,
      prefetch: Math.max(0, Math.trunc(options.prefetch ?? this.consumerPrefetch)),
      noAck: options.noAck ?? false,
      exclusive: options.exclusive ?? false,
      unacked: 0,
      delivered: [],
      cancelled: false,
      canTake: () => this.canTake(),
    };
    Object.defineProperty(consumer, 'channel', { value: this, enumerable: false });
    this.consumers.set(tag, consumer);
    this.vhost.touchQueue(queue.name);
    const cascade = new Cascade(this.vhost, false);
    queue.addConsumer(consumer, cascade);
    cascade.run();
    return { consumerTag: tag, ...cascade.effects() };
  }

  hasConsumer(tag: string): boolean {
    return this.consumers.has(tag);
  }

  consumer(tag: string): ConsumerView | undefined {
    const c = this.consumers.get(tag);
    if (!c) return undefined;
    const unacked = [...this.unacked.values()].filter((u) => u.consumer === c).map((u) => u.delivery);
    return { tag: c.tag, queue: c.queue, prefetch: c.prefetch, noAck: c.noAck, delivered: [...c.delivered], unacked };
  }

  get unackedCount(): number {
    return this.unacked.size;
  }

  /** basic.ack (multiple: every unacked tag up to this one; 0 with multiple: all). */
  ack(deliveryTag: number, options: { multiple?: boolean } = {}): Effects | { error: AmqpError } {
    return this.settle(deliveryTag, options.multiple ?? false, () => {});
  }

  /**
   * basic.nack / basic.reject. requeue (the default) puts messages back near
   * the head, flagged redelivered; otherwise they are dead-lettered with
   * reason "rejected" (never treated as a cycle) or dropped.
   */
  nack(deliveryTag: number, options: { multiple?: boolean; requeue?: boolean } = {}): Effects | { error: AmqpError } {
    const requeue = options.requeue ?? true;
    return this.settle(deliveryTag, options.multiple ?? false, (settled, cascade) => this.giveBack(settled, requeue, cascade));
  }

  /** basic.recover: every unacked message goes back to its queue, redelivered (requeue=false is requeued too, as RabbitMQ does). */
  recover(): Effects {
    const held = [...this.unacked.values()];
    this.unacked.clear();
    for (const u of held) if (u.consumer) u.consumer.unacked--;
    this.consumerUnacked = 0;
    const cascade = new Cascade(this.vhost, false);
    this.giveBack(held, true, cascade);
    this.serveQueues(this.consumerQueues(), cascade);
    cascade.run();
    return cascade.effects();
  }

  /** basic.cancel: no more deliveries; its unacked messages stay unacked (they can still be acked). */
  cancel(consumerTag: string): Effects {
    const cascade = new Cascade(this.vhost, false);
    this.detach(consumerTag, [], cascade);
    return cascade.effects();
  }

  /**
   * One consumer's channel closes: cancel it and requeue its unacked
   * messages (back at the head, in their original order, flagged
   * redelivered) before the queue serves its other consumers.
   */
  closeConsumer(consumerTag: string): Effects {
    const cascade = new Cascade(this.vhost, false);
    const consumer = this.consumers.get(consumerTag);
    const held = [...this.unacked.entries()].filter(([, u]) => u.consumer === consumer);
    for (const [tag] of held) this.unacked.delete(tag);
    if (consumer) {
      this.consumerUnacked -= consumer.unacked;
      consumer.unacked = 0;
    }
    this.detach(
      consumerTag,
      held.map(([, u]) => u),
      cascade,
    );
    return cascade.effects();
  }

  /** channel.close: every consumer goes and every unacked message returns to its queue. */
  close(): Effects {
    if (this.closed) return { events: [], dead_letters: [] };
    this.closed = true;
    const held = [...this.unacked.values()];
    this.unacked.clear();
    this.consumerUnacked = 0;
    const cascade = new Cascade(this.vhost, false);
    const queues = this.consumerQueues();
    for (const consumer of this.consumers.values()) {
      consumer.unacked = 0;
      consumer.cancelled = true;
      this.vhost.queues.get(consumer.queue)?.removeConsumer(consumer.tag);
    }
    this.giveBack(held, true, cascade);
    this.serveQueues(queues, cascade);
    cascade.run();
    for (const consumer of this.consumers.values()) this.vhost.consumerGone(consumer.queue);
    this.consumers.clear();
    this.vhost.channelClosed(this);
    return cascade.effects();
  }

  /** A delivery tag for a message handed over outside any queue (Direct Reply-to). */
  allocateDeliveryTag(): number {
    return ++this.deliveryTagCount;
  }

  /** The client reads again (its socket drained): deliveries resume. */
  resume(): Effects {
    return this.serve(this.consumerQueues());
  }

  // --- Called by the virtual host -------------------------------------------

  /** @internal A consumer of this channel takes an entry (from a Cascade). */
  recordDelivery(queue: Queue, consumer: Consumer, entry: QueueEntry, cascade: Cascade): void {
    const state = this.consumers.get(consumer.tag)!;
    const delivery = this.makeDelivery(queue, entry, consumer.tag);
    if (this.options.history ?? true) state.delivered.push(delivery);
    if (!consumer.noAck) {
      state.unacked++;
      this.consumerUnacked++;
      this.unacked.set(delivery.delivery_tag, { delivery, entry, queue: queue.name, consumer: state });
    }
    cascade.event({
      kind: 'delivered',
      queue: queue.name,
      message: entry.message.index,
      consumer: consumer.tag,
      delivery_tag: delivery.delivery_tag,
      redelivered: entry.redelivered,
    });
    this.listener.deliver?.(delivery);
  }

  /**
   * @internal The queue was deleted: its consumers are cancelled and the
   * client is told — unless a consumer was already gone (basic.cancel, or
   * this very channel closing, whose last consumer auto-deleted the queue:
   * RabbitMQ sends nothing on a closed channel).
   */
  queueDeleted(name: string): void {
    for (const [tag, consumer] of [...this.consumers]) {
      if (consumer.queue !== name) continue;
      const wasActive = !consumer.cancelled;
      consumer.cancelled = true;
      this.consumers.delete(tag);
      this.consumerUnacked -= consumer.unacked;
      if (wasActive) this.listener.cancelled?.(tag);
    }
    // Its unacked messages keep their delivery tags, as in RabbitMQ's channel:
    // acking or nacking one later is accepted and does nothing (the queue is
    // gone). They no longer count for the consumer's prefetch.
    for (const u of this.unacked.values()) if (u.queue === name) u.consumer = null;
  }

  // --- Internals ---------------------------------------------------------------

  private canTake(): boolean {
    if (this.closed) return false;
    if (this.listener.writable && !this.listener.writable()) return false;
    return this.channelPrefetch === 0 || this.consumerUnacked < this.channelPrefetch;
  }

  private makeDelivery(queue: Queue, entry: QueueEntry, consumerTag: string | null): Delivery {
    const m = entry.message;
    return {
      delivery_tag: ++this.deliveryTagCount,
      consumer_tag: consumerTag,
      queue: queue.name,
      message: m.index,
      redelivered: entry.redelivered,
      exchange: m.exchange,
      routing_key: m.routingKeys[0] ?? '',
      payload: m.payload,
      body: m.body,
      raw_properties: m.rawProperties,
      properties: m.properties,
    };
  }

  private settle(
    deliveryTag: number,
    multiple: boolean,
    then: (settled: Unacked[], cascade: Cascade) => void,
  ): Effects | { error: AmqpError } {
    let tags: number[];
    if (multiple) {
      // multiple with tag 0 means "everything outstanding" (AMQP 0-9-1 §basic.ack).
      tags = [...this.unacked.keys()].filter((t) => deliveryTag === 0 || t <= deliveryTag);
      if (!tags.length && deliveryTag !== 0 && !this.unacked.has(deliveryTag))
        return { error: amqpError(406, `unknown delivery tag ${deliveryTag}`) };
    } else {
      if (!this.unacked.has(deliveryTag)) return { error: amqpError(406, `unknown delivery tag ${deliveryTag}`) };
      tags = [deliveryTag];
    }
    const settled = tags.sort((a, b) => a - b).map((t) => this.unacked.get(t)!);
    for (const tag of tags) this.unacked.delete(tag);
    for (const u of settled) {
      if (!u.consumer) continue;
      u.consumer.unacked--;
      this.consumerUnacked--;
    }
    const cascade = new Cascade(this.vhost, false);
    then(settled, cascade);
    // Room freed: the queues serve their consumers again (all of this channel's with a global limit).
    const queues = new Set(settled.map((u) => u.queue));
    if (this.channelPrefetch) for (const q of this.consumerQueues()) queues.add(q);
    this.serveQueues(queues, cascade);
    cascade.run();
    return cascade.effects();
  }

  private giveBack(settled: Unacked[], requeue: boolean, cascade: Cascade): void {
    const byQueue = new Map<string, QueueEntry[]>();
    for (const u of settled) byQueue.set(u.queue, [...(byQueue.get(u.queue) ?? []), u.entry]);
    for (const [name, entries] of byQueue) {
      const queue = this.vhost.queues.get(name);
      if (!queue) continue;
      if (requeue) queue.requeue(entries, cascade);
      else for (const entry of entries) cascade.discard(queue, entry.message, 'rejected');
    }
  }

  private detach(consumerTag: string, requeue: Unacked[], cascade: Cascade): void {
    const consumer = this.consumers.get(consumerTag);
    if (!consumer || consumer.cancelled) return;
    consumer.cancelled = true;
    const queue = this.vhost.queues.get(consumer.queue);
    queue?.removeConsumer(consumerTag);
    this.giveBack(requeue, true, cascade);
    queue?.serveConsumers(cascade);
    cascade.run();
    if (!(this.options.history ?? true)) this.consumers.delete(consumerTag);
    this.vhost.consumerGone(consumer.queue);
  }

  private consumerQueues(): Set<string> {
    const queues = new Set<string>();
    for (const c of this.consumers.values()) if (!c.cancelled) queues.add(c.queue);
    return queues;
  }

  private serve(queues: Iterable<string>): Effects {
    const cascade = new Cascade(this.vhost, false);
    this.serveQueues(queues, cascade);
    cascade.run();
    return cascade.effects();
  }

  private serveQueues(queues: Iterable<string>, cascade: Cascade): void {
    for (const name of queues) this.vhost.queues.get(name)?.serveConsumers(cascade);
  }
}

/** The channel a consumer belongs to (set by Channel.consume). */
export function channelOf(consumer: Consumer): Channel {
  return (consumer as unknown as { channel: Channel }).channel;
}
