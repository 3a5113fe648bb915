// One vhost as the live view draws it: the topology the programs declared,
// how many messages each queue holds (ready, and delivered but not yet
// acknowledged), who is connected, and the last messages with where they
// went and why. It is built from LiveEvents alone, so it is the same whether
// the embedded broker or a real RabbitMQ did the work.
//
// Bounded whatever a program does: the last MAX_MESSAGES messages are kept;
// older ones only count, per path. At most TRACES_PER_SECOND messages get the
// engine's full explanation; the rest of a flood gets its queues only.
import type { FieldTable, MessageTrace } from '../engine/types.js';
import type { LiveEvent } from './events.js';
import { TopologyMirror } from './topology-mirror.js';
import { Untaken } from './untaken.js';

export const MAX_MESSAGES = 200;
export const TRACES_PER_SECOND = 20;
const MAX_PATHS = 500;

export interface LiveQueue {
  name: string;
  ready: number;
  unacked: number;
  consumers: number;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  owner?: string;
}
export interface LiveExchange {
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
}
export interface LiveBinding {
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  bindingKey: string;
  arguments: FieldTable;
}
/** A consumer as /live draws it: queue → consumer, with what it holds unacknowledged. */
export interface LiveConsumer {
  tag: string;
  queue: string;
  unacked: number;
}
export interface LiveConnection {
  id: string;
  user: string;
  client: string;
  /** The connection_name the program gave (null: none). */
  name: string | null;
  address: string;
  blocked: boolean;
  channels: { channel: number; consumers: LiveConsumer[] }[];
}
export interface LiveMessage {
  id: number;
  at: number;
  connection: string;
  exchange: string;
  routingKey: string;
  headers: FieldTable;
  preview: string;
  size: number;
  mandatory: boolean;
  /** Where the engine says it goes, over the topology seen so far. */
  queues: string[];
  returned: boolean;
  /** The publish was refused (404 no exchange, 403 internal…), as the engine sees it. */
  error?: { code: number; message: string };
  deliveries: {
    queue: string;
    connection: string;
    tag: string | null;
    via: 'consume' | 'get';
    noAck: boolean;
    settled?: 'ack' | 'nack' | 'reject';
    requeued?: boolean;
  }[];
  /** The engine's trace (absent for messages of a flood past TRACES_PER_SECOND). */
  trace?: MessageTrace;
  /** What the broker did that the engine did not predict (a disagreement is shown, never hidden). */
  disagreement?: string;
}

interface Unacked {
  queue: string;
  /** The consumer it went to (null: basic.get). */
  consumerTag: string | null;
  message?: LiveMessage;
  delivery?: LiveMessage['deliveries'][number];
}

export class LiveVhost {
  readonly exchanges = new Map<string, LiveExchange>();
  readonly queues = new Map<string, LiveQueue>();
  bindings: LiveBinding[] = [];
  readonly connections = new Map<string, LiveConnection>();
  messages: LiveMessage[] = [];
  /** exchange + queues → how many messages took that path (every message, kept or not). */
  readonly paths = new Map<string, { exchange: string; queues: string[]; count: number }>();
  published = 0;
  /** Bumps on every change: viewers send only when it moved. */
  version = 0;
  private readonly mirror: TopologyMirror;
  private readonly unacked = new Map<string, Map<number, Unacked>>();
  /** Per queue, the kept messages routed there and not delivered yet. */
  private readonly untaken = new Untaken<LiveMessage>(() => this.published - MAX_MESSAGES);
  private traceBudget = { second: 0, used: 0 };

  constructor(
    readonly name: string,
    private readonly now: () => number = Date.now,
  ) {
    this.mirror = new TopologyMirror(name);
  }

  apply(event: LiveEvent): void {
    this.version++;
    switch (event.kind) {
      case 'connection-opened':
        this.connections.set(event.connection, {
          id: event.connection,
          user: event.user,
          client: event.client,
          name: event.name,
          address: event.address,
          blocked: false,
          channels: [],
        });
        return;
      case 'connection-closed':
        this.connections.delete(event.connection);
        // Exclusive queues go with the connection that declared them.
        for (const q of [...this.queues.values()]) if (q.exclusive && q.owner === event.connection) this.removeQueue(q.name);
        return;
      case 'channel-opened':
        this.connections.get(event.connection)?.channels.push({ channel: event.channel, consumers: [] });
        return;
      case 'channel-closed':
        return this.channelClosed(event.connection, event.channel);
      case 'blocked':
      case 'unblocked': {
        const c = this.connections.get(event.connection);
        if (c) c.blocked = event.kind === 'blocked';
        return;
      }
      case 'exchange-declared':
        if (!this.exchanges.has(event.name) && event.name !== '') {
          this.exchanges.set(event.name, {
            name: event.name,
            type: event.type,
            durable: event.durable,
            autoDelete: event.autoDelete,
            internal: event.internal,
          });
        }
        this.mirror.declareExchange(event.name, event.type, event, event.arguments);
        return;
      case 'exchange-deleted':
        this.exchanges.delete(event.name);
        this.bindings = this.bindings.filter(
          (b) => b.source !== event.name && !(b.destinationType === 'exchange' && b.destination === event.name),
        );
        this.mirror.deleteExchange(event.name);
        return;
      case 'queue-declared': {
        const known = this.queues.get(event.name);
        if (known) known.ready = event.messages;
        else
          this.queues.set(event.name, {
            name: event.name,
            ready: event.messages,
            unacked: 0,
            consumers: 0,
            durable: event.durable,
            exclusive: event.exclusive,
            autoDelete: event.autoDelete,
            owner: event.connection,
          });
        this.mirror.declareQueue(event.name, event.arguments);
        return;
      }
      case 'queue-deleted':
        return this.removeQueue(event.name);
      case 'queue-purged': {
        const q = this.queues.get(event.name);
        if (q) q.ready = 0;
        this.untaken.clear(event.name);
        return;
      }
      case 'bound':
        this.ensure(event.source, event.destination, event.destinationType);
        if (!this.bindings.some((b) => sameBinding(b, event))) {
          this.bindings.push({
            source: event.source,
            destination: event.destination,
            destinationType: event.destinationType,
            bindingKey: event.bindingKey,
            arguments: event.arguments,
          });
        }
        this.mirror.bind(event.source, event.destination, event.destinationType, event.bindingKey, event.arguments);
        return;
      case 'unbound':
        this.bindings = this.bindings.filter((b) => !sameBinding(b, event));
        this.mirror.unbind(event.source, event.destination, event.destinationType, event.bindingKey, event.arguments);
        return this.autoDeleteExchange(event.source);
      case 'consumer-added': {
        const ch = this.channel(event.connection, event.channel);
        ch?.consumers.push({ tag: event.tag, queue: event.queue, unacked: 0 });
        this.ensure('', event.queue, 'queue');
        this.queues.get(event.queue)!.consumers++;
        return;
      }
      case 'consumer-removed':
        return this.consumerRemoved(event.connection, event.channel, event.tag);
      case 'published':
        return this.published_(event);
      case 'delivered':
        return this.delivered(event);
      case 'settled':
        return this.settled(event);
      case 'returned': {
        const m = this.findLast(
          (x) =>
            x.connection === event.connection &&
            x.exchange === event.exchange &&
            x.routingKey === event.routingKey &&
            x.mandatory &&
            !x.returned,
        );
        if (!m) return;
        m.returned = true;
        if (m.queues.length > 0)
          m.disagreement = `returned by the broker (${event.code} ${event.text}), the engine routed it to ${m.queues.join(', ')}`;
        return;
      }
    }
  }

  private published_(event: Extract<LiveEvent, { kind: 'published' }>): void {
    this.published++;
    const trace = this.mirror.route(event.exchange, event.routingKey, event.headers, this.mayTrace());
    const queues = trace.error ? [] : trace.routed_to;
    const message: LiveMessage = {
      id: this.published,
      at: this.now(),
      connection: event.connection,
      exchange: event.exchange,
      routingKey: event.routingKey,
      headers: event.headers,
      preview: event.preview,
      size: event.size,
      mandatory: event.mandatory,
      queues,
      returned: false,
      deliveries: [],
    };
    if (trace.error) message.error = { code: trace.error.code, message: trace.error.message };
    if (trace.hops.length > 0 || trace.default_exchange) message.trace = trace;
    for (const name of queues) {
      const q = this.queues.get(name);
      if (q) q.ready++;
      this.untaken.add(name, message);
    }
    this.messages.push(message);
    // shift(), not splice(): V8 drops an array's head in place.
    while (this.messages.length > MAX_MESSAGES) this.messages.shift();
    const key = `${event.exchange}\u0000${queues.join('\u0000')}`;
    const path = this.paths.get(key);
    if (path) path.count++;
    else if (this.paths.size < MAX_PATHS) this.paths.set(key, { exchange: event.exchange, queues, count: 1 });
  }

  private delivered(event: Extract<LiveEvent, { kind: 'delivered' }>): void {
    const q = this.queues.get(event.queue);
    if (q) {
      q.ready = event.queueMessages ?? Math.max(0, q.ready - 1);
      if (!event.noAck) q.unacked++;
    }
    // The oldest message of that key in that queue not yet taken from it (queues are FIFO).
    const m = this.untaken.take(event.queue, event.exchange, event.routingKey);
    const delivery = { queue: event.queue, connection: event.connection, tag: event.tag, via: event.via, noAck: event.noAck };
    if (m) m.deliveries.push(delivery);
    else if (
      !event.redelivered &&
      this.messages.some(
        (x) => x.exchange === event.exchange && x.routingKey === event.routingKey && x.id > this.published - MAX_MESSAGES / 2,
      )
    ) {
      const recent = this.findLast((x) => x.exchange === event.exchange && x.routingKey === event.routingKey);
      if (recent && !recent.queues.includes(event.queue)) {
        recent.disagreement = `delivered from ${event.queue} by the broker, which the engine did not route it to`;
        recent.deliveries.push(delivery);
      }
    }
    if (!event.noAck) {
      this.consumerOf(event.connection, event.channel, event.tag).forEach((c) => c.unacked++);
      this.unackedOf(event.connection, event.channel).set(event.deliveryTag, {
        queue: event.queue,
        consumerTag: event.tag,
        message: m,
        delivery: m ? delivery : undefined,
      });
    }
  }

  /** The consumer of that tag on that channel, as a list of none or one. */
  private consumerOf(connection: string, channel: number, tag: string | null): LiveConsumer[] {
    const found = tag === null ? undefined : this.channel(connection, channel)?.consumers.find((c) => c.tag === tag);
    return found ? [found] : [];
  }

  private settled(event: Extract<LiveEvent, { kind: 'settled' }>): void {
    const open = this.unackedOf(event.connection, event.channel);
    const tags = event.multiple ? [...open.keys()].filter((t) => t <= event.deliveryTag || event.deliveryTag === 0) : [event.deliveryTag];
    for (const tag of tags) {
      const u = open.get(tag);
      if (!u) continue;
      open.delete(tag);
      this.consumerOf(event.connection, event.channel, u.consumerTag).forEach((c) => (c.unacked = Math.max(0, c.unacked - 1)));
      const q = this.queues.get(u.queue);
      if (q) {
        q.unacked = Math.max(0, q.unacked - 1);
        if (event.how !== 'ack' && event.requeue) q.ready++;
      }
      if (u.delivery) {
        u.delivery.settled = event.how;
        u.delivery.requeued = event.how !== 'ack' && event.requeue;
        if (u.delivery.requeued && u.message) this.untaken.putBack(u.queue, u.message);
      }
    }
  }

  private channelClosed(connection: string, channel: number): void {
    const c = this.connections.get(connection);
    const ch = this.channel(connection, channel);
    for (const consumer of ch?.consumers ?? []) this.consumerRemoved(connection, channel, consumer.tag);
    if (c) c.channels = c.channels.filter((x) => x.channel !== channel);
    // What the channel had not acknowledged goes back to its queues (redelivered later).
    const open = this.unacked.get(`${connection}/${channel}`);
    for (const u of open?.values() ?? []) {
      const q = this.queues.get(u.queue);
      if (q) {
        q.unacked = Math.max(0, q.unacked - 1);
        q.ready++;
      }
      if (u.delivery) u.delivery.requeued = true;
      if (u.message) this.untaken.putBack(u.queue, u.message);
    }
    this.unacked.delete(`${connection}/${channel}`);
  }

  private consumerRemoved(connection: string, channel: number, tag: string): void {
    const ch = this.channel(connection, channel);
    const consumer = ch?.consumers.find((x) => x.tag === tag);
    if (!ch || !consumer) return;
    ch.consumers = ch.consumers.filter((x) => x !== consumer);
    const q = this.queues.get(consumer.queue);
    if (!q) return;
    q.consumers = Math.max(0, q.consumers - 1);
    // auto_delete: the queue goes when its last consumer does (§13).
    if (q.autoDelete && q.consumers === 0) this.removeQueue(q.name);
  }

  private removeQueue(name: string): void {
    this.untaken.clear(name);
    if (!this.queues.delete(name)) return;
    const sources = new Set(this.bindings.filter((b) => b.destinationType === 'queue' && b.destination === name).map((b) => b.source));
    this.bindings = this.bindings.filter((b) => !(b.destinationType === 'queue' && b.destination === name));
    this.mirror.deleteQueue(name);
    for (const source of sources) this.autoDeleteExchange(source);
  }

  /** auto_delete exchanges go when their last binding does. */
  private autoDeleteExchange(name: string): void {
    const x = this.exchanges.get(name);
    if (x?.autoDelete && !this.bindings.some((b) => b.source === name)) {
      this.exchanges.delete(name);
      this.mirror.deleteExchange(name);
    }
  }

  /** A name used before we saw it declared (declared before the view started): drawn plainly. */
  private ensure(source: string, destination: string, destinationType: 'queue' | 'exchange'): void {
    if (source !== '' && !source.startsWith('amq.') && !this.exchanges.has(source)) {
      this.exchanges.set(source, { name: source, type: '?', durable: false, autoDelete: false, internal: false });
    }
    if (destinationType === 'queue' && !this.queues.has(destination)) {
      this.queues.set(destination, {
        name: destination,
        ready: 0,
        unacked: 0,
        consumers: 0,
        durable: false,
        exclusive: false,
        autoDelete: false,
      });
    }
  }

  private mayTrace(): boolean {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.traceBudget.second) this.traceBudget = { second, used: 0 };
    return this.traceBudget.used++ < TRACES_PER_SECOND;
  }

  private channel(connection: string, channel: number) {
    return this.connections.get(connection)?.channels.find((x) => x.channel === channel);
  }

  private unackedOf(connection: string, channel: number): Map<number, Unacked> {
    const key = `${connection}/${channel}`;
    let open = this.unacked.get(key);
    if (!open) this.unacked.set(key, (open = new Map<number, Unacked>()));
    return open;
  }

  private findLast(test: (m: LiveMessage) => boolean): LiveMessage | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) if (test(this.messages[i])) return this.messages[i];
    return undefined;
  }
}

function sameBinding(
  a: Omit<LiveBinding, 'arguments'> & { arguments: FieldTable },
  b: Omit<LiveBinding, 'arguments'> & { arguments: FieldTable },
): boolean {
  return (
    a.source === b.source &&
    a.destination === b.destination &&
    a.destinationType === b.destinationType &&
    a.bindingKey === b.bindingKey &&
    JSON.stringify(a.arguments) === JSON.stringify(b.arguments)
  );
}
