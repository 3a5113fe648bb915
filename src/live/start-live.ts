// Puts the live view together for server.ts: who may watch (checked against
// the broker programs use: the embedded listener, or RabbitMQ), the page's
// WebSocket, and — on RabbitMQ with AMQP_LISTEN — the observing relay that
// programs connect to. The embedded listener's connections are tapped by
// server.ts (socket-tap.ts) into the same hub.
import type { Server } from 'node:http';
import type { Config } from '../config.js';
import { redactUrl } from '../config.js';
import { amqpLoginAccess } from './live-access.js';
import type { LiveHub } from './live-hub.js';
import { LiveSocket } from './live-socket.js';
import { startRelay, type Relay } from './relay.js';

export interface StartedLive {
  hub: LiveHub;
  /** For the page: the URL programs should use. */
  programUrl: string;
  /** Plain lines for the start banner, once the HTTP port is known. */
  banner(httpPort: number): string[];
  attach(server: Server): void;
  close(): Promise<void>;
}

export async function startLive(
  config: Config,
  hub: LiveHub,
  listener: { host: string; port: number; url: string; vhostKey(user: string, requested: string): string | undefined } | null,
): Promise<StartedLive> {
  const upstreamUrl = new URL(config.amqpUrl);
  const upstream = {
    host: upstreamUrl.hostname,
    port: Number(upstreamUrl.port) || (upstreamUrl.protocol === 'amqps:' ? 5671 : 5672),
    tls: upstreamUrl.protocol === 'amqps:',
  };
  let relay: Relay | null = null;
  const notices: string[] = [];
  let programUrl = redactUrl(config.amqpUrl).replace(/\/\/[^@/]*@/, '//');
  if (listener) programUrl = listener.url;
  else if (config.amqpListener.given && config.amqpListener.listen) {
    relay = await startRelay(config.amqpListener.listen, { upstream, onEvent: (vhost, event) => hub.onEvent(vhost, event) });
    const address = relay.server.address();
    const port = typeof address === 'object' && address ? address.port : config.amqpListener.listen.port;
    programUrl = `amqp://localhost:${port}`;
    notices.push(`programs connect to ${programUrl} (relayed to RabbitMQ at ${redactUrl(config.amqpUrl)}; /live draws what they do)`);
  }
  // Logins are checked where the programs' own are: the listener, or RabbitMQ (directly: the relay forwards them).
  const access = listener
    ? amqpLoginAccess({ host: listener.host, port: listener.port, tls: false }, config.teacherKey, (user, requested) =>
        listener.vhostKey(user, requested),
      )
    : amqpLoginAccess(upstream, config.teacherKey);
  const socket = new LiveSocket(hub, access);
  return {
    hub,
    programUrl,
    banner: (httpPort) => [...notices, `teacher's live view (every vhost): http://localhost:${httpPort}/live?key=${config.teacherKey}`],
    attach: (server) => socket.attach(server),
    close: async () => {
      await socket.close();
      hub.close();
      await relay?.close();
    },
  };
}
