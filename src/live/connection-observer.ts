// Watches one AMQP connection from the side — the frames each peer sent — and
// tells the live view what happened, in LiveEvents. It never changes a byte:
// the relay forwards frames unchanged, the listener has already answered.
//
// AMQP 0-9-1 is synchronous per channel: a request (queue.declare) is answered
// by its -ok before the next request on that channel, unless it was sent with
// nowait. So each channel keeps its requests in order, and an -ok settles the
// oldest one. Content (publish, deliver, get-ok, return) is a method frame,
// then a header frame, then body frames up to the header's size.
import { methodFields } from '../amqp/method-fields.js';
import type { Frame, MethodFrame } from './amqp-codec.js';
import { bodyPreview, type LiveEvent } from './events.js';
import type { FieldTable } from '../engine/types.js';

type Emit = (vhost: string, event: LiveEvent) => void;

interface Content {
  method: MethodFrame;
  size: number;
  properties: Record<string, unknown>;
  chunks: Buffer[];
  received: number;
  /** For get-ok: the basic.get it answers (its queue and ack mode). */
  get?: { queue: string; noAck: boolean };
}

interface ChannelState {
  pending: MethodFrame[];
  /** consumer tag → queue and ack mode */
  consumers: Map<string, { queue: string; noAck: boolean }>;
  clientContent?: Content;
}

/** Bodies bigger than this are previewed from their first bytes only. */
const PREVIEW_BYTES = 4096;

export class ConnectionObserver {
  private vhost: string | null = null;
  private user = '';
  private client = '';
  private connectionName: string | null = null;
  private readonly channels = new Map<number, ChannelState>();
  private closed = false;

  constructor(
    readonly id: string,
    private readonly address: string,
    private readonly emit: Emit,
    /** Where the broker really put the connection (the embedded listener knows); else the name the client typed. */
    private readonly vhostKey: () => string | undefined = () => undefined,
  ) {}

  fromClient(frame: Frame): void {
    if (frame.type === 'heartbeat') return;
    if (frame.type !== 'method') return this.content(frame);
    const { name, fields, channel } = frame;
    const f = methodFields(fields);
    switch (name) {
      case 'ConnectionStartOk':
        this.user = plainUser(f.mechanism, f.response) ?? '';
        this.client = clientName(f.clientProperties);
        this.connectionName = givenName(f.clientProperties);
        return;
      case 'ConnectionOpen':
        this.vhost = String(f.virtualHost || '/');
        return;
      case 'ConnectionClose':
        return this.connectionClosed(f.replyCode === 200 ? undefined : f);
      case 'ChannelClose':
        return this.channelClosed(channel, f.replyCode === 200 ? undefined : f);
      case 'BasicPublish':
        this.state(channel).clientContent = { method: frame, size: 0, properties: {}, chunks: [], received: 0 };
        return;
      case 'BasicAck':
        return this.send({
          kind: 'settled',
          how: 'ack',
          deliveryTag: f.deliveryTag,
          multiple: !!f.multiple,
          requeue: false,
          ...this.ref(channel),
        });
      case 'BasicNack':
        return this.send({
          kind: 'settled',
          how: 'nack',
          deliveryTag: f.deliveryTag,
          multiple: !!f.multiple,
          requeue: f.requeue !== false,
          ...this.ref(channel),
        });
      case 'BasicReject':
        return this.send({
          kind: 'settled',
          how: 'reject',
          deliveryTag: f.deliveryTag,
          multiple: false,
          requeue: f.requeue !== false,
          ...this.ref(channel),
        });
      default:
        if (SYNCHRONOUS.has(name)) {
          if (f.nowait) this.answered(frame, null);
          else this.state(channel).pending.push(frame);
        }
    }
  }

  fromServer(frame: Frame): void {
    if (frame.type === 'heartbeat') return;
    if (frame.type !== 'method') return;
    const { name, fields, channel } = frame;
    const f = methodFields(fields);
    switch (name) {
      case 'ConnectionOpenOk':
        this.vhost = this.vhostKey() ?? this.vhost;
        return this.send({
          kind: 'connection-opened',
          connection: this.id,
          user: this.user,
          client: this.client,
          name: this.connectionName,
          address: this.address,
        });
      case 'ConnectionClose':
        return this.connectionClosed(f);
      case 'ConnectionBlocked':
        return this.send({ kind: 'blocked', connection: this.id, reason: String(f.reason ?? '') });
      case 'ConnectionUnblocked':
        return this.send({ kind: 'unblocked', connection: this.id });
      case 'ChannelOpenOk':
        this.channels.set(channel, { pending: [], consumers: new Map() });
        return this.send({ kind: 'channel-opened', ...this.ref(channel) });
      case 'ChannelClose':
        return this.channelClosed(channel, f);
      // What the broker sends a message with says all the view needs: told at once, its content is not read.
      case 'BasicDeliver':
      case 'BasicReturn':
        return this.contentComplete({ method: frame, size: 0, properties: {}, chunks: [], received: 0 }, this.state(channel));
      case 'BasicGetOk': {
        const request = this.state(channel).pending.shift()?.fields as { queue?: string; noAck?: boolean } | undefined;
        const get = { queue: String(request?.queue ?? ''), noAck: !!request?.noAck };
        return this.contentComplete({ method: frame, size: 0, properties: {}, chunks: [], received: 0, get }, this.state(channel));
      }
      case 'BasicGetEmpty':
        this.state(channel).pending.shift();
        return;
      case 'BasicCancel': {
        // The broker cancels a consumer whose queue went away (consumer_cancel_notify).
        this.state(channel).consumers.delete(f.consumerTag);
        return this.send({ kind: 'consumer-removed', tag: f.consumerTag, byBroker: true, ...this.ref(channel) });
      }
      default:
        if (name.endsWith('Ok')) {
          const request = this.state(channel).pending.shift();
          if (request) this.answered(request, frame);
        }
    }
  }

  /** The socket ended (either side): whatever was open is gone. */
  ended(): void {
    this.connectionClosed(undefined);
  }

  private answered(request: MethodFrame, ok: MethodFrame | null): void {
    const r = methodFields(request.fields);
    const o = methodFields(ok?.fields);
    const args = r.arguments ?? {};
    switch (request.name) {
      case 'ExchangeDeclare':
        return this.send({
          kind: 'exchange-declared',
          name: r.exchange,
          type: r.type,
          durable: !!r.durable,
          autoDelete: !!r.autoDelete,
          internal: !!r.internal,
          arguments: args,
        });
      case 'ExchangeDelete':
        return this.send({ kind: 'exchange-deleted', name: r.exchange });
      case 'QueueDeclare':
        return this.send({
          kind: 'queue-declared',
          connection: this.id,
          name: ok ? o.queue : r.queue,
          durable: !!r.durable,
          exclusive: !!r.exclusive,
          autoDelete: !!r.autoDelete,
          arguments: args,
          messages: ok ? o.messageCount : 0,
          consumers: ok ? o.consumerCount : 0,
        });
      case 'QueueDelete':
        return this.send({ kind: 'queue-deleted', name: r.queue });
      case 'QueuePurge':
        return this.send({ kind: 'queue-purged', name: r.queue });
      case 'QueueBind':
      case 'QueueUnbind':
        return this.send({
          kind: request.name === 'QueueBind' ? 'bound' : 'unbound',
          source: r.exchange,
          destination: r.queue,
          destinationType: 'queue',
          bindingKey: r.routingKey ?? '',
          arguments: args,
        });
      case 'ExchangeBind':
      case 'ExchangeUnbind':
        return this.send({
          kind: request.name === 'ExchangeBind' ? 'bound' : 'unbound',
          source: r.source,
          destination: r.destination,
          destinationType: 'exchange',
          bindingKey: r.routingKey ?? '',
          arguments: args,
        });
      case 'BasicConsume': {
        const tag = ok ? String(o.consumerTag) : String(r.consumerTag);
        this.state(request.channel).consumers.set(tag, { queue: r.queue, noAck: !!r.noAck });
        return this.send({ kind: 'consumer-added', tag, queue: r.queue, noAck: !!r.noAck, ...this.ref(request.channel) });
      }
      case 'BasicCancel':
        this.state(request.channel).consumers.delete(r.consumerTag);
        return this.send({ kind: 'consumer-removed', tag: r.consumerTag, byBroker: false, ...this.ref(request.channel) });
    }
  }

  /** A publish's content (the broker's side is told from its methods alone). */
  private content(frame: Exclude<Frame, MethodFrame>): void {
    if (frame.type === 'heartbeat') return;
    const state = this.state(frame.channel);
    const content = state.clientContent;
    if (!content) return;
    if (frame.type === 'header') {
      content.size = frame.size;
      content.properties = frame.properties;
    } else {
      if (content.received < PREVIEW_BYTES) content.chunks.push(frame.content);
      content.received += frame.content.length;
    }
    if (content.received < content.size) return;
    state.clientContent = undefined;
    this.contentComplete(content, state);
  }

  private contentComplete(content: Content, state: ChannelState): void {
    const { method, properties } = content;
    const f = methodFields(method.fields);
    const ref = this.ref(method.channel);
    switch (method.name) {
      case 'BasicPublish':
        return this.send({
          kind: 'published',
          exchange: f.exchange ?? '',
          routingKey: f.routingKey ?? '',
          mandatory: !!f.mandatory,
          headers: (properties.headers ?? {}) as FieldTable,
          preview: bodyPreview(Buffer.concat(content.chunks).subarray(0, PREVIEW_BYTES)),
          size: content.size,
          ...ref,
        });
      case 'BasicDeliver': {
        const consumer = state.consumers.get(f.consumerTag);
        return this.send({
          kind: 'delivered',
          via: 'consume',
          tag: f.consumerTag,
          deliveryTag: f.deliveryTag,
          redelivered: !!f.redelivered,
          exchange: f.exchange,
          routingKey: f.routingKey,
          queue: consumer?.queue ?? '',
          noAck: consumer?.noAck ?? false,
          ...ref,
        });
      }
      case 'BasicGetOk': {
        const get = content.get;
        return this.send({
          kind: 'delivered',
          via: 'get',
          tag: null,
          deliveryTag: f.deliveryTag,
          redelivered: !!f.redelivered,
          exchange: f.exchange,
          routingKey: f.routingKey,
          queue: get?.queue ?? '',
          noAck: get?.noAck ?? false,
          queueMessages: f.messageCount,
          ...ref,
        });
      }
      case 'BasicReturn':
        return this.send({
          kind: 'returned',
          code: f.replyCode,
          text: f.replyText,
          exchange: f.exchange,
          routingKey: f.routingKey,
          ...ref,
        });
    }
  }

  private channelClosed(channel: number, error: { replyCode?: number; replyText?: string } | undefined): void {
    if (!this.channels.delete(channel)) return;
    this.send({ kind: 'channel-closed', code: error?.replyCode, text: error?.replyText, ...this.ref(channel) });
  }

  private connectionClosed(error: { replyCode?: number; replyText?: string } | undefined): void {
    if (this.closed) return;
    this.closed = true;
    for (const channel of [...this.channels.keys()]) this.channelClosed(channel, undefined);
    if (this.vhost !== null) this.send({ kind: 'connection-closed', connection: this.id, code: error?.replyCode, text: error?.replyText });
  }

  private state(channel: number): ChannelState {
    let state = this.channels.get(channel);
    if (!state) this.channels.set(channel, (state = { pending: [], consumers: new Map() }));
    return state;
  }

  private ref(channel: number) {
    return { connection: this.id, channel };
  }

  private send(event: LiveEvent): void {
    if (this.vhost !== null) this.emit(this.vhost, event);
  }
}

/** Requests answered by an -ok (unless nowait), whose answer the view needs. */
const SYNCHRONOUS = new Set([
  'ExchangeDeclare',
  'ExchangeDelete',
  'ExchangeBind',
  'ExchangeUnbind',
  'QueueDeclare',
  'QueueBind',
  'QueueUnbind',
  'QueuePurge',
  'QueueDelete',
  'BasicQos',
  'BasicConsume',
  'BasicCancel',
  'BasicGet',
  'BasicRecover',
  'ConfirmSelect',
  'TxSelect',
  'TxCommit',
  'TxRollback',
]);

/** PLAIN's response is "\0user\0password": the user, never the password. */
function plainUser(mechanism: unknown, response: unknown): string | null {
  if (mechanism !== 'PLAIN' || !Buffer.isBuffer(response)) return null;
  return response.toString('utf8').split('\0')[1] ?? null;
}

/** The connection_name client property a program gave itself, if any (what /live labels its consumers with). */
function givenName(props: unknown): string | null {
  const name = ((props ?? {}) as Record<string, unknown>).connection_name;
  return typeof name === 'string' && name ? name.slice(0, 100) : null;
}

function clientName(props: unknown): string {
  const p = (props ?? {}) as Record<string, unknown>;
  const name = p.connection_name ?? p.product;
  return typeof name === 'string' && name ? name.slice(0, 100) : 'AMQP client';
}
