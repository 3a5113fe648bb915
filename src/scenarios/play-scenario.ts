// Plays any scenario on the server's broker: routing scenarios through
// Broker.run (both brokers), consumer scenarios with real amqplib consumers
// on RabbitMQ or with the engine's consumer model on the embedded broker.
import type { AmqpConnection } from '../broker/amqp-connection.js';
import type { Broker } from '../broker/broker.js';
import type { ConsumerPlay } from './play-consumers.js';
import { playConsumersEmbedded } from './play-consumers-embedded.js';
import { playConsumersOnRabbitMq } from './play-consumers-rabbitmq.js';
import { playRoutingScenario, type RoutingPlay } from './play-routing.js';
import type { Scenario } from './schema.js';

export type ScenarioPlay = RoutingPlay | ConsumerPlay;

export async function playScenario(
  scenario: Scenario,
  services: { broker: Broker; connection?: AmqpConnection | null },
): Promise<ScenarioPlay> {
  if (scenario.kind === 'routing') return playRoutingScenario(services.broker, scenario);
  if (services.broker.kind === 'rabbitmq') {
    const connection = services.connection;
    if (!connection) throw new Error('the RabbitMQ broker was given without its AMQP connection');
    // Bounded: an alarm or a silent network answers 503 instead of a hang.
    return connection.bounded(() => playConsumersOnRabbitMq(connection, scenario));
  }
  return playConsumersEmbedded(scenario);
}
