// Plays a consumer scenario on the engine's virtual host (the embedded
// broker): the same actions as the RabbitMQ player, on the engine's consumer
// model (round-robin to consumers with room, prefetch, ack, nack with
// requeue, a closing channel requeues its unacked messages).
import { VirtualHost, type Delivery as EngineDelivery } from '../engine/virtual-host.js';
import { publishOrder, type ConsumerPlay, type PlayedConsumerStep } from './play-consumers.js';
import type { ConsumerAction, ConsumerScenario, Delivery } from './schema.js';

export async function playConsumersEmbedded(scenario: ConsumerScenario): Promise<ConsumerPlay> {
  const play: ConsumerPlay = { kind: 'consumers', scenario: scenario.id, broker: 'embedded', error: null, steps: [] };
  const vhost = new VirtualHost();
  const order = publishOrder(scenario.steps);
  /** consumer name → its tag and prefetch, while it is there. */
  const consumers = new Map<string, { tag: string; prefetch: number; seen: number }>();
  const payloadOf = new Map<number, string>();

  const fail = (what: string, error: { message: string }) => {
    throw new Error(`${what}: ${error.message}`);
  };
  for (const q of scenario.definitions.queues) {
    const declared = vhost.declareQueue({ name: q.name, arguments: q.arguments });
    if ('error' in declared) fail(`queue.declare ${q.name}`, declared.error);
  }

  const unackedOf = (name: string): EngineDelivery[] => vhost.consumer(consumers.get(name)!.tag)?.unacked ?? [];
  const findUnacked = (name: string, payload: string): EngineDelivery => {
    const d = unackedOf(name).find((u) => u.payload === payload);
    if (!d) throw new Error(`${name} holds no unacknowledged "${payload}"`);
    return d;
  };
  const need = (name: string) => {
    if (!consumers.has(name)) throw new Error(`no consumer named ${name} at this point`);
  };
  const check = (what: string, result: object) => {
    if ('error' in result) fail(what, (result as { error: { message: string } }).error);
  };

  const act = (action: ConsumerAction, acked: string[], dropped: string[]) => {
    switch (action.type) {
      case 'publish': {
        const trace = vhost.publish({ ...action.message, exchange: action.message.exchange });
        if (trace.error) fail('basic.publish', trace.error);
        payloadOf.set(trace.index, action.message.payload);
        return;
      }
      case 'consume': {
        const prefetch = action.prefetch ?? 0;
        const started = vhost.consume(action.queue, { prefetch });
        check('basic.consume', started);
        if ('consumerTag' in started) consumers.set(action.consumer, { tag: started.consumerTag, prefetch, seen: 0 });
        return;
      }
      case 'ack':
        need(action.consumer);
        check('basic.ack', vhost.ack(findUnacked(action.consumer, action.message).delivery_tag));
        acked.push(action.message);
        return;
      case 'nack':
        need(action.consumer);
        check('basic.nack', vhost.nack(findUnacked(action.consumer, action.message).delivery_tag, { requeue: action.requeue }));
        if (!action.requeue) dropped.push(action.message);
        return;
      case 'leave':
        need(action.consumer);
        check('channel.close', vhost.closeConsumer(consumers.get(action.consumer)!.tag));
        consumers.delete(action.consumer);
        return;
    }
  };

  try {
    for (const step of scenario.steps) {
      const acked: string[] = [];
      const dropped: string[] = [];
      const deliveries: Delivery[] = [];
      const collect = () => {
        for (const [name, c] of consumers) {
          const delivered = vhost.consumer(c.tag)?.delivered ?? [];
          for (const d of delivered.slice(c.seen)) deliveries.push({ consumer: name, message: d.payload, redelivered: d.redelivered });
          c.seen = delivered.length;
        }
      };
      for (const action of step.actions) {
        // Deliveries to a consumer about to leave count before it goes.
        collect();
        act(action, acked, dropped);
        collect();
      }
      const played: PlayedConsumerStep = {
        deliveries: deliveries.sort((a, b) => order.get(a.message)! - order.get(b.message)!),
        ready: Object.fromEntries(
          scenario.definitions.queues.map((q) => [q.name, vhost.peek(q.name).map((i) => payloadOf.get(i) ?? `#${i}`)]),
        ),
        unacked: Object.fromEntries([...consumers.keys()].map((name) => [name, unackedOf(name).map((d) => d.payload)])),
        acked,
        dropped,
        prefetch: Object.fromEntries([...consumers].map(([name, c]) => [name, c.prefetch])),
      };
      play.steps.push(played);
    }
  } catch (err) {
    play.error = err instanceof Error ? err.message : String(err);
  }
  return play;
}
