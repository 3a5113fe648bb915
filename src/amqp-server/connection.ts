// One client connection, as rabbit_reader runs it: protocol header →
// start/start-ok (login) → tune/tune-ok → open → running, with heartbeats,
// channels, and the closing handshakes. Each refusal uses RabbitMQ's code
// and text (checked against RabbitMQ 3.10.8 with test/helpers/amqp-wire.ts).
import type net from 'node:net';
import { amqpMethodName, decodeMethod, encodeMethod, FRAME, HEARTBEAT_FRAME, methodName, PROTOCOL_HEADER } from './codec.js';
import { ChannelHandler, type ConnectionPort } from './channel-handler.js';
import { contentFrame, type DecodedFrame } from './decoded-frame.js';
import { FrameReader, frameSnippet } from './frame-reader.js';
import { DropConnection, ProtocolError } from './protocol-error.js';
import { MECHANISMS } from './sasl.js';
import { BadTable, checkArgs } from './strict-args.js';
import { methodFields, type MethodFields } from '../amqp/method-fields.js';
import type { SharedState, VhostContext } from './shared-state.js';
import { authenticate, vhostKey, type Login, type UsersConfig } from './users.js';

export interface ConnectionLimits {
  /** Largest frame, overhead included (tune's frame_max; 128 KiB as RabbitMQ). */
  frameMax: number;
  /** Most channels open at once (tune's channel_max). */
  channelMax: number;
  /** Heartbeat the server proposes, in seconds. */
  heartbeat: number;
  /** Largest message body (RabbitMQ's max_message_size). */
  maxMessageBytes: number;
  /** Time to finish the handshake (RabbitMQ's handshake_timeout, 10 s). */
  handshakeTimeoutMs: number;
  /** Bytes waiting to be written to a client before its deliveries pause. */
  writeBufferBytes: number;
}

type State = 'header' | 'start' | 'tune' | 'open' | 'running' | 'closing' | 'closed';

/** RabbitMQ 3.10.8's server properties, with our name as the product. */
function serverProperties(): Record<string, unknown> {
  return {
    capabilities: {
      publisher_confirms: true,
      exchange_exchange_bindings: true,
      'basic.nack': true,
      consumer_cancel_notify: true,
      'connection.blocked': true,
      consumer_priorities: true,
      authentication_failure_close: true,
      per_consumer_qos: true,
      direct_reply_to: true,
    },
    cluster_name: 'exchange-types-playground',
    copyright: 'The exchange-types playground: an embedded broker for learning, modelled on RabbitMQ 3.10.8.',
    information: 'One process, nothing on disk: for learning. Use RabbitMQ for real work.',
    platform: `Node.js ${process.version}`,
    product: 'exchange-types playground (embedded broker)',
    version: '3.10.8',
  };
}

let nextId = 1;

export class AmqpConnection implements ConnectionPort {
  readonly id = nextId++;
  readonly ownedQueues = new Set<string>();
  private state: State = 'header';
  private readonly reader: FrameReader;
  private readonly channels = new Map<number, ChannelHandler>();
  /** Channels the server closed, waiting for the client's close-ok (frames on them are ignored). */
  private readonly closingChannels = new Set<number>();
  private login: Login | undefined;
  private vhostCtx: VhostContext | undefined;

  /** The engine vhost this connection was given at connection.open (undefined before). */
  get vhostKey(): string | undefined {
    return this.vhostCtx?.key;
  }
  private capabilities: Record<string, unknown> = {};
  frameMax: number;
  private channelMax: number;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private lastRead = Date.now();
  private lastWrite = Date.now();
  private outbox: Buffer[] = [];
  private outboxBytes = 0;
  private flushScheduled = false;
  private isPublisher = false;
  /** After a fatal frame error the rest of the stream is not read (rabbit_reader: fatal_frame_error). */
  private deaf = false;
  private blocked = false;
  /** Not reading the client while what we owe it is over writeBufferBytes (it does not read us). */
  private outputFull = false;

  constructor(
    private readonly socket: net.Socket,
    readonly shared: SharedState,
    private readonly users: UsersConfig,
    private readonly limits: ConnectionLimits,
    private readonly events: { closed(c: AmqpConnection): void; published(c: AmqpConnection): void },
    /** Told each frame received, decoded once for both (the live view watches this way). */
    private readonly watch?: (frame: DecodedFrame) => void,
  ) {
    this.frameMax = limits.frameMax;
    this.channelMax = limits.channelMax;
    this.reader = new FrameReader(limits.frameMax);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => {});
    socket.on('close', () => this.teardown());
    this.handshakeTimer = setTimeout(() => {
      if (this.state !== 'running') this.socket.destroy();
    }, limits.handshakeTimeoutMs);
  }

  // --- ConnectionPort ----------------------------------------------------------

  get ctx(): VhostContext {
    return this.vhostCtx!;
  }

  get user(): string {
    return this.login?.user ?? '';
  }

  get maxMessageBytes(): number {
    return this.limits.maxMessageBytes;
  }

  get consumerCancelNotify(): boolean {
    return this.capability('consumer_cancel_notify');
  }

  send(frame: Buffer): void {
    if (this.state === 'closed') return;
    this.outbox.push(frame);
    this.outboxBytes += frame.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  sendAll(frames: Buffer[]): void {
    for (const frame of frames) this.send(frame);
  }

  writable(): boolean {
    return this.state === 'running' && this.socket.writableLength + this.outboxBytes < this.limits.writeBufferBytes;
  }

  published(): void {
    if (this.isPublisher) return;
    this.isPublisher = true;
    this.events.published(this);
  }

  // --- Memory alarm (called by the server) -------------------------------------

  get publishes(): boolean {
    return this.isPublisher;
  }

  /** RabbitMQ's resource alarm: connection.blocked, and the socket is no longer read. */
  block(reason: string): void {
    if (this.blocked || this.state !== 'running') return;
    this.blocked = true;
    if (this.capability('connection.blocked')) this.send(encodeMethod('ConnectionBlocked', 0, { reason }));
    this.updateReading();
  }

  unblock(): void {
    if (!this.blocked) return;
    this.blocked = false;
    if (this.capability('connection.blocked') && this.state === 'running') this.send(encodeMethod('ConnectionUnblocked', 0, {}));
    this.updateReading();
  }

  /**
   * Reads the client only when neither the memory alarm nor its own unread
   * replies stop it. A client that publishes, gets or asks and never reads
   * what we answer is not read either (RabbitMQ's writer blocks its reader
   * the same way): TCP then holds it back, and we hold at most
   * writeBufferBytes (plus one frame) for it.
   */
  private updateReading(): void {
    if (this.blocked || this.outputFull) this.socket.pause();
    else if (this.state !== 'closed') this.socket.resume();
  }

  private owesTooMuch(): boolean {
    return this.socket.writableLength + this.outboxBytes >= this.limits.writeBufferBytes;
  }

  /** The server stops: connection.close 320, as RabbitMQ on shutdown. */
  shutdown(): void {
    if (this.state === 'running') this.closeConnection(ProtocolError.make(320, "broker forced connection closure with reason 'shutdown'"));
    else this.socket.destroy();
  }

  // --- Input -------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.state === 'closed' || this.deaf) return;
    this.lastRead = Date.now();
    this.reader.push(chunk);
    try {
      if (this.state === 'header') {
        const header = this.reader.take(8);
        if (!header) return;
        if (!header.equals(PROTOCOL_HEADER)) {
          // refuse_connection: our version, then close (any other bytes, HTTP included).
          this.socket.end(PROTOCOL_HEADER);
          this.state = 'closed';
          return;
        }
        this.state = 'start';
        this.send(
          encodeMethod('ConnectionStart', 0, {
            versionMajor: 0,
            versionMinor: 9,
            serverProperties: serverProperties(),
            mechanisms: Buffer.from(MECHANISMS),
            locales: Buffer.from('en_US'),
          }),
        );
      }
      this.readFrames();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Handles the frames received, while what we owe the client stays under the bound; the rest waits for 'drain'. */
  private readFrames(): void {
    for (let frame = this.nextFrame(); frame; frame = this.nextFrame()) {
      this.onFrame(frame.type, frame.channel, frame.payload);
      if (this.state === 'closed') return;
      if (this.owesTooMuch()) {
        this.outputFull = true;
        this.updateReading();
        return;
      }
    }
    // Memory stays bounded: a partial frame never grows past frame_max (checked in next()).
  }

  private nextFrame() {
    try {
      return this.reader.next();
    } catch (error) {
      this.deaf = true;
      throw error;
    }
  }

  private fail(error: unknown): void {
    if (error instanceof DropConnection) {
      this.socket.destroy();
      this.state = 'closed';
      return;
    }
    if (error instanceof ProtocolError) {
      if (this.state !== 'running' && this.state !== 'closing') {
        // Before the connection is open RabbitMQ just closes the socket.
        this.socket.destroy();
        this.state = 'closed';
        return;
      }
      this.closeConnection(error);
      return;
    }
    // A bug of ours: the client gets 541, the other connections are untouched.
    const text = error instanceof Error ? error.message : String(error);
    if (this.state === 'running') this.closeConnection(ProtocolError.make(541, text));
    else this.socket.destroy();
  }

  private onFrame(type: number, channel: number, payload: Buffer): void {
    if (this.state === 'closing') {
      // After connection.close only close/close-ok count (rabbit_reader: closing state).
      if (type !== FRAME.METHOD || channel !== 0 || payload.length < 4) return;
      const id = payload.readUInt32BE(0);
      if (methodName(id) === 'ConnectionCloseOk') this.finish();
      else if (methodName(id) === 'ConnectionClose') {
        this.send(encodeMethod('ConnectionCloseOk', 0, {}));
        this.finish();
      }
      return;
    }
    if (type === FRAME.HEARTBEAT) {
      if (channel !== 0) throw ProtocolError.make(505, frameSnippet(type, payload));
      return;
    }
    const method = type === FRAME.METHOD ? this.decode(payload) : undefined;
    this.watch?.(method ? { type: 'method', channel, name: method.name, fields: method.fields } : contentFrame(type, channel, payload));
    if (channel === 0) return this.onConnectionFrame(type, method);
    if (this.state !== 'running') throw ProtocolError.make(504, 'expected connection method');
    if (this.closingChannels.has(channel)) {
      if (method?.name === 'ChannelCloseOk') this.closingChannels.delete(channel);
      return;
    }
    const handler = this.channels.get(channel);
    if (!handler) {
      // A content frame first: rabbit_command_assembler expects a method (505) before the channel sees it.
      if (!method) throw ProtocolError.make(505, 'expected method frame, got non method frame instead');
      if (method.name !== 'ChannelOpen') {
        throw ProtocolError.make(504, "expected 'channel.open'", method.classId, method.methodId);
      }
      if (this.channels.size >= this.channelMax) {
        // rabbit_reader:create_channel raises this with method 'none': the close names no method (0/0).
        throw ProtocolError.make(
          530,
          `number of channels opened (${this.channels.size}) has reached the negotiated channel_max (${this.channelMax})`,
        );
      }
      this.channels.set(channel, new ChannelHandler(channel, this));
      this.send(encodeMethod('ChannelOpenOk', channel, { channelId: Buffer.alloc(0) }));
      return;
    }
    if (method?.name === 'ChannelClose') {
      this.channels.delete(channel);
      handler.close();
      this.send(encodeMethod('ChannelCloseOk', channel, {}));
      return;
    }
    if (method?.name === 'ChannelCloseOk') return;
    try {
      handler.handle(type, payload, method);
    } catch (error) {
      if (error instanceof ProtocolError && !error.closesConnection) {
        // A channel error closes that channel only (rabbit_channel:handle_exception).
        this.channels.delete(channel);
        handler.close();
        this.closingChannels.add(channel);
        this.send(
          encodeMethod('ChannelClose', channel, {
            replyCode: error.code,
            replyText: error.text,
            classId: error.classId,
            methodId: error.methodId,
          }),
        );
        return;
      }
      throw error;
    }
  }

  private decode(payload: Buffer): { id: number; classId: number; methodId: number; name: string; fields: Record<string, unknown> } {
    if (payload.length < 4) throw ProtocolError.make(501, `cannot decode ${frameSnippet(FRAME.METHOD, payload)}`);
    const id = payload.readUInt32BE(0);
    const name = methodName(id);
    // An unknown method id: RabbitMQ drops the socket without a close.
    if (!name) throw new DropConnection();
    const classId = id >>> 16;
    const methodId = id & 0xffff;
    const args = payload.subarray(4);
    try {
      checkArgs(id, args);
      return { id, classId, methodId, name, fields: decodeMethod(id, args) };
    } catch (error) {
      // A field table that does not parse crashes the reader on RabbitMQ: no close, the socket just goes.
      if (error instanceof BadTable) throw new DropConnection();
      const shown = args.subarray(0, 16);
      throw ProtocolError.make(501, `cannot decode ${erlang(shown)}`, classId, methodId);
    }
  }

  private onConnectionFrame(type: number, method: ReturnType<AmqpConnection['decode']> | undefined): void {
    if (!method) throw ProtocolError.make(505, 'expected method frame, got non method frame instead');
    const f = connectionFields(method.fields);
    const unexpected = () =>
      ProtocolError.make(504, `unexpected method in connection state ${this.state}`, method.classId, method.methodId);
    switch (this.state) {
      case 'start': {
        if (method.name !== 'ConnectionStartOk') throw unexpected();
        this.capabilities = (f.clientProperties?.capabilities as Record<string, unknown>) ?? {};
        const login = authenticate(this.users, f.mechanism, f.response ?? Buffer.alloc(0), this.socket.remoteAddress);
        if (login === 'bad-mechanism') {
          throw ProtocolError.make(540, `unsupported authentication mechanism '${f.mechanism}'`);
        }
        if (!login) {
          // authentication_failure_close: the client hears 403 before the socket closes.
          if (this.capability('authentication_failure_close')) {
            this.send(
              encodeMethod('ConnectionClose', 0, {
                replyCode: 403,
                replyText: `ACCESS_REFUSED - Login was refused using authentication mechanism ${f.mechanism}. For details see the broker logfile.`,
                classId: 0,
                methodId: 0,
              }),
            );
            this.flush();
          }
          this.socket.end();
          this.state = 'closed';
          return;
        }
        this.login = login;
        this.state = 'tune';
        this.send(
          encodeMethod('ConnectionTune', 0, {
            channelMax: this.limits.channelMax,
            frameMax: this.limits.frameMax,
            heartbeat: this.limits.heartbeat,
          }),
        );
        return;
      }
      case 'tune': {
        if (method.name !== 'ConnectionTuneOk') throw unexpected();
        // rabbit_reader's validate_negotiated_integer_value: below the minimum, above ours, or 0 ("no limit")
        // when we have one, the client is refused (before the connection is open: the socket closes).
        const tooFar = (client: number, min: number, server: number) =>
          (client !== 0 && client < min) || (server !== 0 && (client === 0 || client > server));
        if (tooFar(f.frameMax, 4096, this.limits.frameMax))
          throw ProtocolError.make(530, `negotiated frame_max = ${f.frameMax} out of range`);
        if (tooFar(f.channelMax, 1, this.limits.channelMax))
          throw ProtocolError.make(530, `negotiated channel_max = ${f.channelMax} out of range`);
        const frameMax = f.frameMax || this.limits.frameMax;
        const channelMax = f.channelMax || this.limits.channelMax;
        this.frameMax = frameMax;
        this.channelMax = channelMax;
        this.reader.frameMax = frameMax;
        this.startHeartbeat(f.heartbeat);
        this.state = 'open';
        return;
      }
      case 'open': {
        if (method.name !== 'ConnectionOpen') throw unexpected();
        const key = vhostKey(this.users, this.login!.user, f.virtualHost);
        const ctx = key === undefined ? undefined : this.shared.vhost(key, f.virtualHost);
        this.state = 'running';
        if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
        if (!ctx) throw ProtocolError.make(530, `vhost ${f.virtualHost} not found`, method.classId, method.methodId);
        this.vhostCtx = ctx;
        this.send(encodeMethod('ConnectionOpenOk', 0, { knownHosts: '' }));
        return;
      }
      case 'running':
        if (method.name === 'ConnectionClose') {
          this.send(encodeMethod('ConnectionCloseOk', 0, {}));
          this.finish();
          return;
        }
        if (method.name === 'ConnectionCloseOk') return;
        throw unexpected();
    }
  }

  // --- Closing -------------------------------------------------------------------

  private closeConnection(error: ProtocolError): void {
    this.closeChannels();
    this.state = 'closing';
    this.send(
      encodeMethod('ConnectionClose', 0, {
        replyCode: error.code,
        replyText: error.text,
        classId: error.classId,
        methodId: error.methodId,
      }),
    );
    // The client has a moment to answer close-ok; then the socket goes anyway.
    setTimeout(() => this.finish(), 1000).unref();
  }

  /** After the close handshake: flush what is pending, then end the socket. */
  private finish(): void {
    if (this.state === 'closed') return;
    this.closeChannels();
    this.flush();
    this.state = 'closed';
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private closeChannels(): void {
    for (const handler of this.channels.values()) handler.close();
    this.channels.clear();
    // Exclusive queues go with their connection.
    if (this.vhostCtx) {
      for (const name of this.ownedQueues) {
        this.vhostCtx.exclusive.delete(name);
        this.vhostCtx.engine.deleteQueue(name);
      }
    }
    this.ownedQueues.clear();
  }

  private teardown(): void {
    this.closeChannels();
    this.state = 'closed';
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.outbox = [];
    this.outboxBytes = 0;
    this.events.closed(this);
  }

  // --- Output and heartbeats ------------------------------------------------------

  private flush(): void {
    this.flushScheduled = false;
    if (!this.outbox.length || this.socket.destroyed) return;
    const frames = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    this.lastWrite = Date.now();
    this.socket.cork();
    for (const frame of frames) this.socket.write(frame);
    this.socket.uncork();
  }

  private onDrain(): void {
    if (this.outputFull && !this.owesTooMuch()) {
      this.outputFull = false;
      try {
        this.readFrames();
      } catch (error) {
        this.fail(error);
      }
      this.updateReading();
    }
    for (const handler of this.channels.values()) handler.resume();
  }

  /** Heartbeats every interval when nothing else was sent; two missed from the client close it (rabbit_heartbeat). */
  private startHeartbeat(seconds: number): void {
    if (!seconds) return;
    const ms = seconds * 1000;
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      if (now - this.lastWrite >= ms / 2) {
        this.send(HEARTBEAT_FRAME);
      }
      if (now - this.lastRead > ms * 2) {
        this.closeChannels();
        this.socket.destroy();
      }
    }, ms / 2);
    this.heartbeatTimer.unref();
  }

  private capability(name: string): boolean {
    return this.capabilities[name] === true;
  }
}

function erlang(bytes: Buffer): string {
  return bytes.length === 0 ? '<<>>' : `<<${[...bytes].join(',')}>>`;
}

export { amqpMethodName };

/** connection.* methods' arguments beside the common ones (amqplib's names). */
interface ConnectionFields extends MethodFields {
  frameMax: number;
  channelMax: number;
  heartbeat: number;
}

function connectionFields(fields: unknown): ConnectionFields {
  return methodFields(fields) as ConnectionFields;
}
