// The classes for a server process, carried by the broker through the app's
// AMQP connection (RabbitMQ's, or the embedded broker's own port): one
// implementation on either broker, so two servers on one RabbitMQ share a
// class and a restart loses no answer.
import type { Logger } from 'pino';
import type { AmqpConnection } from '../broker/amqp-connection.js';
import { AmqpClassTransport } from './amqp-transport.js';
import { ClassHub, type ClassHubOptions } from './class-hub.js';
import { Lessons } from './lessons.js';

export function createClassHub({
  connection,
  logger,
  ...options
}: { connection: AmqpConnection; logger?: Logger } & ClassHubOptions): ClassHub {
  const log = logger ? { logger } : {};
  return new ClassHub(new AmqpClassTransport(connection, log), new Lessons(), { ...options, ...log });
}
