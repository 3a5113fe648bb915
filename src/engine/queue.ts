// A classic queue (§13): FIFO, or by priority with x-max-priority; length
// limits with drop-head / reject-publish / reject-publish-dlx; message TTL
// (expiry happens only at the head); consumers served round-robin within
// their prefetch. It follows rabbit_amqqueue_process (3.10.8):
// maybe_deliver_or_enqueue → deliver_or_enqueue → maybe_drop_head →
// drop_expired_msgs. What happens to a message that leaves (dropped or
// dead-lettered) is the virtual host's business, through `QueueSink`.
import type { QueueSettings } from './queue-arguments.js';
import type { FieldTable, MessageProperties, QueueEvent } from './types.js';

/** A message as brokers store it; dead-lettered copies share the original index. */
export interface StoredMessage {
  /** Position of the publish that created it (its copies keep it). */
  readonly index: number;
  /** The exchange published to (or, after dead-lettering, the DLX). */
  readonly exchange: string;
  /** [routing key] + CC + BCC (or the dead-letter routing keys). */
  readonly routingKeys: readonly string[];
  /** Headers with BCC removed (and x-death after dead-lettering). */
  readonly headers: FieldTable | undefined;
  readonly properties: MessageProperties;
  readonly payload: string;
  /** The body as bytes, when it came from the wire (then `payload` is not used). */
  readonly body?: Buffer;
  /** The content header's property bytes as the publisher sent them: delivered unchanged, so header value types survive. */
  readonly rawProperties?: Buffer;
  /** Body size in bytes (UTF-8): what x-max-length-bytes counts. */
  readonly bodySize: number;
  /** Per-message TTL (ms) from the expiration property. */
  readonly ttl: number | undefined;
}

export interface QueueEntry {
  readonly message: StoredMessage;
  /** Arrival order in this queue: requeued messages go back to their place. */
  readonly seq: number;
  readonly priority: number;
  readonly expiresAt: number | undefined;
  redelivered: boolean;
}

export interface Consumer {
  readonly tag: string;
  readonly queue: string;
  /** 0 = unlimited (basic.qos prefetch_count 0). */
  readonly prefetch: number;
  readonly noAck: boolean;
  unacked: number;
  /** A limit beyond this consumer's own: its channel's global prefetch, or a socket that is not being read. */
  canTake?(): boolean;
}

/** How the queue tells its virtual host what happened. */
export interface QueueSink {
  now(): number;
  event(event: QueueEvent): void;
  /** A consumer takes the entry (the host assigns the delivery tag). */
  deliver(queue: Queue, consumer: Consumer, entry: QueueEntry): void;
  /** The entry leaves the queue dropped or dead-lettered (the host resolves the DLX). */
  discard(queue: Queue, message: StoredMessage, reason: 'maxlen' | 'expired' | 'rejected'): void;
}

export class Queue {
  /** One FIFO per priority level (a single level without x-max-priority). */
  private readonly levels: QueueEntry[][];
  private nextSeq = 0;
  private readyBytes = 0;
  private ready = 0;
  /** Consumers in round-robin order: the next one to serve is first. */
  private consumers: Consumer[] = [];
  /** Consumers in the order they registered (for single active consumer). */
  private registered: Consumer[] = [];
  /** When the TTL timer fires (virtual ms), if armed. */
  private ttlTimer: number | undefined;

  constructor(
    readonly name: string,
    readonly durable: boolean,
    readonly autoDelete: boolean,
    readonly args: FieldTable,
    readonly settings: QueueSettings,
  ) {
    this.levels = Array.from({ length: (settings.maxPriority ?? 0) + 1 }, () => []);
  }

  get messageCount(): number {
    return this.ready;
  }

  /** Body bytes of the ready messages (what the listener's memory bound counts). */
  get bytes(): number {
    return this.readyBytes;
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  /** maybe_deliver_or_enqueue/3: a message routed here by a publish or a dead-lettering. */
  accept(message: StoredMessage, sink: QueueSink): void {
    const { overflow, deadLetterExchange, messageTtl } = this.settings;
    // reject-publish checks the limit before anything else, even with a consumer waiting.
    if (overflow !== 'drop-head' && this.willOverflow(message.bodySize)) {
      sink.event({ kind: 'rejected', queue: this.name, message: message.index, reason: 'maxlen' });
      if (overflow === 'reject-publish-dlx' && deadLetterExchange !== undefined) sink.discard(this, message, 'maxlen');
      return;
    }
    const entry = this.newEntry(message, sink.now());
    // A waiting consumer takes it at once: never enqueued, so no limit or TTL applies.
    const consumer = this.nextConsumer();
    if (consumer) {
      this.handOver(consumer, entry, sink);
      return;
    }
    if (messageTtl === 0 && deadLetterExchange === undefined) {
      // deliver_or_enqueue's shortcut: TTL 0, nobody waiting, no DLX → discarded.
      sink.event({ kind: 'dropped', queue: this.name, message: message.index, reason: 'expired' });
      return;
    }
    this.push(entry);
    sink.event({ kind: 'enqueued', queue: this.name, message: message.index });
    const dropped = this.dropHeadWhileOverLimit(sink);
    // RabbitMQ looks for expired messages here only if the head may have
    // changed: something was dropped, or this message is alone in the queue
    // (deliver_or_enqueue's optimisation). In a priority queue a new
    // message can jump to the head unnoticed; it then waits for the next check.
    if (!dropped && this.ready !== 1) return;
    if (dropped && this.ready === 1 && entry.expiresAt === undefined) return;
    this.dropExpired(sink);
  }

  /** basic.get: the head in get order (highest priority first); expired heads are dropped after it. */
  take(sink: QueueSink): QueueEntry | undefined {
    return this.fetch(sink);
  }

  /** Requeue (nack/reject with requeue, or a consumer closing): back to its place near the head. */
  requeue(entries: QueueEntry[], sink: QueueSink): void {
    for (const entry of entries) {
      entry.redelivered = true;
      this.insertBySeq(entry);
    }
    this.dropHeadWhileOverLimit(sink);
    this.dropExpired(sink);
    this.serveConsumers(sink);
  }

  addConsumer(consumer: Consumer, sink: QueueSink): void {
    this.consumers.push(consumer);
    this.registered.push(consumer);
    this.serveConsumers(sink);
  }

  /** Every consumer, in registration order. */
  allConsumers(): readonly Consumer[] {
    return this.registered;
  }

  /** Call serveConsumers afterwards: with a single active consumer, the next one takes over. */
  removeConsumer(tag: string): void {
    this.consumers = this.consumers.filter((c) => c.tag !== tag);
    this.registered = this.registered.filter((c) => c.tag !== tag);
  }

  /** Delivers ready messages while some consumer has room (run_message_queue). */
  serveConsumers(sink: QueueSink): void {
    for (let consumer = this.nextConsumer(); consumer && this.ready > 0; consumer = this.nextConsumer()) {
      this.handOver(consumer, this.fetch(sink)!, sink);
    }
  }

  /** The TTL timer (armed for the head's expiry) fires once virtual time reaches it. */
  tick(sink: QueueSink): void {
    if (this.ttlTimer === undefined || this.ttlTimer > sink.now()) return;
    this.ttlTimer = undefined;
    this.dropExpired(sink);
    this.serveConsumers(sink);
  }

  /** Ready messages in get order (for inspection; does not remove them). */
  peekAll(): QueueEntry[] {
    const out: QueueEntry[] = [];
    for (let level = this.levels.length - 1; level >= 0; level--) out.push(...this.levels[level]);
    return out;
  }

  /** Removes every ready message (queue.purge); returns how many. */
  purge(): number {
    const count = this.ready;
    for (const level of this.levels) level.length = 0;
    this.ready = 0;
    this.readyBytes = 0;
    return count;
  }

  private newEntry(message: StoredMessage, now: number): QueueEntry {
    const max = this.settings.maxPriority;
    // Priority is capped at x-max-priority; without it every message has one level.
    const raw = message.properties.priority;
    const priority = max === undefined ? 0 : Math.max(0, Math.min(max, typeof raw === 'number' ? Math.trunc(raw) : 0));
    // The smaller of the queue TTL and the message's own expiration applies.
    const ttls = [this.settings.messageTtl, message.ttl].filter((t): t is number => t !== undefined);
    const expiresAt = ttls.length ? now + Math.min(...ttls) : undefined;
    return { message, seq: this.nextSeq++, priority, expiresAt, redelivered: false };
  }

  private nextConsumer(): Consumer | undefined {
    const hasRoom = (c: Consumer) => (c.noAck || c.prefetch === 0 || c.unacked < c.prefetch) && (c.canTake?.() ?? true);
    if (this.settings.singleActiveConsumer) {
      // Only the active consumer (the earliest still registered) receives; the others wait their turn.
      const active = this.registered[0];
      return active && hasRoom(active) ? active : undefined;
    }
    return this.consumers.find(hasRoom);
  }

  private handOver(consumer: Consumer, entry: QueueEntry, sink: QueueSink): void {
    // Round-robin: the consumer just served goes to the back of the line.
    this.consumers = [...this.consumers.filter((c) => c !== consumer), consumer];
    sink.deliver(this, consumer, entry);
  }

  /** will_overflow/2: would one more message (of this size) pass a limit? */
  private willOverflow(size: number): boolean {
    const { maxLength, maxLengthBytes } = this.settings;
    return (
      (maxLength !== undefined && this.ready + 1 > maxLength) || (maxLengthBytes !== undefined && this.readyBytes + size > maxLengthBytes)
    );
  }

  private overLimit(): boolean {
    const { maxLength, maxLengthBytes } = this.settings;
    return (maxLength !== undefined && this.ready > maxLength) || (maxLengthBytes !== undefined && this.readyBytes > maxLengthBytes);
  }

  /** maybe_drop_head/2: drop-head only; the head in get order goes first (the highest priority). */
  private dropHeadWhileOverLimit(sink: QueueSink): boolean {
    if (this.settings.overflow !== 'drop-head') return false;
    let dropped = false;
    while (this.overLimit()) {
      sink.discard(this, this.popHead()!.message, 'maxlen');
      dropped = true;
    }
    return dropped;
  }

  /** fetch/2: the head first, then the expired messages behind it. */
  private fetch(sink: QueueSink): QueueEntry | undefined {
    const entry = this.popHead();
    if (entry) this.dropExpired(sink);
    return entry;
  }

  /**
   * drop_expired_msgs/1: drops expired messages from the head, in get order,
   * up to the first live one (only the head ever expires), then arms the TTL
   * timer for that one's expiry.
   */
  private dropExpired(sink: QueueSink): void {
    const now = sink.now();
    for (let head = this.peekHead(); head; head = this.peekHead()) {
      if (head.expiresAt === undefined || head.expiresAt > now) {
        if (head.expiresAt !== undefined && (this.ttlTimer === undefined || head.expiresAt < this.ttlTimer)) this.ttlTimer = head.expiresAt;
        return;
      }
      sink.discard(this, this.popHead()!.message, 'expired');
    }
  }

  private push(entry: QueueEntry): void {
    this.levels[entry.priority].push(entry);
    this.ready++;
    this.readyBytes += entry.message.bodySize;
  }

  private insertBySeq(entry: QueueEntry): void {
    const fifo = this.levels[entry.priority];
    let i = 0;
    while (i < fifo.length && fifo[i].seq < entry.seq) i++;
    fifo.splice(i, 0, entry);
    this.ready++;
    this.readyBytes += entry.message.bodySize;
  }

  private peekHead(): QueueEntry | undefined {
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const fifo = this.levels[level];
      if (fifo.length) return fifo[0];
    }
    return undefined;
  }

  private popHead(): QueueEntry | undefined {
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const fifo = this.levels[level];
      if (fifo.length) return this.remove(fifo.shift()!);
    }
    return undefined;
  }

  private remove(entry: QueueEntry): QueueEntry {
    this.ready--;
    this.readyBytes -= entry.message.bodySize;
    return entry;
  }
}
