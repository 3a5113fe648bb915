// What the listener's connections share: the virtual hosts (the engine's),
// who owns each exclusive queue, the Direct Reply-to consumers, the clock
// that moves the engine's TTLs with the wall clock, and the memory bound
// (RabbitMQ's memory alarm: past it, publishers are blocked).
import { VirtualHost } from '../engine/virtual-host.js';
import { guidName } from './names.js';

/** A Direct Reply-to consumer: where `amq.rabbitmq.reply-to.<key>` leads. */
export interface ReplyTarget {
  deliverReply(message: { exchange: string; routingKey: string; body: Buffer; properties: Record<string, unknown>; raw?: Buffer }): void;
}

export interface Owner {
  readonly id: number;
}

export class VhostContext {
  readonly engine: VirtualHost;
  /** Exclusive queue name → the connection that declared it. */
  readonly exclusive = new Map<string, Owner>();
  private wallClock = Date.now();

  /**
   * name: the vhost as its programs see it ("/"); key: which engine vhost it
   * is ("/" shared, "user:alice" a class student's own) — what /live files
   * the connection's traffic under, never the name the client typed.
   */
  constructor(
    readonly name: string,
    readonly key: string = name,
  ) {
    // The engine's clock is the wall clock here: x-death times are real.
    this.engine = new VirtualHost(name, { serverName: () => guidName('amq.gen'), clock: this.wallClock });
  }

  /** Moves the engine's virtual clock to the wall clock (TTLs and x-expires happen for real). */
  tick(now = Date.now()): void {
    const elapsed = now - this.wallClock;
    if (elapsed <= 0) return;
    this.wallClock = now;
    this.engine.advanceClock(elapsed);
  }

  get bytes(): number {
    let total = 0;
    for (const queue of this.engine.queues.values()) total += queue.bytes;
    return total;
  }
}

export class SharedState {
  private readonly vhosts = new Map<string, VhostContext>();
  readonly replyTo = new Map<string, ReplyTarget>();

  /** The engine vhost of that key (users.ts vhostKey), shown to its programs as `name`; made on first use. */
  vhost(key: string, name: string): VhostContext {
    let ctx = this.vhosts.get(key);
    if (!ctx) {
      ctx = new VhostContext(name, key);
      this.vhosts.set(key, ctx);
    }
    return ctx;
  }

  tick(): void {
    const now = Date.now();
    for (const ctx of this.vhosts.values()) ctx.tick(now);
  }

  /** Body bytes held in every queue of every vhost. */
  get bytes(): number {
    let total = 0;
    for (const ctx of this.vhosts.values()) total += ctx.bytes;
    return total;
  }
}
