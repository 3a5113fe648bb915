// The observing relay (BROKER=rabbitmq with AMQP_LISTEN set): programs connect
// to the playground, and every byte goes unchanged to the real RabbitMQ and
// back. On the way, both directions are cut into frames and watched, so the
// live view draws what RabbitMQ really did: its deliveries, returns and
// refusals are its own frames. Either side closing ends the other.
import net from 'node:net';
import tls from 'node:tls';
import { FrameReader } from './amqp-codec.js';
import { ConnectionObserver } from './connection-observer.js';
import type { LiveEvent } from './events.js';

export interface RelayOptions {
  /** Where RabbitMQ is (from AMQP_URL): host, port, TLS. */
  upstream: { host: string; port: number; tls: boolean; tlsOptions?: tls.ConnectionOptions };
  /** Every event, with the vhost of the connection that caused it. */
  onEvent: (vhost: string, event: LiveEvent) => void;
  /** At most this many programs at once (more are refused at once). */
  maxConnections?: number;
  /** Bound on reaching RabbitMQ for a new program. */
  connectTimeoutMs?: number;
}

export interface Relay {
  server: net.Server;
  close(): Promise<void>;
}

let counter = 0;

export function startRelay(listen: { host: string; port: number }, options: RelayOptions): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (sockets.size >= (options.maxConnections ?? 500)) return void client.destroy();
    relayOne(client, options, sockets);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve({
        server,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function relayOne(client: net.Socket, options: RelayOptions, sockets: Set<net.Socket>): void {
  const { upstream } = options;
  const upstreamSocket: net.Socket = upstream.tls
    ? tls.connect({ host: upstream.host, port: upstream.port, servername: upstream.host, ...upstream.tlsOptions })
    : net.connect({ host: upstream.host, port: upstream.port });
  sockets.add(client).add(upstreamSocket);
  client.setNoDelay(true);
  upstreamSocket.setNoDelay(true);

  const observer = new ConnectionObserver(`c${++counter}`, `${client.remoteAddress ?? '?'}:${client.remotePort ?? '?'}`, options.onEvent);
  const fromClient = new FrameReader((f) => observer.fromClient(f), { protocolHeader: true });
  const fromServer = new FrameReader((f) => observer.fromServer(f), { protocolHeader: false, methodsOnly: true });

  const timer = setTimeout(() => upstreamSocket.destroy(new Error('RabbitMQ did not answer')), options.connectTimeoutMs ?? 5000);
  upstreamSocket.once(upstream.tls ? 'secureConnect' : 'connect', () => clearTimeout(timer));

  client.on('data', (chunk: Buffer) => fromClient.push(chunk));
  upstreamSocket.on('data', (chunk: Buffer) => fromServer.push(chunk));
  client.pipe(upstreamSocket);
  upstreamSocket.pipe(client);

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    observer.ended();
    // Let what is already on its way arrive (a connection.close and its reason), then close.
    client.end();
    upstreamSocket.end();
    setTimeout(() => {
      client.destroy();
      upstreamSocket.destroy();
    }, 1000).unref();
    sockets.delete(client);
    sockets.delete(upstreamSocket);
  };
  for (const socket of [client, upstreamSocket]) {
    socket.on('error', end);
    socket.on('close', end);
    socket.on('end', end);
  }
}
