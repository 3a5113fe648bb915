// The chat for a server process: on RabbitMQ when selectBroker() found one
// (sharing its single AMQP connection); with the embedded broker, over a
// connection to the embedded broker's own AMQP listener, so that outside
// programs (the report's pika chat) reach it as they would reach RabbitMQ;
// in-process only when there is no listener (AMQP_LISTEN=off, port taken).
import type { Logger } from 'pino';
import type { AmqpConnection } from '../broker/amqp-connection.js';
import { ChatHub } from './chat-hub.js';
import { EmbeddedChat } from './embedded-chat.js';
import { RabbitMqChat } from './rabbitmq-chat.js';
import { chatSecret } from './token.js';

export interface CreateChatOptions {
  /** The server's connection to RabbitMQ (null with the embedded broker). */
  connection: AmqpConnection | null;
  /** With the embedded broker: a connection to its listener, and the URL programs use to reach it. */
  listener?: { connection: AmqpConnection; url: string } | null;
  /** CHAT_SECRET (optional; see chatSecret). */
  secret?: string | undefined;
  logger?: Logger;
}

export function createChatHub({ connection, listener, secret, logger }: CreateChatOptions): ChatHub {
  const log = logger ? { logger } : {};
  if (connection) {
    return new ChatHub(new RabbitMqChat(connection), {
      secret: chatSecret(secret, connection.url),
      ...log,
      brokerUrl: connection.redactedUrl,
    });
  }
  // The listener's URL is the same on every machine (guest:guest@localhost):
  // never a secret to derive tokens from; its chat lives in this process anyway.
  if (listener)
    return new ChatHub(new RabbitMqChat(listener.connection), {
      secret: chatSecret(secret, null),
      ...log,
      brokerUrl: listener.url,
      onListener: true,
    });
  return new ChatHub(new EmbeddedChat(), { secret: chatSecret(secret, null), ...log, brokerUrl: null });
}
