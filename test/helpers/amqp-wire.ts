// A raw AMQP 0-9-1 client for protocol tests: sends exact bytes and frames
// (also wrong ones) and collects what the server answers, decoded, until the
// socket closes or a quiet period passes. The same script runs against the
// listener and against RabbitMQ, and the two transcripts are compared.
import net from 'node:net';
import { decodeMethod, encodeMethod, FRAME, methodName, PROTOCOL_HEADER } from '../../src/amqp-server/codec.js';

export interface WireFrame {
  type: number;
  channel: number;
  method?: string;
  fields?: Record<string, unknown>;
  size?: number;
}

export class WireClient {
  readonly frames: WireFrame[] = [];
  raw = Buffer.alloc(0);
  closed = false;
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.raw = Buffer.concat([this.raw, chunk]);
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Header, PLAIN login, tune-ok (echoing the server's numbers unless given), open. */
  static async open(
    port: number,
    options: { user?: string; password?: string; vhost?: string; frameMax?: number; heartbeat?: number } = {},
  ): Promise<WireClient> {
    const c = await WireClient.connect(port);
    c.send(PROTOCOL_HEADER);
    await c.waitFor('ConnectionStart');
    const response = Buffer.from(`\0${options.user ?? 'guest'}\0${options.password ?? 'guest'}`);
    c.method('ConnectionStartOk', 0, {
      clientProperties: { capabilities: { consumer_cancel_notify: true } },
      mechanism: 'PLAIN',
      response,
      locale: 'en_US',
    });
    const tune = await c.waitFor('ConnectionTune');
    c.method('ConnectionTuneOk', 0, {
      channelMax: tune.fields!.channelMax,
      frameMax: options.frameMax ?? tune.fields!.frameMax,
      heartbeat: options.heartbeat ?? 0,
    });
    c.method('ConnectionOpen', 0, { virtualHost: options.vhost ?? '/', capabilities: '', insist: false });
    await c.waitFor('ConnectionOpenOk');
    return c;
  }

  send(bytes: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  method(name: string, channel: number, fields: Record<string, unknown> = {}): void {
    this.send(encodeMethod(name, channel, fields));
  }

  /** A frame of any type, size and end byte (to send wrong ones). */
  frame(type: number, channel: number, payload: Buffer, end: number = FRAME.END): void {
    const head = Buffer.alloc(7);
    head.writeUInt8(type, 0);
    head.writeUInt16BE(channel, 1);
    head.writeUInt32BE(payload.length, 3);
    this.send(Buffer.concat([head, payload, Buffer.from([end])]));
  }

  /** Waits for a method frame by name (after `from`), or throws after `ms`. */
  async waitFor(name: string, ms = 3000, from = 0): Promise<WireFrame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.slice(from).find((f) => f.method === name);
      if (found) return found;
      if (this.closed || Date.now() > deadline)
        throw new Error(`no ${name} (got ${this.frames.map((f) => f.method ?? f.type).join(', ')})`);
      await this.next(deadline - Date.now());
    }
  }

  /** Everything until the socket closes or `quietMs` pass with nothing new. */
  async settle(quietMs = 300, maxMs = 5000): Promise<WireFrame[]> {
    const deadline = Date.now() + maxMs;
    while (!this.closed && Date.now() < deadline) {
      const before = this.raw.length;
      await this.next(quietMs);
      if (this.raw.length === before) break;
    }
    return this.frames;
  }

  close(): void {
    this.socket.destroy();
  }

  private next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, ms));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private parse(): void {
    for (;;) {
      const b = this.buffer;
      // The version reply to a wrong header is 8 bytes, not a frame.
      if (b.length >= 8 && b.subarray(0, 4).toString('latin1') === 'AMQP') {
        this.frames.push({ type: -1, channel: 0, method: `header ${[...b.subarray(4, 8)].join(',')}` });
        this.buffer = b.subarray(8);
        continue;
      }
      if (b.length < 7) return;
      const size = b.readUInt32BE(3);
      if (b.length < size + 8) return;
      const type = b.readUInt8(0);
      const channel = b.readUInt16BE(1);
      const payload = b.subarray(7, 7 + size);
      const frame: WireFrame = { type, channel, size };
      if (type === FRAME.METHOD) {
        const id = payload.readUInt32BE(0);
        frame.method = methodName(id) ?? String(id);
        try {
          frame.fields = decodeMethod(id, payload.subarray(4));
        } catch {
          frame.fields = {};
        }
      }
      this.frames.push(frame);
      this.buffer = b.subarray(size + 8);
    }
  }
}
