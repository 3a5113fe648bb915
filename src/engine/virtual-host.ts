// A virtual host: exchanges, queues, bindings and consumers, with the AMQP
// operations a channel performs on them. Synchronous and in-memory; every
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
import { Cascade, type CascadeHost } from './cascade.js';
import { decideBind, decideExchangeDeclare, decideQueueDeclare, stripCrLf, type DeclaredState } from './declare.js';
import { amqpError, DEFAULT_VHOST, defaultExchangeRefused, notFound, resourceName } from './errors.js';
import { EXCHANGE_TYPES } from './exchange-types/index.js';
import type { RoutableMessage } from './exchange-types/exchange-type.js';
import { buildMessage } from './message.js';
import { queueSettings } from './queue-arguments.js';
import { Queue, type Consumer, type QueueEntry } from './queue.js';
import { routeOnly, routeTraced, type ExchangeState, type Topology } from './router.js';
import type {
  AmqpError,
  BindingDef,
  DeadLetterRoute,
  ExchangeDef,
  ExchangeType,
  FieldTable,
  MessageProperties,
  MessageSpec,
  MessageTrace,
  QueueDef,
  QueueEvent,
} from './types.js';

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
  /** Every message this consumer received, in order. */
  delivered: Delivery[];
  /** Those not yet acked or nacked. */
  unacked: Delivery[];
}

interface ConsumerState extends Consumer {
  delivered: Delivery[];
  cancelled: boolean;
}

interface Unacked {
  delivery: Delivery;
  entry: QueueEntry;
  queue: string;
  consumer: ConsumerState | null;
}

/** §9: in every vhost (all durable); amq.rabbitmq.trace is internal. */
const PREDECLARED: [string, ExchangeType, boolean][] = [
  ['', 'direct', false],
  ['amq.direct', 'direct', false],
  ['amq.topic', 'topic', false],
  ['amq.fanout', 'fanout', false],
  ['amq.headers', 'headers', false],
  ['amq.match', 'headers', false],
  ['amq.rabbitmq.trace', 'topic', true],
];

export class VirtualHost implements Topology, DeclaredState, CascadeHost {
  readonly exchanges = new Map<string, ExchangeState>();
  readonly queues = new Map<string, Queue>();
  /** Virtual time in ms: TTLs count on it; it moves only with advanceClock(). */
  private clock = 0;
  private publishCount = 0;
  private deliveryTagCount = 0;
  private serverNameCount = 0;
  private consumerTagCount = 0;
  private readonly consumers = new Map<string, ConsumerState>();
  private readonly unacked = new Map<number, Unacked>();
  /** queue.bind with queue "" means the most recently declared queue (§10). */
  private lastDeclaredQueue = '';

  constructor(readonly vhost: string = DEFAULT_VHOST) {
    for (const [name, type, internal] of PREDECLARED) {
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
    const decision = decideQueueDeclare(this, def, () => `amq.gen-${(++this.serverNameCount).toString(36).padStart(22, '0')}`, options.passive);
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
    for (const [tag, consumer] of this.consumers) if (consumer.queue === name) this.consumers.delete(tag);
    for (const [tag, u] of this.unacked) if (u.queue === name) this.unacked.delete(tag);
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

  // --- Consuming -------------------------------------------------------------

  /** basic.get: the next message in get order, or null when the queue is empty. */
  get(queueName: string, options: { noAck?: boolean } = {}): ({ delivery: Delivery | null } & Effects) | { error: AmqpError } {
    const queue = this.queues.get(stripCrLf(queueName));
    if (!queue) return { error: notFound('queue', stripCrLf(queueName), this.vhost) };
    const cascade = new Cascade(this, false);
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
   * basic.consume with basic.qos: deliveries go round-robin to the queue's
   * consumers that have room (prefetch 0 = unlimited; noAck = always room).
   */
  consume(
    queueName: string,
    options: { prefetch?: number; noAck?: boolean; consumerTag?: string } = {},
  ): ({ consumerTag: string } & Effects) | { error: AmqpError } {
    const queue = this.queues.get(stripCrLf(queueName));
    if (!queue) return { error: notFound('queue', stripCrLf(queueName), this.vhost) };
    const tag = options.consumerTag || `amq.ctag-${++this.consumerTagCount}`;
    if (this.consumers.has(tag)) return { error: amqpError(530, `attempt to reuse consumer tag '${tag}'`) };
    const consumer: ConsumerState = {
      tag,
      queue: queue.name,
      prefetch: Math.max(0, Math.trunc(options.prefetch ?? 0)),
      noAck: options.noAck ?? false,
      unacked: 0,
      delivered: [],
      cancelled: false,
    };
    this.consumers.set(tag, consumer);
    const cascade = new Cascade(this, false);
    queue.addConsumer(consumer, cascade);
    cascade.run();
    return { consumerTag: tag, ...cascade.effects() };
  }

  consumer(tag: string): ConsumerView | undefined {
    const c = this.consumers.get(tag);
    if (!c) return undefined;
    const unacked = [...this.unacked.values()].filter((u) => u.consumer === c).map((u) => u.delivery);
    return { tag: c.tag, queue: c.queue, prefetch: c.prefetch, noAck: c.noAck, delivered: [...c.delivered], unacked };
  }

  /** basic.ack (multiple: every unacked tag up to this one). */
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
    return this.settle(deliveryTag, options.multiple ?? false, (settled, cascade) => {
      this.giveBack(settled, requeue, cascade);
    });
  }

  /** basic.cancel: no more deliveries; its unacked messages stay unacked (they can still be acked). */
  cancel(consumerTag: string): Effects {
    const cascade = new Cascade(this, false);
    this.detach(consumerTag, [], cascade);
    return cascade.effects();
  }

  /**
   * The consumer's channel closes: cancel it and requeue its unacked messages
   * (back at the head, in their original order, flagged redelivered) before
   * the queue serves its other consumers.
   */
  closeConsumer(consumerTag: string): Effects {
    const cascade = new Cascade(this, false);
    const consumer = this.consumers.get(consumerTag);
    const held = [...this.unacked.entries()].filter(([, u]) => u.consumer === consumer);
    for (const [tag] of held) this.unacked.delete(tag);
    if (consumer) consumer.unacked = 0;
    this.detach(consumerTag, held.map(([, u]) => u), cascade);
    return cascade.effects();
  }

  private detach(consumerTag: string, requeue: Unacked[], cascade: Cascade): void {
    const consumer = this.consumers.get(consumerTag);
    if (!consumer || consumer.cancelled) return;
    consumer.cancelled = true;
    const queue = this.queues.get(consumer.queue);
    queue?.removeConsumer(consumerTag);
    this.giveBack(requeue, true, cascade);
    queue?.serveConsumers(cascade);
    cascade.run();
    // An auto-delete queue goes when its last consumer does.
    if (queue?.autoDelete && queue.consumerCount === 0) this.deleteQueue(queue.name);
  }

  // --- Inspection and time ---------------------------------------------------

  /** Ready messages of a queue in get order (message indices), without removing them. */
  peek(queueName: string): number[] {
    return this.queues.get(queueName)?.peekAll().map((e) => e.message.index) ?? [];
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
    return cascade.effects();
  }

  // --- Internals ---------------------------------------------------------------

  /** @internal Called by Cascade: a consumer takes an entry. */
  recordDelivery(queue: Queue, consumer: Consumer, entry: QueueEntry, cascade: Cascade): void {
    const state = this.consumers.get(consumer.tag)!;
    const delivery = this.makeDelivery(queue, entry, consumer.tag);
    state.delivered.push(delivery);
    if (!consumer.noAck) {
      state.unacked++;
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
      properties: m.properties,
    };
  }

  private settle(
    deliveryTag: number,
    multiple: boolean,
    then: (settled: Unacked[], cascade: Cascade) => void,
  ): Effects | { error: AmqpError } {
    const tags = multiple ? [...this.unacked.keys()].filter((t) => t <= deliveryTag) : [deliveryTag];
    if (!this.unacked.has(deliveryTag) && !(multiple && tags.length)) {
      return { error: amqpError(406, `unknown delivery tag ${deliveryTag}`) };
    }
    const settled = tags.sort((a, b) => a - b).map((t) => this.unacked.get(t)!);
    for (const tag of tags) this.unacked.delete(tag);
    for (const u of settled) if (u.consumer) u.consumer.unacked--;
    const cascade = new Cascade(this, false);
    then(settled, cascade);
    // Room freed: the queues serve their consumers again.
    for (const name of new Set(settled.map((u) => u.queue))) this.queues.get(name)?.serveConsumers(cascade);
    cascade.run();
    return cascade.effects();
  }

  private giveBack(settled: Unacked[], requeue: boolean, cascade: Cascade): void {
    const byQueue = new Map<string, QueueEntry[]>();
    for (const u of settled) byQueue.set(u.queue, [...(byQueue.get(u.queue) ?? []), u.entry]);
    for (const [name, entries] of byQueue) {
      const queue = this.queues.get(name);
      if (!queue) continue;
      if (requeue) queue.requeue(entries, cascade);
      else for (const entry of entries) cascade.discard(queue, entry.message, 'rejected');
    }
  }

  private expandQueueShortcut(def: BindingDef): BindingDef | { error: AmqpError } {
    if ((def.destination_type ?? 'queue') !== 'queue' || stripCrLf(def.destination) !== '') return def;
    if (this.lastDeclaredQueue === '') return { error: amqpError(404, 'no previously declared queue') };
    const routingKey = def.routing_key ?? '';
    return { ...def, destination: this.lastDeclaredQueue, routing_key: routingKey === '' ? this.lastDeclaredQueue : routingKey };
  }

  private addExchange(x: { name: string; type: ExchangeState['type']; durable: boolean; autoDelete: boolean; internal: boolean; args: FieldTable }) {
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
