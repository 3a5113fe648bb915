// `npm start` with the embedded broker: listen for AMQP too, when the port
// is free, so that students' own programs (amqp://localhost) reach the
// playground. A port in use (a RabbitMQ already there) is said, not fatal.
// Either way the embedded broker gets an AMQP port: with no public one, a
// private loopback port that only the server's own clients (the chat) use,
// so the app is one AMQP client of whichever broker runs.
import type { AmqpListenerConfig } from '../config.js';
import { startAmqpServer, type AmqpServer, type AmqpServerOptions } from './amqp-server.js';
import { parseUsers } from './users.js';

export interface Listener {
  server: AmqpServer;
  /** false: the private loopback port only (AMQP_LISTEN=off, or its port in use); programs are not told of it. */
  public: boolean;
}

export async function startListener(
  config: AmqpListenerConfig,
  log: (line: string) => void,
  observe?: AmqpServerOptions['observe'],
): Promise<Listener> {
  const users = { users: parseUsers(config.users), classPassword: config.classPassword, classVhost: config.classVhost, guest: true };
  const limits = { maxConnections: config.maxConnections, maxQueuedBytes: config.maxQueuedBytes };
  if (config.listen) {
    try {
      const server = await startAmqpServer({ port: config.listen.port, host: config.listen.host, users, ...limits, observe });
      log(`AMQP listener: programs connect to ${server.url} (guest:guest from this machine)`);
      return { server, public: true };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE') throw err;
      log(`AMQP listener: port ${config.listen.port} is in use (another broker?); set AMQP_LISTEN=<port> to choose another`);
    }
  } else {
    log('AMQP listener: off (AMQP_LISTEN=off)');
  }
  // Private: an ephemeral loopback port nobody is told of, unwatched by /live.
  return { server: await startAmqpServer({ port: 0, host: '127.0.0.1', users, ...limits }), public: false };
}
