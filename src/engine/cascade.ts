// The deliveries one operation causes, processed first-in first-out: a
// publish's own copies first, then the dead-letters those enqueues produced,
// then theirs, and so on. That is the order the recorded broker shows
// (conformance "dead queue also bound directly (interleaving)"): a publish is
// delivered to all its queues before the messages it pushed out are routed.
import { deadLetter } from './dead-letter.js';
import { compareKeys } from './field-values.js';
import type { Consumer, Queue, QueueEntry, QueueSink, StoredMessage } from './queue.js';
import type { Topology } from './router.js';
import type { DeadLetterRoute, DeathReason, QueueEvent } from './types.js';

/** What a cascade needs from its virtual host. */
export interface CascadeHost extends Topology {
  readonly now: number;
  readonly queues: ReadonlyMap<string, Queue>;
  recordDelivery(queue: Queue, consumer: Consumer, entry: QueueEntry, cascade: Cascade): void;
}

export class Cascade implements QueueSink {
  readonly events: QueueEvent[] = [];
  readonly deadLetters: DeadLetterRoute[] = [];
  private readonly pending: { message: StoredMessage; queues: string[] }[] = [];

  /** `trace`: record the hops of dead-letter routes too. */
  constructor(
    readonly host: CascadeHost,
    readonly trace: boolean,
  ) {}

  now(): number {
    return this.host.now;
  }

  event(event: QueueEvent): void {
    this.events.push(event);
  }

  deliver(queue: Queue, consumer: Consumer, entry: QueueEntry): void {
    this.host.recordDelivery(queue, consumer, entry, this);
  }

  discard(queue: Queue, message: StoredMessage, reason: DeathReason): void {
    deadLetter(this, queue, message, reason);
  }

  /** Queues receive in name order, as RabbitMQ's sorted destination list does. */
  enqueue(message: StoredMessage, queues: string[]): void {
    if (queues.length) this.pending.push({ message, queues: [...queues].sort(compareKeys) });
  }

  run(): void {
    for (let i = 0; i < this.pending.length; i++) {
      const { message, queues } = this.pending[i];
      for (const name of queues) this.host.queues.get(name)?.accept(message, this);
    }
    this.pending.length = 0;
  }

  effects(): { events: QueueEvent[]; dead_letters: DeadLetterRoute[] } {
    return { events: this.events, dead_letters: this.deadLetters };
  }
}
