// Plays a consumer scenario on the engine's consumer model (embedded broker).
// TODO(engine): the engine's stateful model (consume with prefetch,
// round-robin, ack, nack requeue, consumer leaving) has not landed yet.
import type { ConsumerPlay } from './play-consumers.js';
import type { ConsumerScenario } from './schema.js';

export async function playConsumersEmbedded(scenario: ConsumerScenario): Promise<ConsumerPlay> {
  return { kind: 'consumers', scenario: scenario.id, broker: 'embedded', error: 'the embedded consumer model is not available yet', steps: [] };
}
