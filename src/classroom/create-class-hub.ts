// The classes for a server process: carried by RabbitMQ when selectBroker()
// found one (sharing its single AMQP connection), in-process otherwise.
import type { Logger } from 'pino';
import type { AmqpConnection } from '../broker/amqp-connection.js';
import { ClassHub, type ClassHubOptions } from './class-hub.js';
import { EmbeddedClassTransport } from './embedded-transport.js';
import { Lessons } from './lessons.js';
import { RabbitMqClassTransport } from './rabbitmq-transport.js';

export function createClassHub({
  connection,
  logger,
  ...options
}: { connection: AmqpConnection | null; logger?: Logger } & ClassHubOptions): ClassHub {
  const transport = connection ? new RabbitMqClassTransport(connection, logger ? { logger } : {}) : new EmbeddedClassTransport();
  return new ClassHub(transport, new Lessons(), { ...options, ...(logger ? { logger } : {}) });
}
