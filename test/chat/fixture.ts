// What the chat tests share: a chat on either broker, an app serving it on a
// real port, unique participant names, a WebSocket client that records what
// the server pushes, and the clean-up of everything declared on RabbitMQ.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { ChatHub } from '../../src/chat/chat-hub.js';
import { AmqpChat } from '../../src/chat/amqp-chat.js';
import type { LiveEvent } from '../../src/chat/live-protocol.js';
import { CHAT_EXCHANGE, INBOX_PREFIX, inboxOf, leaseOf } from '../../src/chat/naming.js';
import { createApp } from '../../src/web/app.js';
import { listenerConnection, listenerUrl } from '../helpers/listener.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

export { listenerConnection, listenerUrl };

/** The chat is written once (amqplib): on RabbitMQ, and on the embedded broker's AMQP listener as `npm start` runs it. */
export type Kind = 'embedded' | 'rabbitmq';
export const KINDS: Kind[] = ['embedded', 'rabbitmq'];
export const SERVICE_KINDS: Kind[] = KINDS;

/** The connection a kind of broker runs the chat on. */
export async function connectionFor(ctx: Mocha.Context, kind: Kind): Promise<AmqpConnection> {
  if (kind === 'rabbitmq') return requireRabbit(ctx);
  return listenerConnection();
}

/** A chat hub as `npm start` makes it with the embedded broker (over its listener), for tests that need one. */
export async function embeddedChatHub(): Promise<ChatHub> {
  return new ChatHub(new AmqpChat(await listenerConnection()), {
    secret: randomBytes(32),
    brokerUrl: await listenerUrl(),
    onListener: true,
  });
}

/** A participant name no other test (or test run) uses: "Otana_k3f9a1". */
export function uniqueName(base: string): string {
  return `${base}_${randomBytes(4).toString('hex')}`;
}

export interface ChatApp {
  kind: Kind;
  url: string;
  hub: ChatHub;
  connection: AmqpConnection;
  /** Queues to delete afterwards (RabbitMQ); chat.<name> for every name passed to forget(). */
  forget(...names: string[]): void;
  forgetQueue(...queues: string[]): void;
  close(): Promise<void>;
}

/** Starts the app with a chat on `kind` (skips the suite when RabbitMQ is missing locally). */
export interface ChatAppOptions {
  inboxExpiresMs?: number;
  leaseMs?: number;
  presenceHeartbeatMs?: number;
}

export async function startChatApp(ctx: Mocha.Context, kind: Kind, options: ChatAppOptions = {}): Promise<ChatApp> {
  const connection = await connectionFor(ctx, kind);
  const { presenceHeartbeatMs, ...serviceOptions } = options;
  const service = new AmqpChat(connection, serviceOptions);
  const hub = new ChatHub(service, {
    secret: randomBytes(32),
    ...(kind === 'embedded' ? { brokerUrl: await listenerUrl(), onListener: true } : { brokerUrl: connection.redactedUrl }),
    ...(presenceHeartbeatMs ? { presenceHeartbeatMs } : {}),
    ...(options.leaseMs ? { tokenTtlMs: options.leaseMs } : {}),
  });
  const broker = kind === 'rabbitmq' ? new RabbitMqBroker(connection) : new EmbeddedBroker();
  const server = http.createServer(createApp({ broker, chat: hub, rateLimit: { perSecond: 1000, burst: 1000 } }));
  hub.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const queues = new Set<string>();
  return {
    kind,
    url,
    hub,
    connection,
    forget: (...names) => names.forEach((n) => queues.add(inboxOf(n))),
    forgetQueue: (...qs) => qs.forEach((q) => queues.add(q)),
    close: async () => {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deleteChatQueues(connection, [...queues]);
    },
  };
}

/** Deletes the tests' queues (and the lease chat-lease.N of each chat.N), then the chat exchange if nothing is bound to it any more. */
export async function deleteChatQueues(connection: AmqpConnection, queues: string[]): Promise<void> {
  for (let attempt = 0; attempt < 20 && !connection.connected; attempt++) await sleep(500);
  const channel = await connection.createChannel();
  const leases = queues.filter((q) => q.startsWith(INBOX_PREFIX)).map((q) => leaseOf(q.slice(INBOX_PREFIX.length)));
  for (const queue of [...queues, ...leases]) await channel.deleteQueue(queue);
  await channel.close();
  // if-unused: a chat someone is using right now keeps its exchange.
  const other = await connection.createChannel();
  await other.deleteExchange(CHAT_EXCHANGE, { ifUnused: true }).catch(() => {});
  await other.close().catch(() => {});
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until check() returns something truthy (or throws after timeoutMs, saying what it waited for). */
export async function eventually<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(50);
  }
}

/** A tab's live channel, without the tab: records every event; acks only when told to. */
export class LiveTestClient {
  readonly events: LiveEvent[] = [];
  private readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;

  constructor(url: string, token: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/chat/live`, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        this.ws.send(JSON.stringify({ type: 'hello', token }));
        resolve();
      });
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', () => resolve()));
    this.ws.on('message', (data) => this.events.push(JSON.parse(data.toString())));
  }

  messages() {
    return this.events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
  }

  texts(): string[] {
    return this.messages().map((m) => m.text);
  }

  lastStatus(): string | undefined {
    return this.events.filter((e) => e.type === 'status').at(-1)?.broker;
  }

  waitForText(text: string, timeoutMs = 10_000) {
    return eventually(`"${text}" on the live channel`, () => this.messages().find((m) => m.text === text), timeoutMs);
  }

  /** The presence notices received: "join Mehdi_1a2b", "left Mehdi_1a2b". */
  presence(): string[] {
    return this.messages().flatMap((m) => (m.event ? [`${m.event} ${m.from}`] : []));
  }

  waitForPresence(notice: string, timeoutMs = 10_000) {
    return eventually(
      `"${notice}" on the live channel (so far: ${this.presence().join(', ')})`,
      () => this.presence().includes(notice),
      timeoutMs,
    );
  }

  waitForStatus(status: 'online' | 'away', timeoutMs = 10_000) {
    return eventually(`status ${status}`, () => this.lastStatus() === status, timeoutMs);
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  ack(...ids: string[]): void {
    this.send({ type: 'ack', ids });
  }

  async close(): Promise<void> {
    this.ws.close();
    await this.closed;
  }
}
