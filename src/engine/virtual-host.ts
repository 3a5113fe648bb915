// A virtual host: exchanges, queues and bindings, with the AMQP operations a
// channel performs on them. Consumers, delivery tags and unacked messages
// belong to channels (./channel.ts); the methods below that take them
// (consume, get, ack…) act on the host's own default channel, for runs that
// need only one. Synchronous and in-memory; every
// refusal comes back as data ({code, text, message}), never as an exception.
//
//   const vhost = new VirtualHost();
//   vhost.declareExchange({ name: 'logs', type: 'fanout' });   // → null or an AmqpError
//   vhost.declareQueue({ name: 'q' });
//   vhost.bind({ source: 'logs', destination: 'q' });
//   const trace = vhost.publish({ exchange: 'logs', routing_key: '', payload: 'hi' });
//   vhost.get('q');                                           // → { delivery } (basic.get)
//   vhost.consume('q', { prefetch: 1 }); vhost.ack(tag); vhost.nack(tag, { requeue: false });
//
// What one operation sets off in the queues (deliveries, drops,
// dead-letters) runs through a Cascade (./cascade.ts), in the order the
// recorded broker shows.
import { DEFAULT_EXCHANGE, PREDECLARED_EXCHANGES } from '../amqp/predeclared.js';
import { Cascade, type CascadeHost } from './cascade.js';
import {
  Channel,
  channelOf,
  type ChannelListener,
  type ChannelOptions,
  type ConsumerView,
  type Delivery,
  type Effects,
} from './channel.js';
import { decideBind, decideExchangeDeclare, decideQueueDeclare, stripCrLf, type DeclaredState } from './declare.js';
import { amqpError, DEFAULT_VHOST, defaultExchangeRefused, notFound, resourceName } from './errors.js';
import { EXCHANGE_TYPES } from './exchange-types/index.js';
import type { RoutableMessage } from './exchange-types/exchange-type.js';
import { buildMessage } from './message.js';
import { queueSettings } from './queue-arguments.js';
import { Queue, type Consumer, type QueueEntry } from './queue.js';
import { routeOnly, routeTraced, type ExchangeState, type Topology } from './router.js';
import type { AmqpError, BindingDef, ExchangeDef, ExchangeType, FieldTable, MessageSpec, MessageTrace, QueueDef } from './types.js';

export type { ConsumerView, Delivery, Effects } from './channel.js';

export class VirtualHost implements Topology, DeclaredState, CascadeHost {
  readonly exchanges = new Map<string, ExchangeState>();
  readonly queues = new Map<string, Queue>();
  /** Virtual time in ms: TTLs count on it; it moves only with advanceClock(). */
  private clock = 0;
  private publishCount = 0;
  private serverNameCount = 0;
  private consumerTagCount = 0;
  /** queue.bind with queue "" means the most recently declared queue (§10). */
  private lastDeclaredQueue = '';
  /** x-expires: when each queue was last used (virtual ms). */
  private readonly lastUse = new Map<string, number>();
  private readonly channels = new Set<Channel>();
  private defaultChannel: Channel | undefined;
  private readonly serverName: () => string;

  /**
   * `serverName`: names for queue.declare with "" (RabbitMQ: `amq.gen-` and 22 random characters).
   * `clock`: where virtual time starts (ms; x-death times count from it).
   */
  constructor(
    readonly vhost: string = DEFAULT_VHOST,
    options: { serverName?: () => string; clock?: number } = {},
  ) {
    this.clock = options.clock ?? 0;
    this.serverName = options.serverName ?? (() => `amq.gen-${(++this.serverNameCount).toString(36).padStart(22, '0')}`);
    // §9: in every vhost, all durable: the default exchange "" (direct) and the amq.* ones (amq.rabbitmq.trace internal).
    const predeclared: [string, { type: ExchangeType; internal: boolean }][] = [
      [DEFAULT_EXCHANGE, { type: 'direct', internal: false }],
      ...PREDECLARED_EXCHANGES,
    ];
    for (const [name, { type, internal }] of predeclared) {
      this.addExchange({ name, type: EXCHANGE_TYPES[type], durable: true, autoDelete: false, internal, args: {} });
    }
  }

  // --- Topology (for the router) ---------------------------------------------

  exchange(name: string): ExchangeState | undefined {
    return this.exchanges.get(name);
  }

  hasQueue(name: string): boolean {
    return this.queues.has(name);
  }

  // --- Declarations ----------------------------------------------------------

  declareExchange(def: ExchangeDef, options: { passive?: boolean } = {}): AmqpError | null {
    const decision = decideExchangeDeclare(this, def, options.passive);
    if ('error' in decision) return decision.error;
    if ('create' in decision) this.addExchange(decision.create);
    return null;
  }

  /** queue.declare: the queue's name (server-generated for ""), its ready messages and consumers. */
  declareQueue(
    def: QueueDef,
    options: { passive?: boolean } = {},
  ): { queue: string; messageCount: number; consumerCount: number } | { error: AmqpError } {
    const decision = decideQueueDeclare(this, def, this.serverName, options.passive);
    if ('error' in decision) return decision;
    let queue: Queue;
    if ('create' in decision) {
      const { name, durable, autoDelete, args } = decision.create;
      queue = new Queue(name, durable, autoDelete, args, queueSettings(args));
      this.queues.set(name, queue);
    } else {
      queue = decision.existing;
    }
    this.lastDeclaredQueue = queue.name;
    this.touchQueue(queue.name);
    return { queue: queue.name, messageCount: queue.messageCount, consumerCount: queue.consumerCount };
  }

  bind(def: BindingDef): AmqpError | null {
    const expanded = this.expandQueueShortcut(def);
    if ('error' in expanded) return expanded.error;
    const decision = decideBind(this, expanded);
    if ('error' in decision) return decision.error;
    if (!decision.exists) {
      const exchange = this.exchanges.get(decision.binding.source)!;
      exchange.bindings.push(decision.binding);
      exchange.bindingsById.set(decision.binding.identity, decision.binding);
      exchange.index.add(decision.binding);
    }
    return null;
  }

  /** Unbind is lenient: a missing binding, queue or exchange is fine; only "" is refused (§10). */
  unbind(def: BindingDef): AmqpError | null {
    const expanded = this.expandQueueShortcut(def);
    if ('error' in expanded) return expanded.error;
    const source = stripCrLf(expanded.source);
    const destination = stripCrLf(expanded.destination);
    if (source === '' || (expanded.destination_type === 'exchange' && destination === '')) return defaultExchangeRefused();
    const exchange = this.exchanges.get(source);
    const decision = decideBind(this, expanded);
    if (exchange && !('error' in decision) && decision.exists) {
      this.removeBindings(exchange, (b) => b === decision.binding);
    }
    return null;
  }

  deleteExchange(name: string, options: { ifUnused?: boolean } = {}): AmqpError | null {
    name = stripCrLf(name);
    if (name === '') return defaultExchangeRefused();
    if (name.startsWith('amq.')) return amqpError(403, `deletion of system ${resourceName('exchange', name, this.vhost)} not allowed`);
    const exchange = this.exchanges.get(name);
    if (!exchange) return null; // delete-ok: no 404 (§9)
    if (options.ifUnused && exchange.bindings.length) return amqpError(406, `${resourceName('exchange', name, this.vhost)} in use`);
    this.removeExchange(exchange);
    return null;
  }

  /** queue.delete: its bindings go, and so do its messages (unacked ones are forgotten). */
  deleteQueue(name: string, options: { ifUnused?: boolean; ifEmpty?: boolean } = {}): { messageCount: number } | { error: AmqpError } {
    name = stripCrLf(name);
    const queue = this.queues.get(name);
    if (!queue) return { messageCount: 0 };
    if (options.ifUnused && queue.consumerCount) return { error: amqpError(406, `${resourceName('queue', name, this.vhost)} in use`) };
    if (options.ifEmpty && queue.messageCount) return { error: amqpError(406, `${resourceName('queue', name, this.vhost)} not empty`) };
    const messageCount = queue.messageCount;
    this.queues.delete(name);
    this.lastUse.delete(name);
    for (const channel of this.channels) channel.queueDeleted(name);
    for (const exchange of [...this.exchanges.values()]) {
      this.removeBindings(exchange, (b) => b.destinationType === 'queue' && b.destination === name);
    }
    return { messageCount };
  }

  purgeQueue(name: string): { messageCount: number } | { error: AmqpError } {
    const queue = this.queues.get(stripCrLf(name));
    if (!queue) return { error: notFound('queue', stripCrLf(name), this.vhost) };
    return { messageCount: queue.purge() };
  }

  // --- Publishing --------------------------------------------------------------

  /**
   * basic.publish. Returns the message's trace: why it went where it went and
   * what the queues did with it. `trace: false` skips the per-binding
   * explanations (hops stay empty) for speed; the outcome is the same.
   */
  publish(spec: MessageSpec, options: { trace?: boolean } = {}): MessageTrace {
    const index = this.publishCount++;
    const routingKey = spec.routing_key ?? '';
    const trace: MessageTrace = {
      index,
      exchange: spec.exchange,
      routing_key: routingKey,
      routing_keys: [routingKey],
      hops: [],
      routed_to: [],
      returned: false,
      queue_events: [],
      dead_letters: [],
    };
    // §1: the exchange is looked up by its exact bytes (no CR/LF stripping), then internal, then the message.
    const exchange = this.exchanges.get(spec.exchange);
    if (!exchange) return { ...trace, error: notFound('exchange', spec.exchange, this.vhost) };
    if (exchange.internal) {
      return { ...trace, error: amqpError(403, `cannot publish to internal ${resourceName('exchange', exchange.name, this.vhost)}`) };
    }
    const message = buildMessage(index, spec);
    if ('error' in message) return { ...trace, error: message.error };
    trace.routing_keys = [...message.routingKeys];

    const cascade = new Cascade(this, options.trace ?? true);
    let queues: string[];
    if (cascade.trace) {
      const routed = routeTraced(this, exchange, message);
      queues = routed.queues;
      trace.hops = routed.hops;
      if (routed.defaultExchange) {
        trace.default_exchange = routed.defaultExchange;
        for (const lookup of routed.defaultExchange) {
          if (!lookup.exists) cascade.event({ kind: 'missing-queue', queue: lookup.queue, message: index });
        }
      }
      for (const [queue, paths] of routed.paths) {
        if (paths > 1) cascade.event({ kind: 'duplicate-ignored', queue, message: index, paths });
      }
    } else {
      queues = routeOnly(this, exchange, message);
    }
    trace.routed_to = queues;
    // §12: returned iff mandatory and no existing queue was reached (drops later do not count).
    trace.returned = (spec.mandatory ?? false) && queues.length === 0;
    cascade.enqueue(message, queues);
    cascade.run();
    trace.queue_events = cascade.events;
    trace.dead_letters = cascade.deadLetters;
    return trace;
  }

  /**
   * The fast path, for benchmarks and bulk checks: the queues a message
   * would reach (RK + CC/BCC as `publish` computes them), with no side
   * effect, no trace and no enqueueing. Unknown exchange → [].
   */
  routeOnly(exchangeName: string, routingKey: string, headers?: FieldTable): string[] {
    const exchange = this.exchanges.get(exchangeName);
    if (!exchange) return [];
    return routeOnly(this, exchange, routableMessage(routingKey, headers));
  }

  // --- Channels ----------------------------------------------------------------

  /** A new channel: its own delivery tags, consumers, unacked messages and prefetch. */
  openChannel(listener?: ChannelListener, options?: ChannelOptions): Channel {
    const channel = new Channel(this, listener, options);
    this.channels.add(channel);
    return channel;
  }

  /** The channel of the shorthand methods below. */
  get channel(): Channel {
    this.defaultChannel ??= this.openChannel();
    return this.defaultChannel;
  }

  /** basic.get on the default channel. */
  get(queueName: string, options: { noAck?: boolean } = {}): ({ delivery: Delivery | null } & Effects) | { error: AmqpError } {
    return this.channel.get(queueName, options);
  }

  /** basic.consume (with its own prefetch) on the default channel. */
  consume(
    queueName: string,
    options: { prefetch?: number; noAck?: boolean; consumerTag?: string } = {},
  ): ({ consumerTag: string } & Effects) | { error: AmqpError } {
    return this.channel.consume(queueName, options);
  }

  consumer(tag: string): ConsumerView | undefined {
    return this.channel.consumer(tag);
  }

  ack(deliveryTag: number, options: { multiple?: boolean } = {}): Effects | { error: AmqpError } {
    return this.channel.ack(deliveryTag, options);
  }

  nack(deliveryTag: number, options: { multiple?: boolean; requeue?: boolean } = {}): Effects | { error: AmqpError } {
    return this.channel.nack(deliveryTag, options);
  }

  cancel(consumerTag: string): Effects {
    return this.channel.cancel(consumerTag);
  }

  closeConsumer(consumerTag: string): Effects {
    return this.channel.closeConsumer(consumerTag);
  }

  /** @internal Server-made consumer tags of the default channel. */
  nextConsumerTag(): string {
    return `amq.ctag-${++this.consumerTagCount}`;
  }

  /** @internal A queue was used (declared, consumed from, got from): its x-expires starts again. */
  touchQueue(name: string): void {
    this.lastUse.set(name, this.clock);
  }

  /** @internal A consumer left: an auto-delete queue goes with its last consumer. */
  consumerGone(queueName: string): void {
    const queue = this.queues.get(queueName);
    this.touchQueue(queueName);
    if (queue?.autoDelete && queue.consumerCount === 0) this.deleteQueue(queue.name);
  }

  /** @internal */
  channelClosed(channel: Channel): void {
    this.channels.delete(channel);
  }

  // --- Inspection and time ---------------------------------------------------

  /** Ready messages of a queue in get order (message indices), without removing them. */
  peek(queueName: string): number[] {
    return (
      this.queues
        .get(queueName)
        ?.peekAll()
        .map((e) => e.message.index) ?? []
    );
  }

  /** Takes every ready message in get order (basic.get with no-ack until empty). */
  drain(queueName: string): number[] {
    const out: number[] = [];
    for (;;) {
      const got = this.get(queueName, { noAck: true });
      if ('error' in got || !got.delivery) return out;
      out.push(got.delivery.message);
    }
  }

  get now(): number {
    return this.clock;
  }

  /** Moves virtual time forward; messages whose TTL ran out at a queue's head expire. */
  advanceClock(ms: number): Effects {
    this.clock += Math.max(0, ms);
    const cascade = new Cascade(this, false);
    for (const queue of [...this.queues.values()]) queue.tick(cascade);
    cascade.run();
    this.expireUnusedQueues();
    return cascade.effects();
  }

  // --- Internals ---------------------------------------------------------------

  /** @internal Called by Cascade: a consumer takes an entry (its channel assigns the tag). */
  recordDelivery(queue: Queue, consumer: Consumer, entry: QueueEntry, cascade: Cascade): void {
    channelOf(consumer).recordDelivery(queue, consumer, entry, cascade);
  }

  /** x-expires: a queue with no consumer, not declared or read for that long, is deleted (rabbit_amqqueue_process). */
  private expireUnusedQueues(): void {
    for (const queue of [...this.queues.values()]) {
      const expires = queue.settings.expires;
      if (expires === undefined || queue.consumerCount > 0) continue;
      if (this.clock - (this.lastUse.get(queue.name) ?? 0) >= expires) this.deleteQueue(queue.name);
    }
  }

  private expandQueueShortcut(def: BindingDef): BindingDef | { error: AmqpError } {
    if ((def.destination_type ?? 'queue') !== 'queue' || stripCrLf(def.destination) !== '') return def;
    if (this.lastDeclaredQueue === '') return { error: amqpError(404, 'no previously declared queue') };
    const routingKey = def.routing_key ?? '';
    return { ...def, destination: this.lastDeclaredQueue, routing_key: routingKey === '' ? this.lastDeclaredQueue : routingKey };
  }

  private addExchange(x: {
    name: string;
    type: ExchangeState['type'];
    durable: boolean;
    autoDelete: boolean;
    internal: boolean;
    args: FieldTable;
  }) {
    const ae = x.args['alternate-exchange'];
    this.exchanges.set(x.name, {
      name: x.name,
      type: x.type,
      durable: x.durable,
      autoDelete: x.autoDelete,
      internal: x.internal,
      arguments: x.args,
      alternateExchange: typeof ae === 'string' ? ae : undefined,
      bindings: [],
      bindingsById: new Map(),
      index: x.type.createIndex(),
    });
  }

  private removeExchange(exchange: ExchangeState): void {
    this.exchanges.delete(exchange.name);
    for (const other of [...this.exchanges.values()]) {
      this.removeBindings(other, (b) => b.destinationType === 'exchange' && b.destination === exchange.name);
    }
  }

  /** Removes matching bindings; an auto-delete exchange left with none as source goes too (§9). */
  private removeBindings(exchange: ExchangeState, which: (b: ExchangeState['bindings'][number]) => boolean): void {
    const gone = exchange.bindings.filter(which);
    if (!gone.length) return;
    for (const binding of gone) {
      exchange.index.remove(binding);
      exchange.bindingsById.delete(binding.identity);
      exchange.bindings.splice(exchange.bindings.indexOf(binding), 1);
    }
    if (exchange.autoDelete && exchange.bindings.length === 0 && this.exchanges.get(exchange.name) === exchange) {
      this.removeExchange(exchange);
    }
  }
}

/** A message's routing view, as `publish` builds it (RK + CC + BCC, BCC stripped). */
function routableMessage(routingKey: string, headers?: FieldTable): RoutableMessage {
  if (!headers) return { routingKeys: [routingKey], headers: undefined };
  const built = buildMessage(-1, { exchange: '', routing_key: routingKey, properties: { headers } });
  if ('error' in built) return { routingKeys: [routingKey], headers };
  return built;
}
