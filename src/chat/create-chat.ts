// The chat for a server process: on RabbitMQ when selectBroker() found one
// (sharing its single AMQP connection), in-process otherwise.
import type { Logger } from 'pino';
import type { AmqpConnection } from '../broker/amqp-connection.js';
import { ChatHub } from './chat-hub.js';
import { EmbeddedChat } from './embedded-chat.js';
import { RabbitMqChat } from './rabbitmq-chat.js';
import { chatSecret } from './token.js';

export interface CreateChatOptions {
  connection: AmqpConnection | null;
  /** CHAT_SECRET (optional; see chatSecret). */
  secret?: string | undefined;
  logger?: Logger;
}

export function createChatHub({ connection, secret, logger }: CreateChatOptions): ChatHub {
  const service = connection ? new RabbitMqChat(connection) : new EmbeddedChat();
  return new ChatHub(service, {
    secret: chatSecret(secret, connection?.url ?? null),
    ...(logger ? { logger } : {}),
    brokerUrl: connection?.redactedUrl ?? null,
  });
}
