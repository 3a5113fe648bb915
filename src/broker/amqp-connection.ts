// The server's single AMQP connection (design: one per process, channels
// reused, never a connection per message). It reconnects by itself after the
// broker goes away and tells listeners: 'connected', 'disconnected'.
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
}

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
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

export class AmqpConnection extends EventEmitter {
  private model: ChannelModel | null = null;
  private closing = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay: number;
  private lastError: string | null = null;

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

  /** The live connection, or a BrokerUnavailableError saying why not. */
  current(): ChannelModel {
    if (!this.model) {
      throw new BrokerUnavailableError(
        `RabbitMQ at ${this.redactedUrl} is not reachable right now${this.lastError ? ` (${this.lastError})` : ''}; retrying`,
      );
    }
    return this.model;
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
      model = await amqp.connect(this.url, {
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
    model.on('close', (err?: Error) => {
      if (this.model !== model) return;
      this.model = null;
      if (err) this.lastError = err.message;
      if (!this.closing) {
        this.emit('disconnected', this.lastError);
        this.scheduleReconnect();
      }
    });
    this.model = model;
    this.lastError = null;
    this.reconnectDelay = this.options.reconnectDelayMs ?? 500;
    this.emit('connected');
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
