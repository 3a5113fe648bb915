// The chat for a server process, one implementation (amqplib) on either
// broker: on RabbitMQ when selectBroker() found one (sharing its single AMQP
// connection); with the embedded broker, over the chat's own connection to
// the embedded broker's AMQP listener — its public port's broker, so that
// outside programs (the report's pika chat) reach the chat as they would
// reach RabbitMQ, or a private loopback port when there is no public one.
import type { Logger } from 'pino';
import type { AmqpConnection } from '../broker/amqp-connection.js';
import { ChatHub } from './chat-hub.js';
import { AmqpChat } from './amqp-chat.js';
import { chatSecret } from './token.js';

export interface CreateChatOptions {
  /** RabbitMQ's connection; with the embedded broker, the chat's own connection to its listener. */
  connection: AmqpConnection;
  /** With the embedded broker: the URL programs reach its listener at (null: the listener is private, programs cannot). */
  listener?: { url: string | null } | null;
  /** CHAT_SECRET (optional; see chatSecret). */
  secret?: string | undefined;
  logger?: Logger;
}

export function createChatHub({ connection, listener, secret, logger }: CreateChatOptions): ChatHub {
  const log = logger ? { logger } : {};
  if (!listener) {
    return new ChatHub(new AmqpChat(connection), {
      secret: chatSecret(secret, connection.url),
      ...log,
      brokerUrl: connection.redactedUrl,
    });
  }
  // The listener's URL is the same on every machine (guest:guest@localhost):
  // never a secret to derive tokens from; its chat lives in this process anyway.
  return new ChatHub(new AmqpChat(connection), {
    secret: chatSecret(secret, null),
    ...log,
    brokerUrl: listener.url,
    onListener: true,
  });
}
