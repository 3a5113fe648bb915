// Plays any scenario on the server's broker: routing scenarios through
// Broker.run, consumer scenarios with real amqplib consumers over the app's
// AMQP connection (RabbitMQ's, or the embedded broker's own port).
import type { AmqpConnection } from '../broker/amqp-connection.js';
import type { Broker } from '../broker/broker.js';
import type { ConsumerPlay } from './play-consumers.js';
import { playConsumersOverAmqp } from './play-consumers-amqp.js';
import { playRoutingScenario, type RoutingPlay } from './play-routing.js';
import type { Scenario } from './schema.js';

export type ScenarioPlay = RoutingPlay | ConsumerPlay;

export async function playScenario(
  scenario: Scenario,
  services: { broker: Broker; connection?: AmqpConnection | null },
): Promise<ScenarioPlay> {
  if (scenario.kind === 'routing') return playRoutingScenario(services.broker, scenario);
  const connection = services.connection;
  if (!connection) throw new Error(`the ${services.broker.kind} broker was given without its AMQP connection`);
  // Bounded: an alarm or a silent network answers 503 instead of a hang.
  return connection.bounded(() => playConsumersOverAmqp(connection, scenario, { broker: services.broker.kind }));
}
