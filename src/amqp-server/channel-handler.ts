// One open AMQP channel: assembles publishes from their frames (method,
// content header, bodies), answers each method as rabbit_channel does, and
// calls the engine for everything about exchanges, queues and messages.
// Errors are thrown as ProtocolError; the connection decides whether that
// closes the channel or itself.
import type { Channel as EngineChannel, Delivery } from '../engine/channel.js';
import type { AmqpError, BindingDef, MessageTrace } from '../engine/types.js';
import { methodFields, type MethodFields } from '../amqp/method-fields.js';
import { BASIC_CLASS, decodeProperties, encodeContent, encodeMethod, erlangBinary, FRAME } from './codec.js';
import { guidName } from './names.js';
import { ProtocolError } from './protocol-error.js';
import type { ReplyTarget, SharedState, VhostContext } from './shared-state.js';

/** What a channel needs from its connection. */
export interface ConnectionPort {
  readonly id: number;
  readonly shared: SharedState;
  readonly ctx: VhostContext;
  readonly frameMax: number;
  readonly maxMessageBytes: number;
  readonly consumerCancelNotify: boolean;
  readonly ownedQueues: Set<string>;
  /** The logged-in user (a publish's user_id must be theirs). */
  readonly user: string;
  send(frame: Buffer): void;
  sendAll(frames: Buffer[]): void;
  /** false while the client is not reading (deliveries then wait). */
  writable(): boolean;
  /** This connection published: the memory alarm blocks it. */
  published(): void;
}

type Fields = MethodFields;

/** Content-header properties, by amqplib's names (contentType, headers, …). */
type Properties = Record<string, unknown>;

interface PendingContent {
  method: Fields;
  size?: number;
  raw?: Buffer;
  properties?: Properties;
  chunks: Buffer[];
  received: number;
}

const REPLY_TO = 'amq.rabbitmq.reply-to';

/** rabbit_amqqueue:check_exclusive_access/2. */
function lockedQueue(name: string, vhost: string): string {
  return `cannot obtain exclusive access to locked queue '${name}' in vhost '${vhost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`;
}

export class ChannelHandler implements ReplyTarget {
  private readonly engine: EngineChannel;
  private pending: PendingContent | undefined;
  /** Deliveries made while a method runs wait for its reply (consume-ok before the first deliver). */
  private held: Buffer[][] | undefined;
  private confirm = false;
  private publishSeq = 0;
  private tx: (() => void)[] | undefined;
  private lastQueue = '';
  private replyConsumer: { tag: string; key: string } | undefined;

  constructor(
    readonly number: number,
    private readonly conn: ConnectionPort,
  ) {
    this.engine = conn.ctx.engine.openChannel(
      {
        deliver: (d) => this.deliver(d),
        cancelled: (tag) => {
          if (this.conn.consumerCancelNotify) this.out([encodeMethod('BasicCancel', this.number, { consumerTag: tag, nowait: true })]);
        },
        writable: () => this.conn.writable(),
      },
      { consumerTag: () => guidName('amq.ctag'), history: false },
    );
  }

  /** A frame for this channel. */
  handle(
    type: number,
    payload: Buffer,
    method?: { id: number; classId: number; methodId: number; name: string; fields: Record<string, unknown> },
  ): void {
    if (this.pending) {
      this.continueContent(type, payload);
      return;
    }
    if (!method) throw ProtocolError.make(505, 'expected method frame, got non method frame instead');
    this.held = [];
    try {
      this.method(method.name, methodFields(method.fields), method.classId, method.methodId);
    } catch (error) {
      if (error instanceof ProtocolError && error.classId === 0) {
        throw new ProtocolError(error.code, error.text, method.classId, method.methodId);
      }
      throw error;
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const frames of held) this.conn.sendAll(frames);
    }
  }

  /** The channel goes (channel.close, or its connection): consumers cancelled, unacked requeued. */
  close(): void {
    this.pending = undefined;
    this.tx = undefined;
    if (this.replyConsumer) this.conn.shared.replyTo.delete(this.replyConsumer.key);
    this.replyConsumer = undefined;
    this.engine.close();
  }

  /** The client reads again: deliveries held back in the queues resume. */
  resume(): void {
    this.engine.resume();
  }

  // --- Methods ---------------------------------------------------------------

  private method(name: string, f: Fields, classId: number, methodId: number): void {
    const engine = this.conn.ctx.engine;
    switch (name) {
      case 'ChannelOpen':
        throw ProtocolError.make(504, "second 'channel.open' seen");
      case 'ChannelFlow':
        if (!f.active) throw ProtocolError.make(540, 'active=false');
        return this.reply('ChannelFlowOk', { active: true });
      case 'AccessRequest':
        return this.reply('AccessRequestOk', { ticket: 1 });

      case 'ExchangeDeclare':
        this.check(
          engine.declareExchange(
            {
              name: f.exchange,
              type: f.type,
              durable: f.durable,
              auto_delete: f.autoDelete,
              internal: f.internal,
              arguments: f.arguments ?? {},
            },
            { passive: f.passive },
          ),
        );
        return this.reply('ExchangeDeclareOk', {}, f.nowait);
      case 'ExchangeDelete':
        this.check(engine.deleteExchange(f.exchange, { ifUnused: f.ifUnused }));
        return this.reply('ExchangeDeleteOk', {}, f.nowait);
      case 'ExchangeBind':
      case 'ExchangeUnbind': {
        const def: BindingDef = {
          source: f.source,
          destination: f.destination,
          destination_type: 'exchange',
          routing_key: f.routingKey,
          arguments: f.arguments ?? {},
        };
        this.check(name === 'ExchangeBind' ? engine.bind(def) : engine.unbind(def));
        return this.reply(name === 'ExchangeBind' ? 'ExchangeBindOk' : 'ExchangeUnbindOk', {}, f.nowait);
      }

      case 'QueueDeclare':
        return this.declareQueue(f);
      case 'QueueBind':
      case 'QueueUnbind': {
        const queue = this.queueName(f.queue);
        this.checkExclusive(queue);
        const def: BindingDef = {
          source: f.exchange,
          destination: queue,
          routing_key: f.routingKey === '' && f.queue === '' ? queue : f.routingKey,
          arguments: f.arguments ?? {},
        };
        this.check(name === 'QueueBind' ? engine.bind(def) : engine.unbind(def));
        return this.reply(name === 'QueueBind' ? 'QueueBindOk' : 'QueueUnbindOk', {}, name === 'QueueBind' ? f.nowait : false);
      }
      case 'QueuePurge': {
        const queue = this.queueName(f.queue);
        this.checkExclusive(queue);
        const purged = this.check(engine.purgeQueue(queue));
        return this.reply('QueuePurgeOk', { messageCount: purged.messageCount }, f.nowait);
      }
      case 'QueueDelete': {
        const queue = this.queueName(f.queue);
        this.checkExclusive(queue);
        const deleted = this.check(engine.deleteQueue(queue, { ifUnused: f.ifUnused, ifEmpty: f.ifEmpty }));
        this.forgetExclusive(queue);
        return this.reply('QueueDeleteOk', { messageCount: deleted.messageCount }, f.nowait);
      }

      case 'BasicQos':
        if (f.prefetchSize !== 0) throw ProtocolError.make(540, `prefetch_size!=0 (${f.prefetchSize})`);
        this.engine.qos(f.prefetchCount, f.global);
        return this.reply('BasicQosOk', {});
      case 'BasicConsume':
        return this.consume(f);
      case 'BasicCancel':
        if (this.replyConsumer?.tag === f.consumerTag) {
          this.conn.shared.replyTo.delete(this.replyConsumer.key);
          this.replyConsumer = undefined;
        } else {
          this.engine.cancel(f.consumerTag);
        }
        return this.reply('BasicCancelOk', { consumerTag: f.consumerTag }, f.nowait);
      case 'BasicPublish':
        if (f.immediate) throw ProtocolError.make(540, 'immediate=true');
        this.pending = { method: f, chunks: [], received: 0 };
        return;
      case 'BasicGet':
        return this.basicGet(f);
      case 'BasicAck':
        return this.settle(() => this.check(this.engine.ack(f.deliveryTag, { multiple: f.multiple })));
      case 'BasicNack':
        return this.settle(() => this.check(this.engine.nack(f.deliveryTag, { multiple: f.multiple, requeue: f.requeue })));
      case 'BasicReject':
        return this.settle(() => this.check(this.engine.nack(f.deliveryTag, { multiple: false, requeue: f.requeue })));
      case 'BasicRecover':
      case 'BasicRecoverAsync':
        if (!f.requeue) throw ProtocolError.make(540, 'requeue=false');
        this.engine.recover();
        if (name === 'BasicRecover') this.reply('BasicRecoverOk', {});
        return;

      case 'ConfirmSelect':
        if (this.tx) throw ProtocolError.make(406, 'cannot switch from tx to confirm mode');
        this.confirm = true;
        return this.reply('ConfirmSelectOk', {}, f.nowait);
      case 'TxSelect':
        if (this.confirm) throw ProtocolError.make(406, 'cannot switch from confirm to tx mode');
        this.tx ??= [];
        return this.reply('TxSelectOk', {});
      case 'TxCommit': {
        if (!this.tx) throw ProtocolError.make(406, 'channel is not transactional');
        const work = this.tx;
        this.tx = [];
        for (const step of work) step();
        return this.reply('TxCommitOk', {});
      }
      case 'TxRollback':
        if (!this.tx) throw ProtocolError.make(406, 'channel is not transactional');
        this.tx = [];
        return this.reply('TxRollbackOk', {});
    }
    void classId;
    void methodId;
    throw ProtocolError.make(503, 'unimplemented method');
  }

  private declareQueue(f: Fields): void {
    const engine = this.conn.ctx.engine;
    const ctx = this.conn.ctx;
    const requested = String(f.queue).replace(/[\r\n]/g, '');
    if (requested !== '') {
      const owner = ctx.exclusive.get(requested);
      // Another connection's exclusive queue, or an exclusive flag that does not match (rabbit_amqqueue:check_exclusive_access).
      if (owner && owner.id !== this.conn.id) throw ProtocolError.make(405, lockedQueue(requested, ctx.name));
      if (!f.passive && engine.queues.has(requested) && Boolean(owner) !== Boolean(f.exclusive)) {
        throw ProtocolError.make(405, lockedQueue(requested, ctx.name));
      }
    }
    const existed = requested !== '' && engine.queues.has(requested);
    const declared = this.check(
      engine.declareQueue(
        { name: f.queue, durable: f.durable, auto_delete: f.autoDelete, arguments: f.arguments ?? {} },
        { passive: f.passive },
      ),
    );
    if (f.exclusive && !existed && !f.passive) {
      ctx.exclusive.set(declared.queue, this.conn);
      this.conn.ownedQueues.add(declared.queue);
    }
    this.lastQueue = declared.queue;
    this.reply(
      'QueueDeclareOk',
      { queue: declared.queue, messageCount: declared.messageCount, consumerCount: declared.consumerCount },
      f.nowait,
    );
  }

  private consume(f: Fields): void {
    if (f.queue === REPLY_TO) {
      // Direct Reply-to (rabbit_channel, 3.10): a no-ack pseudo-consumer, one per channel.
      if (!f.noAck) throw ProtocolError.make(406, 'reply consumer cannot acknowledge');
      if (this.replyConsumer) throw ProtocolError.make(406, 'reply consumer already set');
      const tag = f.consumerTag || guidName('amq.ctag');
      const key = `${REPLY_TO}.${guidName('amq.gen').slice('amq.gen-'.length)}`;
      this.replyConsumer = { tag, key };
      this.conn.shared.replyTo.set(key, this);
      return this.reply('BasicConsumeOk', { consumerTag: tag }, f.nowait);
    }
    const queue = this.queueName(f.queue);
    this.checkExclusive(queue);
    const consumed = this.check(this.engine.consume(queue, { noAck: f.noAck, consumerTag: f.consumerTag, exclusive: f.exclusive }));
    this.reply('BasicConsumeOk', { consumerTag: consumed.consumerTag }, f.nowait);
  }

  private basicGet(f: Fields): void {
    const queue = this.queueName(f.queue);
    this.checkExclusive(queue);
    const got = this.check(this.engine.get(queue, { noAck: f.noAck }));
    if (!got.delivery) return this.reply('BasicGetEmpty', { clusterId: '' });
    const d = got.delivery;
    const messageCount = this.conn.ctx.engine.queues.get(d.queue)?.messageCount ?? 0;
    this.out([
      encodeMethod('BasicGetOk', this.number, {
        deliveryTag: d.delivery_tag,
        redelivered: d.redelivered,
        exchange: d.exchange,
        routingKey: d.routing_key,
        messageCount,
      }),
      ...this.content(d),
    ]);
  }

  /** In a transaction, acks and nacks wait for tx.commit. */
  private settle(step: () => void): void {
    if (this.tx) this.tx.push(step);
    else step();
  }

  // --- Content ---------------------------------------------------------------

  private continueContent(type: number, payload: Buffer): void {
    const p = this.pending!;
    if (p.size === undefined) {
      if (type !== FRAME.HEADER)
        throw ProtocolError.make(505, 'expected content header for class 60, got non content header frame instead', 60, 40);
      if (payload.length < 14) throw ProtocolError.make(501, `cannot decode ${erlangBinary(payload)}`, 60, 40);
      const classId = payload.readUInt16BE(0);
      if (classId !== BASIC_CLASS)
        throw ProtocolError.make(505, `expected content header for class 60, got one for class ${classId} instead`, 60, 40);
      const size = Number(payload.readBigUInt64BE(4));
      const raw = Buffer.from(payload.subarray(12));
      try {
        p.properties = decodeProperties(raw);
      } catch {
        throw ProtocolError.make(501, `cannot decode ${erlangBinary(raw.subarray(0, 16))}`, 60, 40);
      }
      if (size > this.conn.maxMessageBytes) {
        this.pending = undefined;
        throw ProtocolError.make(406, `message size ${size} is larger than configured max size ${this.conn.maxMessageBytes}`, 60, 40);
      }
      p.size = size;
      p.raw = raw;
    } else {
      if (type !== FRAME.BODY) throw ProtocolError.make(505, 'expected content body, got non content body frame instead', 60, 40);
      p.chunks.push(Buffer.from(payload));
      p.received += payload.length;
      if (p.received > p.size) throw ProtocolError.make(501, `content body exceeds the declared size ${p.size}`, 60, 40);
    }
    if (p.received === p.size) {
      this.pending = undefined;
      const body = p.chunks.length === 1 ? p.chunks[0] : Buffer.concat(p.chunks, p.received);
      this.held = [];
      try {
        this.publish(p.method, p.properties ?? {}, p.raw, body);
      } finally {
        const held = this.held;
        this.held = undefined;
        for (const frames of held) this.conn.sendAll(frames);
      }
    }
  }

  private publish(method: Fields, properties: Properties, raw: Buffer | undefined, body: Buffer): void {
    this.conn.published();
    const exchange: string = method.exchange;
    const routingKey: string = method.routingKey;
    const seq = this.confirm ? ++this.publishSeq : 0;
    if (properties.replyTo === REPLY_TO) {
      if (!this.replyConsumer) throw ProtocolError.make(406, 'fast reply consumer does not exist', 60, 40);
      properties = { ...properties, replyTo: this.replyConsumer.key };
      raw = undefined;
    }
    const engine = this.conn.ctx.engine;
    // The exchange is checked at publish time, even inside a transaction.
    const target = engine.exchange(exchange);
    if (!target) throw ProtocolError.of(notFoundExchange(exchange, this.conn.ctx.name), 60, 40);
    // rabbit_channel's check_user_id_header: nobody publishes in another's name.
    const userId = properties.userId as string | undefined; // a short string in the codec
    if (userId !== undefined && userId !== this.conn.user)
      throw ProtocolError.make(406, `user_id property set to '${userId}' but authenticated user was '${this.conn.user}'`, 60, 40);

    const run = () => {
      if (exchange === '' && routingKey.startsWith(`${REPLY_TO}.`)) {
        // A reply to a Direct Reply-to consumer goes straight to its channel; an unknown key is dropped.
        const to = this.conn.shared.replyTo.get(routingKey);
        if (to) to.deliverReply({ exchange, routingKey, body, properties, raw });
        else if (method.mandatory) this.returnMessage(exchange, routingKey, body, properties, raw);
        if (seq) this.out([encodeMethod('BasicAck', this.number, { deliveryTag: seq, multiple: false })]);
        return;
      }
      const trace = engine.publish(
        { exchange, routing_key: routingKey, properties, body, raw_properties: raw, payload: '', mandatory: method.mandatory },
        { trace: false },
      );
      if (trace.error) throw ProtocolError.of(trace.error, 60, 40);
      if (trace.returned) this.returnMessage(exchange, routingKey, body, properties, raw);
      if (seq) this.confirmPublish(seq, trace);
    };
    if (this.tx) this.tx.push(run);
    else run();
  }

  private confirmPublish(seq: number, trace: MessageTrace): void {
    // A queue that refused the message (x-overflow reject-publish) makes it a nack.
    const refused = trace.queue_events.some((e) => e.kind === 'rejected' && e.message === trace.index);
    this.out([encodeMethod(refused ? 'BasicNack' : 'BasicAck', this.number, { deliveryTag: seq, multiple: false, requeue: false })]);
  }

  private returnMessage(exchange: string, routingKey: string, body: Buffer, properties: Properties, raw: Buffer | undefined): void {
    this.out([
      encodeMethod('BasicReturn', this.number, { replyCode: 312, replyText: 'NO_ROUTE', exchange, routingKey }),
      ...encodeContent(this.number, body, raw ? { raw } : { fields: properties }, this.conn.frameMax),
    ]);
  }

  /** ReplyTarget: a reply published to this channel's Direct Reply-to key. */
  deliverReply(message: { exchange: string; routingKey: string; body: Buffer; properties: Record<string, unknown>; raw?: Buffer }): void {
    if (!this.replyConsumer) return;
    this.out([
      encodeMethod('BasicDeliver', this.number, {
        consumerTag: this.replyConsumer.tag,
        deliveryTag: this.engine.allocateDeliveryTag(),
        redelivered: false,
        exchange: message.exchange,
        routingKey: message.routingKey,
      }),
      ...encodeContent(this.number, message.body, message.raw ? { raw: message.raw } : { fields: message.properties }, this.conn.frameMax),
    ]);
  }

  private deliver(d: Delivery): void {
    this.out([
      encodeMethod('BasicDeliver', this.number, {
        consumerTag: d.consumer_tag,
        deliveryTag: d.delivery_tag,
        redelivered: d.redelivered,
        exchange: d.exchange,
        routingKey: d.routing_key,
      }),
      ...this.content(d),
    ]);
  }

  private content(d: Delivery): Buffer[] {
    const body = d.body ?? Buffer.from(d.payload, 'utf8');
    return encodeContent(
      this.number,
      body,
      d.raw_properties ? { raw: d.raw_properties } : { fields: toAmqplibProperties(d.properties) },
      this.conn.frameMax,
    );
  }

  // --- Helpers ---------------------------------------------------------------

  private out(frames: Buffer[]): void {
    if (this.held) this.held.push(frames);
    else this.conn.sendAll(frames);
  }

  private reply(name: string, fields: Record<string, unknown>, nowait = false): void {
    if (nowait) return;
    const frame = encodeMethod(name, this.number, fields);
    // The reply goes before the deliveries the method caused.
    if (this.held) this.held.unshift([frame]);
    else this.conn.send(frame);
  }

  private check<T>(result: T | AmqpError | null | { error: AmqpError }): T {
    if (result && typeof result === 'object') {
      if ('error' in result) throw ProtocolError.of(result.error);
      if ('code' in result && 'message' in result && 'text' in result) throw ProtocolError.of(result);
    }
    return result as T;
  }

  /** "" means the queue this channel declared last (rabbit_channel:expand_queue_name_shortcut). */
  private queueName(name: string): string {
    if (name !== '') return name;
    if (this.lastQueue === '') throw ProtocolError.make(404, 'no previously declared queue');
    return this.lastQueue;
  }

  private checkExclusive(queue: string): void {
    const owner = this.conn.ctx.exclusive.get(queue);
    if (owner && owner.id !== this.conn.id) throw ProtocolError.make(405, lockedQueue(queue, this.conn.ctx.name));
  }

  private forgetExclusive(queue: string): void {
    if (this.conn.ctx.exclusive.get(queue)?.id === this.conn.id) {
      this.conn.ctx.exclusive.delete(queue);
      this.conn.ownedQueues.delete(queue);
    }
  }
}

function notFoundExchange(name: string, vhost: string): AmqpError {
  return { code: 404, text: 'NOT_FOUND', message: `NOT_FOUND - no exchange '${name}' in vhost '${vhost}'` };
}

/** Engine-made messages (the playground's own runs) use snake_case property names; the wire uses amqplib's. */
function toAmqplibProperties(p: Record<string, unknown>): Properties {
  const out: Properties = { ...p };
  const renames: Record<string, string> = {
    content_type: 'contentType',
    content_encoding: 'contentEncoding',
    delivery_mode: 'deliveryMode',
    correlation_id: 'correlationId',
    reply_to: 'replyTo',
    message_id: 'messageId',
    user_id: 'userId',
    app_id: 'appId',
  };
  for (const [from, to] of Object.entries(renames)) {
    if (from in out) {
      out[to] ??= out[from];
      delete out[from];
    }
  }
  return out;
}
