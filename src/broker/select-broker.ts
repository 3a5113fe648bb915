// BROKER=auto|embedded|rabbitmq → a Broker. auto tries RabbitMQ for about a
// second and falls back to the embedded broker, saying so; an explicit
// BROKER=rabbitmq that cannot connect is an error, never a silent fallback.
import type { Config } from '../config.js';
import { AmqpConnection } from './amqp-connection.js';
import type { Broker } from './broker.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { RabbitMqBroker } from './rabbitmq-broker.js';

export interface SelectedBroker {
  broker: Broker;
  /** The AMQP connection, when the broker is RabbitMQ (the chat shares it). */
  connection: AmqpConnection | null;
  /** One line for the console: which broker and why. */
  notice: string;
}

export async function selectBroker(config: Config): Promise<SelectedBroker> {
  if (config.broker === 'embedded') {
    return { broker: new EmbeddedBroker(), connection: null, notice: 'broker: embedded (BROKER=embedded)' };
  }
  const connection = new AmqpConnection(config.amqpUrl);
  try {
    await connection.start(config.broker === 'auto' ? 1000 : 5000);
  } catch (err) {
    await connection.close();
    if (config.broker === 'rabbitmq') throw err;
    return {
      broker: new EmbeddedBroker(),
      connection: null,
      notice: `broker: embedded — no RabbitMQ reachable at ${connection.redactedUrl} (${connection.error}); set BROKER=rabbitmq to require it`,
    };
  }
  return {
    broker: new RabbitMqBroker(connection),
    connection,
    notice: `broker: RabbitMQ at ${connection.redactedUrl}`,
  };
}
