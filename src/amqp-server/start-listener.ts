// `npm start` with the embedded broker: listen for AMQP too, when the port
// is free, so that students' own programs (amqp://localhost) reach the
// playground. A port in use (a RabbitMQ already there) is said, not fatal.
import type net from 'node:net';
import type { AmqpListenerConfig } from '../config.js';
import { startAmqpServer, type AmqpServer } from './amqp-server.js';
import { parseUsers } from './users.js';

export async function startListener(
  config: AmqpListenerConfig,
  log: (line: string) => void,
  observe?: (socket: net.Socket, vhostKey: () => string | undefined) => void,
): Promise<AmqpServer | null> {
  if (!config.listen) {
    log('AMQP listener: off (AMQP_LISTEN=off)');
    return null;
  }
  try {
    const server = await startAmqpServer({
      port: config.listen.port,
      host: config.listen.host,
      users: { users: parseUsers(config.users), classPassword: config.classPassword, classVhost: config.classVhost, guest: true },
      maxConnections: config.maxConnections,
      maxQueuedBytes: config.maxQueuedBytes,
      observe,
    });
    log(`AMQP listener: programs connect to ${server.url} (guest:guest from this machine)`);
    return server;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      log(`AMQP listener: port ${config.listen.port} is in use (another broker?); set AMQP_LISTEN=<port> to choose another`);
      return null;
    }
    throw err;
  }
}
