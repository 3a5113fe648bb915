// Placeholder: replaced by the amqplib-backed broker.
import type { Broker, BrokerStatus } from './broker.js';
import type { AmqpConnection } from './amqp-connection.js';
import type { RunOutcome, RunRequest } from '../engine/types.js';

export class RabbitMqBroker implements Broker {
  readonly kind = 'rabbitmq' as const;
  constructor(readonly connection: AmqpConnection) {}
  async run(_request: RunRequest): Promise<RunOutcome> {
    throw new Error('not implemented yet');
  }
  status(): BrokerStatus {
    return { kind: 'rabbitmq', connected: this.connection.connected, url: this.connection.redactedUrl };
  }
  async close(): Promise<void> {
    await this.connection.close();
  }
}
