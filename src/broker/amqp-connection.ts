// The server's single AMQP connection (design: one per process, channels
// reused, never a connection per message). It reconnects by itself after the
// broker goes away and tells listeners: 'connected', 'disconnected'.
//
// Two faults leave a TCP connection open but useless, and both would make a
// request wait for ever: RabbitMQ's memory or disk alarm ('blocked': it stops
// reading from publishing connections) and a network that stops forwarding
// without closing ('silent': nothing arrives, not even heartbeats). While
// either lasts, current() refuses at once, and bounded() ends every
// operation already waiting, so a request answers 503 saying why.
import { EventEmitter } from 'node:events';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { redactUrl } from '../config.js';

export interface AmqpConnectionOptions {
  /** TLS options for amqps:// (ca, cert, key, servername, rejectUnauthorized). */
  socketOptions?: Record<string, unknown>;
  /** First delay before reconnecting; doubles up to maxReconnectDelayMs. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Name shown in the management UI's connection list. */
  connectionName?: string;
  /** AMQP heartbeat asked of the broker, in seconds (0: none). RabbitMQ's default of 60 s would let a dead network go unnoticed for minutes. */
  heartbeatS?: number;
  /** How long an operation (a run, a play, a chat call) may wait with nothing coming from the broker but heartbeats, before it answers 503. */
  operationTimeoutMs?: number;
}

/** Why the broker cannot be used: the page words each (broker.error.<fault> in the common catalog). */
export type BrokerFault = 'unreachable' | 'blocked' | 'silent' | 'timeout';

/**
 * channel.close() that also settles when the connection drops meanwhile:
 * amqplib 2.3 leaves close()'s promise pending for ever if the connection
 * closes before the broker's close-ok (the channel only emits 'close'), and
 * whatever awaited it — a scenario play, a chat request — would hang.
 */
export function closeChannel(channel: Channel): Promise<void> {
  return new Promise((resolve) => {
    channel.once('close', () => resolve());
    channel.close().then(
      () => resolve(),
      () => resolve(),
    );
  });
}

/** Thrown when the broker cannot be used right now; maps to HTTP 503. */
export class BrokerUnavailableError extends Error {
  constructor(
    message: string,
    readonly fault: BrokerFault = 'unreachable',
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/** The default heartbeat (AMQP_HEARTBEAT) and operation bound (BROKER_TIMEOUT): a request answers within 15 s whatever the broker does. */
export const DEFAULT_HEARTBEAT_S = 10;
export const DEFAULT_OPERATION_TIMEOUT_MS = 12_000;

export class AmqpConnection extends EventEmitter {
  private model: ChannelModel | null = null;
  private closing = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay: number;
  private lastError: string | null = null;
  /** connection.blocked's reason while RabbitMQ's alarm is on, else null. */
  private blockedReason: string | null = null;
  /** When the last frame arrived from the broker (the silence watchdog reads it). */
  private lastHeardAt = 0;
  /** When the last frame other than a heartbeat arrived: the broker is answering, not just alive. */
  private lastAnsweredAt = 0;
  private silent = false;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    readonly url: string,
    private readonly options: AmqpConnectionOptions = {},
  ) {
    super();
    // Every service of the process (runs, scenario plays, the chat) listens
    // for 'connected'/'disconnected' on this one connection: more than 10 is normal.
    this.setMaxListeners(100);
    this.reconnectDelay = options.reconnectDelayMs ?? 500;
  }

  get connected(): boolean {
    return this.model !== null;
  }

  /** What /healthz reports: connected and usable, blocked by an alarm, silent (heartbeats missed), or disconnected. */
  get state(): 'connected' | 'blocked' | 'silent' | 'disconnected' {
    if (!this.model) return 'disconnected';
    if (this.silent) return 'silent';
    if (this.blockedReason !== null) return 'blocked';
    return 'connected';
  }

  get heartbeatS(): number {
    return this.options.heartbeatS ?? DEFAULT_HEARTBEAT_S;
  }

  get redactedUrl(): string {
    return redactUrl(this.url);
  }

  /** Why the last connection attempt failed, in words (or null). */
  get error(): string | null {
    return this.lastError;
  }

  /** First connection: rejects with a clear message if the broker is unreachable. */
  async start(timeoutMs = 5000): Promise<void> {
    await this.connectOnce(timeoutMs);
  }

  /** The live, usable connection, or a BrokerUnavailableError saying why not. */
  current(): ChannelModel {
    if (!this.model) {
      throw new BrokerUnavailableError(
        `RabbitMQ at ${this.redactedUrl} is not reachable right now${this.lastError ? ` (${this.lastError})` : ''}; retrying`,
      );
    }
    const fault = this.fault();
    if (fault) throw fault;
    return this.model;
  }

  /** The reason the open connection cannot serve now (blocked, silent), or null. */
  private fault(): BrokerUnavailableError | null {
    if (this.silent) {
      const s = Math.round((Date.now() - this.lastHeardAt) / 1000);
      return new BrokerUnavailableError(
        `RabbitMQ at ${this.redactedUrl} has not answered for ${s} s (heartbeats missed: the network or the broker is down); retrying`,
        'silent',
        { s },
      );
    }
    if (this.blockedReason !== null) {
      return new BrokerUnavailableError(
        `RabbitMQ refuses publishes: its memory or disk alarm is on (${this.blockedReason}); waiting for it to clear`,
        'blocked',
        { reason: this.blockedReason },
      );
    }
    return null;
  }

  /**
   * Waits for a broker operation, but not past the moment the connection is
   * found blocked, silent or closed, nor once the broker has answered nothing
   * (heartbeats aside) for the operation bound: then a BrokerUnavailableError
   * saying which. A long run whose replies keep coming is not cut short. The
   * operation itself goes on (amqplib cannot cancel it) and settles later.
   * Also a BrokerUnavailableError at once, without starting `work`, when the
   * connection is known to be blocked or silent.
   */
  bounded<T>(work: () => Promise<T>, timeoutMs = this.options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS): Promise<T> {
    // Known blocked or silent: refused before anything is sent (a publish
    // written now would be delivered once the alarm clears, then again when
    // the page retries it).
    const known = this.fault();
    if (known) return Promise.reject(known);
    const operation = work();
    return new Promise<T>((resolve, reject) => {
      const stop = (err: BrokerUnavailableError) => {
        cleanUp();
        reject(err);
      };
      const onFault = () => {
        const fault = this.fault();
        if (fault) stop(fault);
      };
      const onDisconnected = () =>
        stop(new BrokerUnavailableError(`lost the connection to RabbitMQ (${this.lastError ?? 'closed'}); retrying`));
      const startedAt = Date.now();
      const timer = setInterval(
        () => {
          if (Date.now() - Math.max(startedAt, this.lastAnsweredAt) <= timeoutMs) return;
          const s = Math.round(timeoutMs / 1000);
          stop(new BrokerUnavailableError(`RabbitMQ did not answer for ${s} s; try again in a moment`, 'timeout', { s }));
        },
        Math.min(1000, timeoutMs / 4),
      );
      const cleanUp = () => {
        clearInterval(timer);
        this.off('blocked', onFault);
        this.off('silent', onFault);
        this.off('disconnected', onDisconnected);
      };
      this.on('blocked', onFault);
      this.on('silent', onFault);
      this.on('disconnected', onDisconnected);
      operation.then(
        (value) => {
          cleanUp();
          resolve(value);
        },
        (err: unknown) => {
          cleanUp();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  async createChannel(): Promise<Channel> {
    const channel = await this.opening(this.current().createChannel());
    channel.on('error', () => {}); // channel errors also arrive as rejected calls
    return channel;
  }

  async createConfirmChannel(): Promise<ConfirmChannel> {
    const channel = await this.opening(this.current().createConfirmChannel());
    channel.on('error', () => {});
    return channel;
  }

  /** A channel that could not open because the connection went meanwhile: "broker away" (503), not an internal error. */
  private async opening<C>(open: Promise<C>): Promise<C> {
    try {
      return await open;
    } catch (err) {
      if (!this.connected)
        throw new BrokerUnavailableError(`RabbitMQ went away while opening a channel (${(err as Error).message}); retrying`);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopWatchdog();
    const model = this.model;
    this.model = null;
    if (model) await model.close().catch(() => {});
  }

  private async connectOnce(timeoutMs: number): Promise<void> {
    // noDelay: amqplib leaves Nagle on, and a publish (method, header, body
    // frames) then waits for the delayed ACK of the previous write — measured
    // +30 ms per run of one-at-a-time publishes, +40 ms to reopen channels.
    const socketOptions = { timeout: timeoutMs, noDelay: true, ...this.options.socketOptions };
    let model: ChannelModel;
    try {
      model = await amqp.connect(withHeartbeat(this.url, this.heartbeatS), {
        ...socketOptions,
        clientProperties: { connection_name: this.options.connectionName ?? 'exchange-types-playground' },
      });
    } catch (err) {
      this.lastError = describeConnectError(err);
      throw new BrokerUnavailableError(`cannot connect to RabbitMQ at ${this.redactedUrl}: ${this.lastError}`);
    }
    if (this.closing) {
      await model.close().catch(() => {});
      return;
    }
    // An unhandled 'error' would kill the process; a broker-side close
    // (320 CONNECTION_FORCED) emits only 'close' (stack-notes).
    model.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    model.on('blocked', (reason?: string) => {
      if (this.model !== model) return;
      this.blockedReason = reason || 'resource alarm';
      this.emit('blocked', this.blockedReason);
    });
    model.on('unblocked', () => {
      if (this.model !== model) return;
      this.blockedReason = null;
      this.emit('unblocked');
    });
    model.on('close', (err?: Error) => {
      if (this.model !== model) return;
      this.model = null;
      this.blockedReason = null;
      this.stopWatchdog();
      if (err) this.lastError = err.message;
      if (!this.closing) {
        this.emit('disconnected', this.lastError);
        this.scheduleReconnect();
      }
    });
    this.model = model;
    this.lastError = null;
    this.blockedReason = null;
    this.reconnectDelay = this.options.reconnectDelayMs ?? 500;
    this.startWatchdog(model);
    this.emit('connected');
  }

  /**
   * Silence: the broker sends a heartbeat every half interval, so nothing at
   * all for a whole interval means the network or the broker is gone.
   * amqplib closes the connection only after two missed intervals; until
   * then requests would wait, so they are refused as soon as one is missed.
   */
  private startWatchdog(model: ChannelModel): void {
    this.lastHeardAt = this.lastAnsweredAt = Date.now();
    // amqplib reads every frame through recvFrame(); counted here, passed on untouched.
    const connection = (model as unknown as { connection: { recvFrame: () => unknown } }).connection;
    const recvFrame = connection.recvFrame.bind(connection);
    connection.recvFrame = () => {
      const frame = recvFrame();
      if (frame) {
        this.lastHeardAt = Date.now();
        if (!isHeartbeat(frame)) this.lastAnsweredAt = this.lastHeardAt;
        if (this.silent) this.silent = false;
      }
      return frame;
    };
    const heartbeatMs = this.heartbeatS * 1000;
    if (heartbeatMs <= 0) return;
    this.watchdog = setInterval(
      () => {
        if (!this.silent && Date.now() - this.lastHeardAt > heartbeatMs) {
          this.silent = true;
          this.lastError = `no heartbeat for ${this.heartbeatS} s`;
          this.emit('silent');
        }
      },
      Math.min(1000, heartbeatMs / 4),
    );
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.silent = false;
  }

  private scheduleReconnect(): void {
    if (this.closing || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, this.options.maxReconnectDelayMs ?? 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connectOnce(5000).catch(() => this.scheduleReconnect());
    }, delay);
    this.reconnectTimer.unref();
  }
}

/** amqplib's decoded heartbeat frame is { channel: 0 } and nothing else; every other frame has a method id or a channel. */
function isHeartbeat(frame: unknown): boolean {
  const f = frame as { channel?: number; id?: unknown };
  return f.channel === 0 && f.id === undefined;
}

/** The URL with ?heartbeat=N unless it sets one itself (amqplib reads it from there). */
export function withHeartbeat(url: string, heartbeatS: number): string {
  try {
    const u = new URL(url);
    if (u.searchParams.has('heartbeat')) return url;
    u.searchParams.set('heartbeat', String(heartbeatS));
    return u.toString();
  } catch {
    return url; // amqplib will say what is wrong with it
  }
}

function describeConnectError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { code?: string };
  if (e?.code === 'ECONNREFUSED') return 'connection refused (is RabbitMQ running?)';
  if (e?.code === 'ENOTFOUND') return 'host not found';
  if (e?.code === 'ETIMEDOUT' || /timeout/i.test(String(e?.message))) return 'timed out';
  if (/ACCESS_REFUSED|403/.test(String(e?.message))) return 'access refused (check user and password)';
  if (e?.code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(e.code)) {
    return `TLS: the server's certificate is not trusted (${e.code}); give its CA in AMQP_CA_FILE`;
  }
  return e?.message ?? String(err);
}
