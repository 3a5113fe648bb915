// The only file that reads the environment, listens and shuts down.
import pino from 'pino';
import { readConfig } from './config.js';
import { selectBroker } from './broker/select-broker.js';
import { createApp } from './web/app.js';
import { createChatHub } from './chat/create-chat.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  const config = readConfig();
  const { broker, connection, notice } = await selectBroker(config);
  logger.info(notice);
  // The chat shares the broker's single AMQP connection (in-process without RabbitMQ).
  const chat = createChatHub({ connection, secret: process.env.CHAT_SECRET, logger });
  const app = createApp({ broker, connection, logger, chat, rateLimit: config.rateLimit });
  const server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(`exchange-types playground on http://localhost:${port}`);
  });
  chat.attach(server); // the chat's WebSocket (/api/chat/live)

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing requests, then closing the broker connection`);
    // Open WebSockets would keep server.close() waiting: the chat closes them
    // (and its consumers, which hands unacknowledged messages back to RabbitMQ).
    const chatClosed = chat.close().catch(() => {});
    server.close(() => {
      chatClosed.finally(() => broker.close().finally(() => process.exit(0)));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  logger.fatal(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
