// A class carried by the broker itself (RabbitMQ, or the embedded broker
// through its own AMQP port: the same code on both), so that two server
// processes on one RabbitMQ share it and a server restart loses no answer.
// Per class CODE:
//
//   xtp.class.CODE.inputs  durable queue, x-single-active-consumer: every
//                          server publishes the teacher's commands, joins and
//                          answers here; RabbitMQ gives them to ONE server at a
//                          time (the writer), in order.
//   xtp.class.CODE.events  fanout exchange: the writer announces each applied
//                          input with its sequence number (or a refusal).
//   one exclusive queue per following server, bound to events: each server
//                          applies the announcements to its own copy.
//   xtp.class.CODE.state   durable queue, x-max-length 1: the writer's latest
//                          copy of the whole class (a snapshot), for a server
//                          that starts following, or resynchronises.
//
// The writer acknowledges inputs only once a snapshot that contains them is
// confirmed: if it dies first, RabbitMQ hands them (in order) to the next
// active consumer, which starts from that snapshot. Inputs are idempotent
// (class-model.ts), so one applied twice changes nothing.
//
// Nothing stays: the end of a class deletes the two queues and the exchange;
// a server's own queue is exclusive (gone with its connection), the exchange
// is auto-delete (gone with its last binding), and both durable queues carry
// x-expires of the 4 idle hours, for a class whose every server vanished.
import type { Channel, ConfirmChannel, ConsumeMessage, Message } from 'amqplib';
import pino, { type Logger } from 'pino';
import { closeChannel, type AmqpConnection } from '../broker/amqp-connection.js';
import { apply, refusal, type ClassState } from './class-model.js';
import type { ClassEvent, ClassTransport, Following, SubmittedInput } from './class-transport.js';
import { CLASS_LIMITS } from './limits.js';

export const classNames = (code: string) => ({
  inputs: `xtp.class.${code}.inputs`,
  events: `xtp.class.${code}.events`,
  state: `xtp.class.${code}.state`,
});

export interface AmqpClassTransportOptions {
  logger?: Logger;
  /** x-expires of a class's queues (default: the 4 idle hours). */
  expiresMs?: number;
  /** How long a snapshot may wait to gather several inputs (ms). */
  snapshotDelayMs?: number;
}

type Wire = { kind: 'applied'; seq: number; input: SubmittedInput } | { kind: 'refused'; id: string; refusal: { key: string } };

export class AmqpClassTransport implements ClassTransport {
  private publisher: Promise<ConfirmChannel> | null = null;
  private readonly returned = new Set<string>();
  private readonly followers = new Set<ClassFollower>();
  private readonly logger: Logger;
  readonly expiresMs: number;
  readonly snapshotDelayMs: number;

  constructor(
    readonly connection: AmqpConnection,
    options: AmqpClassTransportOptions = {},
  ) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.expiresMs = options.expiresMs ?? CLASS_LIMITS.idleMs;
    this.snapshotDelayMs = options.snapshotDelayMs ?? 2;
    connection.on('disconnected', () => {
      this.publisher = null;
    });
  }

  async create(state: ClassState): Promise<void> {
    const names = classNames(state.code);
    await this.withChannel(async (ch) => {
      await ch.assertQueue(names.inputs, { durable: true, arguments: { 'x-single-active-consumer': true, 'x-expires': this.expiresMs } });
      await ch.assertQueue(names.state, { durable: true, arguments: { 'x-max-length': 1, 'x-expires': this.expiresMs } });
    });
    await this.publishConfirmed('', names.state, Buffer.from(JSON.stringify(state)), `state-${state.code}-0`);
  }

  async follow(code: string, onEvent: (event: ClassEvent) => void): Promise<Following | null> {
    const follower = new ClassFollower(this, code, onEvent, this.logger);
    const state = await follower.start();
    if (!state) return null;
    this.followers.add(follower);
    return {
      state,
      stop: async () => {
        this.followers.delete(follower);
        await follower.stop();
      },
    };
  }

  async submit(code: string, input: SubmittedInput): Promise<void> {
    await this.publishConfirmed('', classNames(code).inputs, Buffer.from(JSON.stringify(input)), input.id, true);
    // mandatory + basic.return: the inputs queue is gone (the class ended or expired).
    if (this.returned.delete(input.id)) throw new Error(`class ${code} has no inputs queue any more`);
  }

  async close(): Promise<void> {
    for (const follower of [...this.followers]) await follower.stop(false);
    this.followers.clear();
    const publisher = await this.publisher?.catch(() => null);
    this.publisher = null;
    if (publisher) await closeChannel(publisher);
  }

  // --- helpers shared with the followers ----------------------------------------------

  async withChannel<T>(fn: (ch: Channel) => Promise<T>): Promise<T> {
    const ch = await this.connection.createChannel();
    try {
      return await fn(ch);
    } finally {
      await closeChannel(ch);
    }
  }

  publishConfirmed(exchange: string, routingKey: string, body: Buffer, messageId: string, mandatory = false): Promise<void> {
    return this.publishChannel().then(
      (ch) =>
        new Promise<void>((resolve, reject) => {
          ch.publish(exchange, routingKey, body, { persistent: true, mandatory, messageId, contentType: 'application/json' }, (err) =>
            err ? reject(new Error('the broker did not confirm')) : resolve(),
          );
        }),
    );
  }

  private publishChannel(): Promise<ConfirmChannel> {
    if (!this.publisher) {
      const created = this.connection.createConfirmChannel().then((ch) => {
        ch.on('return', (msg: Message) => {
          if (typeof msg.properties.messageId === 'string') this.returned.add(msg.properties.messageId);
        });
        ch.on('close', () => {
          if (this.publisher === created) this.publisher = null;
        });
        return ch;
      });
      created.catch(() => {
        if (this.publisher === created) this.publisher = null;
      });
      this.publisher = created;
    }
    return this.publisher;
  }
}

/** One server following one class: its own copy, and the writer's part when RabbitMQ makes it the active consumer. */
class ClassFollower {
  private readonly names: ReturnType<typeof classNames>;
  private replicaChannel: Channel | null = null;
  private writerChannel: Channel | null = null;
  private stopped = false;
  /** Highest seq handed to the hub; buffered announcements while resynchronising. */
  private seq = 0;
  private resyncing: ClassEvent[] | null = null;
  // The writer's part.
  private writerState: ClassState | null = null;
  private writerQueue: Promise<void> = Promise.resolve();
  private lastInput: ConsumeMessage | null = null;
  private readonly outbox: Wire[] = [];
  private snapshotTimer: NodeJS.Timeout | null = null;
  /** A snapshot waits for its confirm: the next one gathers what comes meanwhile (one whole class serialized per round trip, not per input). */
  private snapshotInFlight = false;
  private readonly onReconnect = () => void this.restart();

  constructor(
    private readonly transport: AmqpClassTransport,
    readonly code: string,
    private readonly onEvent: (event: ClassEvent) => void,
    private readonly logger: Logger,
  ) {
    this.names = classNames(code);
  }

  /** Subscribes, then reads the snapshot: the class as it stands (null: no such class). */
  async start(): Promise<ClassState | null> {
    const connection = this.transport.connection;
    const replica = await connection.createChannel();
    const early: Wire[] = [];
    let live = false;
    try {
      try {
        await replica.checkQueue(this.names.state);
      } catch (err) {
        if ((err as { code?: number }).code === 404) return null;
        throw err;
      }
      await replica.assertExchange(this.names.events, 'fanout', { durable: true, autoDelete: true });
      const { queue } = await replica.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      try {
        await replica.bindQueue(queue, this.names.events, '');
      } catch (err) {
        // The class ended between the two calls: its end deletes the events
        // exchange (auto-delete, its last follower unbound).
        if ((err as { code?: number }).code === 404) return null;
        throw err;
      }
      await replica.consume(
        queue,
        (msg) => {
          if (!msg) return;
          const wire = parseWire(msg.content);
          if (!wire) return;
          if (live) this.announce(wire);
          else early.push(wire);
        },
        { noAck: true },
      );
      const snapshot = await this.loadSnapshot(replica, 0);
      if (!snapshot || snapshot.ended) return null;
      this.seq = snapshot.seq;
      live = true;
      this.replicaChannel = replica;
      replica.on('close', () => this.lost(replica));
      queueMicrotask(() => early.forEach((w) => this.announce(w)));
      await this.startWriter();
      connection.off('connected', this.onReconnect);
      return snapshot;
    } finally {
      if (!live) await closeChannel(replica);
    }
  }

  async stop(deleteNothing = true): Promise<void> {
    void deleteNothing;
    this.stopped = true;
    this.transport.connection.off('connected', this.onReconnect);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    for (const ch of [this.writerChannel, this.replicaChannel]) if (ch) await closeChannel(ch);
    this.writerChannel = this.replicaChannel = null;
  }

  private lost(ch: Channel): void {
    if (this.stopped || ch !== this.replicaChannel) return;
    this.replicaChannel = null;
    this.writerState = null;
    if (this.writerChannel) void closeChannel(this.writerChannel);
    this.writerChannel = null;
    this.logger.warn({ code: this.code }, 'class: lost the broker; following again once it is back');
    if (this.transport.connection.connected) setTimeout(() => void this.restart(), 1000).unref();
    else this.transport.connection.once('connected', this.onReconnect);
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    try {
      const state = await this.start();
      if (state) this.onEvent({ kind: 'reset', state });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'class: could not follow again; retrying');
      setTimeout(() => void this.restart(), 2000).unref();
    }
  }

  /** An announcement from the writer, handed on in order; a gap means this copy missed some: reload the snapshot. */
  private announce(wire: Wire): void {
    if (wire.kind === 'refused') {
      this.onEvent(wire);
      return;
    }
    if (this.resyncing) {
      this.resyncing.push(wire);
      return;
    }
    if (wire.seq <= this.seq) return;
    if (wire.seq > this.seq + 1) {
      this.resyncing = [wire];
      void this.resync(wire.seq - 1);
      return;
    }
    this.seq = wire.seq;
    this.onEvent(wire);
  }

  private async resync(atLeast: number): Promise<void> {
    const ch = this.replicaChannel;
    const snapshot = ch ? await this.loadSnapshot(ch, atLeast).catch(() => null) : null;
    const buffered = this.resyncing ?? [];
    this.resyncing = null;
    if (snapshot) {
      this.seq = snapshot.seq;
      this.onEvent({ kind: 'reset', state: snapshot });
    }
    for (const event of buffered) if (event.kind === 'applied') this.announce(event);
  }

  /** The latest snapshot with seq ≥ atLeast (the writer writes one within milliseconds of an input); null when the class is gone. */
  private async loadSnapshot(ch: Channel, atLeast: number): Promise<ClassState | null> {
    for (let attempt = 0; attempt < 100; attempt++) {
      let msg: Message | false;
      try {
        msg = await ch.get(this.names.state, { noAck: false });
      } catch (err) {
        if ((err as { code?: number }).code === 404) return null;
        throw err;
      }
      if (msg) {
        // Put back at once: the snapshot is for every server that comes (x-max-length 1 keeps only the newest).
        ch.nack(msg, false, true);
        const state = JSON.parse(msg.content.toString('utf8')) as ClassState;
        if (state.seq >= atLeast) return state;
      }
      // Another server holds it this instant, or the writer's newer one is on its way.
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`class ${this.code}: no snapshot at seq ${atLeast} after 2 s`);
  }

  // --- the writer ------------------------------------------------------------------------

  private async startWriter(): Promise<void> {
    const ch = await this.transport.connection.createChannel();
    this.writerChannel = ch;
    await ch.prefetch(200);
    // RabbitMQ makes one consumer of this queue active; the others wait (and take over when it goes).
    await ch.consume(this.names.inputs, (msg) => {
      if (!msg) {
        // basic.cancel: the inputs queue was deleted — the class ended (or expired) under us.
        if (!this.stopped) this.onEvent({ kind: 'gone' });
        return;
      }
      this.writerQueue = this.writerQueue
        .then(() => this.write(ch, msg))
        .catch((err: unknown) => {
          this.logger.warn({ err: (err as Error).message }, 'class: writer failed; its inputs go back to RabbitMQ');
          void closeChannel(ch);
        });
    });
  }

  private async write(ch: Channel, msg: ConsumeMessage): Promise<void> {
    if (ch !== this.writerChannel) return;
    // Just made the active consumer: start from the last snapshot; unacknowledged inputs come again after it.
    this.writerState ??= await this.loadSnapshot(ch, 0);
    const state = this.writerState;
    if (!state) return;
    let input: SubmittedInput;
    try {
      input = JSON.parse(msg.content.toString('utf8')) as SubmittedInput;
    } catch {
      ch.ack(msg);
      return;
    }
    const refused = refusal(state, input);
    if (refused) this.outbox.push({ kind: 'refused', id: input.id, refusal: refused });
    else {
      apply(state, input);
      this.outbox.push({ kind: 'applied', seq: state.seq, input });
    }
    this.lastInput = msg;
    this.scheduleSnapshot(ch);
  }

  private scheduleSnapshot(ch: Channel): void {
    if (this.snapshotTimer || this.snapshotInFlight) return;
    this.snapshotTimer = setTimeout(() => void this.snapshot(ch), this.transport.snapshotDelayMs);
  }

  /**
   * The snapshot first, then the announcements it contains, on one channel
   * (so in this order on the broker): a server that subscribes, then reads
   * the snapshot, never misses an announcement the snapshot lacks.
   */
  private async snapshot(ch: Channel): Promise<void> {
    this.snapshotTimer = null;
    this.snapshotInFlight = true;
    try {
      await this.saveSnapshot(ch);
    } finally {
      this.snapshotInFlight = false;
      // Inputs applied while it was on its way: their own snapshot now.
      if (this.outbox.length > 0 && ch === this.writerChannel) this.scheduleSnapshot(ch);
    }
  }

  private async saveSnapshot(ch: Channel): Promise<void> {
    const state = this.writerState;
    const last = this.lastInput;
    const outbox = this.outbox.splice(0);
    if (!state || !last || ch !== this.writerChannel) return;
    try {
      const saved = this.transport.publishConfirmed(
        '',
        this.names.state,
        Buffer.from(JSON.stringify(state)),
        `state-${this.code}-${state.seq}`,
      );
      for (const wire of outbox) {
        const id = wire.kind === 'applied' ? wire.input.id : wire.id;
        void this.transport
          .publishConfirmed(this.names.events, '', Buffer.from(JSON.stringify(wire)), `${this.code}-${id}`)
          .catch(() => {});
      }
      await saved;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'class: snapshot not confirmed; inputs stay on RabbitMQ');
      return;
    }
    // Every input up to here is in a confirmed snapshot: RabbitMQ may forget them.
    // (The channel may be closing already: this server heard of the end and stops following.)
    try {
      if (ch === this.writerChannel) ch.ack(last, true);
    } catch {
      /* not acknowledged: redelivered to the next writer, which finds them applied */
    }
    if (this.lastInput === last) this.lastInput = null;
    if (state.ended) {
      await this.deleteClass().catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).message }, 'class: not deleted from RabbitMQ (x-expires will)'),
      );
    }
  }

  private async deleteClass(): Promise<void> {
    await this.transport.withChannel(async (ch) => {
      await ch.deleteQueue(this.names.inputs);
      await ch.deleteQueue(this.names.state);
      await ch.deleteExchange(this.names.events);
    });
  }
}

function parseWire(body: Buffer): Wire | null {
  try {
    const wire = JSON.parse(body.toString('utf8')) as Wire;
    return wire && (wire.kind === 'applied' || wire.kind === 'refused') ? wire : null;
  } catch {
    return null;
  }
}
