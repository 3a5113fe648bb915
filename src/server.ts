// The only file that reads the environment, listens and shuts down.
import { readConfig } from './config.js';
import { selectBroker } from './broker/select-broker.js';
import { createApp } from './web/app.js';
import { createChatHub } from './chat/create-chat.js';
import { createClassHub } from './classroom/create-class-hub.js';
import { createLogger } from './logger.js';
import { startBanner } from './start-banner.js';
import { startListener } from './amqp-server/start-listener.js';
import { LiveHub } from './live/live-hub.js';
import { startLive } from './live/start-live.js';
import { tapSocket } from './live/socket-tap.js';
import { AmqpConnection } from './broker/amqp-connection.js';
import type { AmqpServer } from './amqp-server/amqp-server.js';

const logger = createLogger();
const SHUTDOWN_GRACE_MS = 30_000;

async function main(): Promise<void> {
  const config = readConfig();
  const { broker, connection, notice } = await selectBroker(config);
  // The embedded broker also speaks AMQP, for the class's own programs; /live watches them.
  const hub = new LiveHub();
  const listenerLines: string[] = [];
  const listener =
    connection === null
      ? await startListener(
          config.amqpListener,
          (line) => listenerLines.push(line),
          (socket, vhostKey) => tapSocket(socket, vhostKey, (vhost, e) => hub.onEvent(vhost, e)),
        )
      : null;
  const publicListener = listener?.public ? listener.server : null;
  // The app is one AMQP client of whichever broker runs: RabbitMQ's single
  // connection, or its own connection to the embedded broker's listener
  // (where outside programs join the chat). The chat, the consumer plays and
  // the classes share it.
  const ownListenerConnection = listener ? await connectToListener(listener.server) : null;
  const client = connection ?? ownListenerConnection!;
  const chat = createChatHub({
    connection: client,
    listener: listener ? { url: publicListener?.url ?? null } : null,
    secret: process.env.CHAT_SECRET,
    logger,
  });
  // Classes are carried by the broker (on RabbitMQ, two servers share a class).
  const classes = createClassHub({ connection: client, logger });
  const live = await startLive(
    config,
    hub,
    publicListener
      ? {
          host: '127.0.0.1',
          port: publicListener.port,
          url: publicListener.url,
          vhostKey: (user: string, requested: string) => publicListener.vhostKey(user, requested),
        }
      : null,
  );
  const app = createApp({
    broker,
    connection: client,
    logger,
    chat,
    classes,
    rateLimit: config.rateLimit,
    live: { programUrl: live.programUrl },
    publicUrl: config.publicUrl,
  });
  const server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    for (const line of [...startBanner(port, notice), ...listenerLines, ...live.banner(port)]) logger.info(line);
  });
  chat.attach(server); // the chat's WebSocket (/api/chat/live)
  classes.attach(server); // the classes' WebSocket (/api/class/live)
  live.attach(server); // the live view's WebSocket (/api/live/ws)

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing requests, then closing the broker connection`);
    // Open WebSockets would keep server.close() waiting: the chat closes them
    // (and its consumers, which hands unacknowledged messages back to RabbitMQ).
    const chatClosed = Promise.all([chat.close().catch(() => {}), classes.close().catch(() => {}), live.close().catch(() => {})]);
    void listener?.server.close();
    server.close(() => {
      void chatClosed.then(() => ownListenerConnection?.close()).finally(() => broker.close().finally(() => process.exit(0)));
    });
    server.closeIdleConnections();
    // Past this, give up waiting (exit 1): longer than the longest run (a run at
    // every limit takes about 11 s on RabbitMQ on a 2-core machine).
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** The app's own connection to the embedded broker's listener (its loopback port: a failure there is the server's own, fatal). */
async function connectToListener(listener: AmqpServer): Promise<AmqpConnection> {
  // Its own loopback port onto the same broker: programs on the public port reach the chat's queues, /live does not draw it.
  const connection = new AmqpConnection(`amqp://guest:guest@127.0.0.1:${listener.insidePort}`, { connectionName: 'playground' });
  try {
    await connection.start(5000);
    return connection;
  } catch (err) {
    await connection.close();
    throw new Error(`the app could not reach the embedded broker's own AMQP port (${(err as Error).message})`, { cause: err });
  }
}

main().catch((err) => {
  logger.fatal(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
