// One simulated chat tab, speaking the protocol public/js/chat*.js speak:
// POST /api/chat/session to take a name, a WebSocket to /api/chat/live that
// says hello with the token, shows (here: timestamps) every message and
// acknowledges it, and POST /api/chat/messages with the Bearer token to send.
// Each tab has its own loopback source address (127.0.x.y), as each student
// has their own IP: the per-client rate limit sees them as distinct clients.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { KeepAliveClient } from './http-client.js';
import { msSince, nowNs } from '../../tools/timing.js';

export interface Arrival {
  id: string;
  atNs: bigint;
}

/** The i-th tab's source address: 127.0.0.2, … 127.0.1.1, … (never 127.0.0.1, which the harness itself uses). */
export function loopbackAddress(i: number): string {
  const n = i + 2;
  return `127.0.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

export class ChatTab {
  private ws: WebSocket | null = null;
  private token = '';
  private readonly listeners = new Map<string, (atNs: bigint) => void>();
  /** Messages received (all kinds, including "online" notices). */
  received = 0;
  lastArrivalNs = 0n;

  private constructor(
    readonly name: string,
    private readonly http: KeepAliveClient,
    private readonly wsUrl: string,
    private readonly localAddress: string,
  ) {}

  /** Takes the name in `room`, opens the live channel, and resolves once the inbox is consumed. */
  static async join(baseUrl: string, name: string, room: string, index: number, timeoutMs = 30_000): Promise<ChatTab> {
    const localAddress = loopbackAddress(index);
    const tab = new ChatTab(
      name,
      new KeepAliveClient(baseUrl, localAddress),
      `${baseUrl.replace(/^http/, 'ws')}/api/chat/live`,
      localAddress,
    );
    const answer = await tab.http.request('POST', '/api/chat/session', { name, room });
    if (answer.status !== 200)
      throw new Error(`POST /api/chat/session for ${name} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    tab.token = (JSON.parse(answer.body) as { token: string }).token;
    await tab.connect(timeoutMs);
    return tab;
  }

  private connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.wsUrl, { localAddress: this.localAddress });
      this.ws = ws;
      const timer = setTimeout(() => reject(new Error(`${this.name}: inbox not consumed within ${timeoutMs} ms`)), timeoutMs);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', token: this.token })));
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('message', (data) => {
        const atNs = nowNs();
        const event = JSON.parse(data.toString()) as {
          type: string;
          token?: string;
          broker?: string;
          message?: { id: string };
          key?: string;
        };
        if (event.type === 'welcome' && event.token) this.token = event.token;
        else if (event.type === 'status' && event.broker === 'online') {
          clearTimeout(timer);
          resolve();
        } else if (event.type === 'error') {
          clearTimeout(timer);
          reject(new Error(`${this.name}: live channel refused: ${event.key}`));
        } else if (event.type === 'message' && event.message) {
          this.received++;
          this.lastArrivalNs = atNs;
          // The page acknowledges once it has shown and stored the line.
          ws.send(JSON.stringify({ type: 'ack', ids: [event.message.id] }));
          this.listeners.get(event.message.id)?.(atNs);
        }
      });
    });
  }

  /** Resolves with the arrival time of message `id` at this tab. */
  expect(id: string, timeoutMs = 10_000): Promise<bigint> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(id);
        reject(new Error(`${this.name}: message ${id} not received within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.set(id, (atNs) => {
        clearTimeout(timer);
        this.listeners.delete(id);
        resolve(atNs);
      });
    });
  }

  /** Sends `text` to a person (or the room); answers the POST's own duration in ms. */
  async send(
    to: { kind: 'person'; name: string } | { kind: 'room' },
    text: string,
    id: string = randomUUID(),
  ): Promise<{ id: string; ms: number }> {
    const start = nowNs();
    const answer = await this.http.request('POST', '/api/chat/messages', { id, to, text }, { authorization: `Bearer ${this.token}` });
    if (answer.status !== 200)
      throw new Error(`${this.name}: POST /api/chat/messages answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    return { id, ms: msSince(start) };
  }

  close(): void {
    this.ws?.close();
    this.http.close();
  }
}
