// The AMQP 0-9-1 listener of the embedded broker: accepts connections
// (at most maxConnections), moves the engine's clocks with the wall clock,
// and raises RabbitMQ's memory alarm when the queues hold too many bytes.
//
//   const server = await startAmqpServer({ port: 5672 });   // port 0: any free port
//   server.url  // → "amqp://localhost:5672"
//   await server.close();
import net from 'node:net';
import { AmqpConnection, type ConnectionLimits } from './connection.js';
import type { DecodedFrame } from './decoded-frame.js';
import { SharedState } from './shared-state.js';
import { vhostKey, type UsersConfig } from './users.js';

export interface AmqpServerOptions {
  port: number;
  host?: string;
  users?: Partial<UsersConfig>;
  limits?: Partial<ConnectionLimits>;
  /** Most connections at once; more are refused (the socket closes). */
  maxConnections?: number;
  /** Body bytes all queues may hold before publishers are blocked. */
  maxQueuedBytes?: number;
  /** How often the engine's clock follows the wall clock (TTLs, x-expires). */
  tickMs?: number;
  /**
   * Called with each accepted socket before it is served (the live view
   * watches it from the side), and how to ask, once it is open, which engine
   * vhost the connection was given (its login's, not the name it typed).
   * What it returns is told every frame the connection receives, decoded
   * (the bytes the server writes it reads from the socket itself).
   */
  observe?: (socket: net.Socket, vhostKey: () => string | undefined) => ((frame: DecodedFrame) => void) | void;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  frameMax: 131072,
  channelMax: 2047,
  heartbeat: 60,
  maxMessageBytes: 16 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  writeBufferBytes: 4 * 1024 * 1024,
};

export const DEFAULT_MAX_CONNECTIONS = 1000;
export const DEFAULT_MAX_QUEUED_BYTES = 256 * 1024 * 1024;

export interface AmqpServer {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  readonly shared: SharedState;
  /**
   * A second loopback port onto the same broker, for the server's own chat:
   * not watched by `observe`, so the live view never projects the students'
   * chat (private messages included) as if it were a program's traffic.
   */
  readonly insidePort: number;
  connectionCount(): number;
  /** The engine vhost a user opening `requested` is given (what /live shows a student who logs in as them). */
  vhostKey(user: string, requested: string): string | undefined;
  close(): Promise<void>;
}

export async function startAmqpServer(options: AmqpServerOptions): Promise<AmqpServer> {
  const shared = new SharedState();
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const users: UsersConfig = { users: new Map(), guest: true, ...options.users };
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const connections = new Set<AmqpConnection>();
  const publishers = new Set<AmqpConnection>();
  let alarm = false;

  const checkMemory = () => {
    const bytes = shared.bytes;
    if (!alarm && bytes > maxQueuedBytes) {
      alarm = true;
      for (const c of publishers) c.block('low on memory');
    } else if (alarm && bytes <= maxQueuedBytes) {
      alarm = false;
      for (const c of publishers) c.unblock();
    }
  };

  const serve = (socket: net.Socket, observed: boolean) => {
    if (connections.size >= maxConnections) {
      socket.destroy();
      return;
    }
    let connection: AmqpConnection | undefined = undefined;
    const watch = observed ? options.observe?.(socket, () => connection?.vhostKey) : undefined;
    connection = new AmqpConnection(
      socket,
      shared,
      users,
      limits,
      {
        closed: (c) => {
          connections.delete(c);
          publishers.delete(c);
        },
        // The memory alarm blocks programs, not the app's own connection (the
        // inside port): a student's flood must not stop the class or the chat,
        // whose own bytes the app bounds (class and chat limits).
        published: (c) => {
          if (!observed) return;
          publishers.add(c);
          if (alarm) c.block('low on memory');
        },
      },
      watch ?? undefined,
    );
    connections.add(connection);
  };
  const server = net.createServer((socket) => serve(socket, true));
  const inside = net.createServer((socket) => serve(socket, false));
  const timer = setInterval(() => {
    shared.tick();
    checkMemory();
  }, options.tickMs ?? 100);
  timer.unref();

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await new Promise<void>((resolve) => inside.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? 'localhost' : host;
  return {
    port: address.port,
    host,
    url: `amqp://${shownHost}:${address.port}`,
    shared,
    insidePort: (inside.address() as net.AddressInfo).port,
    connectionCount: () => connections.size,
    vhostKey: (user, requested) => vhostKey(users, user, requested),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        for (const c of connections) c.shutdown();
        inside.close();
        server.close(() => resolve());
        setTimeout(resolve, 1500).unref();
      }),
  };
}
