// Plays a consumer scenario with real amqplib consumers on whichever broker
// runs (RabbitMQ, or the embedded broker through its own AMQP port): the
// deliveries, redelivered flags and ready counts shown on the page come from
// the broker. One channel per consumer (a worker process of its own),
// one confirm channel to publish, all on the server's single connection.
// Every name gets a random per-play prefix; everything is deleted afterwards
// (and x-expires removes the queues should the server die mid-play).
import { randomBytes } from 'node:crypto';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { BrokerUnavailableError, closeChannel, type AmqpConnection } from '../broker/amqp-connection.js';
import { publishOrder, type ConsumerPlay, type PlayedConsumerStep } from './play-consumers.js';
import type { ConsumerAction, ConsumerScenario, Delivery } from './schema.js';

/** A safety net only: the play deletes its queues itself. */
const QUEUE_EXPIRES_MS = 120_000;

interface LiveConsumer {
  name: string;
  queue: string;
  channel: Channel;
  prefetch: number;
  /** payload → the delivered message, to ack or nack it. */
  unacked: Map<string, ConsumeMessage>;
}

export async function playConsumersOverAmqp(
  connection: AmqpConnection,
  scenario: ConsumerScenario,
  options: { broker: ConsumerPlay['broker']; prefix?: string },
): Promise<ConsumerPlay> {
  // The same shape as the RabbitMQ broker's namespaces ("xtp.<random>."), so the leftovers check covers it too.
  const prefix = options.prefix ?? `xtp.${randomBytes(12).toString('base64url')}.`;
  const real = (queue: string) => prefix + queue;
  const play: ConsumerPlay = { kind: 'consumers', scenario: scenario.id, broker: options.broker, error: null, steps: [] };
  const order = publishOrder(scenario.steps);
  const consumers = new Map<string, LiveConsumer>();
  const ready = new Map<string, string[]>(scenario.definitions.queues.map((q) => [q.name, []]));
  let stepDeliveries: Delivery[] = [];

  const admin = await connection.createChannel();
  let publisher: ConfirmChannel | null = null;
  try {
    for (const q of scenario.definitions.queues) {
      await admin.assertQueue(real(q.name), {
        durable: false,
        arguments: { ...q.arguments, 'x-expires': QUEUE_EXPIRES_MS },
      });
    }
    publisher = await connection.createConfirmChannel();

    // Waits until every delivery the broker has already decided has reached
    // us: a queue process answers a consumer channel's queue.declare only
    // after the deliveries it sent that channel before (Erlang keeps the
    // order of messages between two processes). Answers the ready counts.
    const settle = async (): Promise<Map<string, number>> => {
      const counts = new Map<string, number>();
      for (const c of consumers.values()) await c.channel.checkQueue(real(c.queue));
      for (const q of scenario.definitions.queues) counts.set(q.name, (await admin.checkQueue(real(q.name))).messageCount);
      return counts;
    };

    const act = async (action: ConsumerAction, acked: string[], dropped: string[]) => {
      switch (action.type) {
        case 'publish': {
          const { message } = action;
          // Consumer scenarios publish through the default exchange: the routing key is a queue name.
          const queue = message.routing_key ?? '';
          publisher!.publish(
            message.exchange === '' ? '' : prefix + message.exchange,
            message.exchange === '' ? real(queue) : queue,
            Buffer.from(message.payload),
            {
              messageId: message.payload,
              headers: message.properties?.headers,
              mandatory: message.mandatory ?? false,
            },
          );
          // Booked before awaiting: the delivery may arrive before the confirm.
          ready.get(queue)?.push(message.payload);
          await publisher!.waitForConfirms();
          return;
        }
        case 'consume': {
          const channel = await connection.createChannel();
          const consumer: LiveConsumer = {
            name: action.consumer,
            queue: action.queue,
            channel,
            prefetch: action.prefetch ?? 0,
            unacked: new Map(),
          };
          // basic.qos with global=false: a limit per consumer (RabbitMQ's reading of the flag).
          if (consumer.prefetch > 0) await channel.prefetch(consumer.prefetch, false);
          consumers.set(action.consumer, consumer);
          await channel.consume(
            real(action.queue),
            (msg) => {
              if (!msg) return; // consumer cancelled by the broker (queue deleted at the end)
              const payload = String(msg.properties.messageId ?? msg.content.toString());
              consumer.unacked.set(payload, msg);
              const queueReady = ready.get(consumer.queue) ?? [];
              const at = queueReady.indexOf(payload);
              if (at >= 0) queueReady.splice(at, 1);
              stepDeliveries.push({ consumer: consumer.name, message: payload, redelivered: msg.fields.redelivered });
            },
            { noAck: false },
          );
          return;
        }
        case 'ack':
        case 'nack': {
          const consumer = mustHave(consumers, action.consumer);
          const msg = consumer.unacked.get(action.message);
          if (!msg) throw new Error(`${action.consumer} holds no unacknowledged "${action.message}"`);
          consumer.unacked.delete(action.message);
          if (action.type === 'ack') {
            consumer.channel.ack(msg);
            acked.push(action.message);
          } else {
            consumer.channel.nack(msg, false, action.requeue);
            // A requeued message goes back to the head of its queue.
            if (action.requeue) ready.get(consumer.queue)?.unshift(action.message);
            else dropped.push(action.message);
          }
          // The ack/nack is asynchronous: a queue.declare on the same channel
          // returns only once the queue has processed it.
          await consumer.channel.checkQueue(real(consumer.queue));
          return;
        }
        case 'leave': {
          const consumer = mustHave(consumers, action.consumer);
          consumers.delete(action.consumer);
          // Closing the channel requeues its unacknowledged messages (at the head, in delivery order).
          ready.get(consumer.queue)?.unshift(...consumer.unacked.keys());
          await closeChannel(consumer.channel);
          return;
        }
      }
    };

    for (const step of scenario.steps) {
      stepDeliveries = [];
      const acked: string[] = [];
      const dropped: string[] = [];
      for (const action of step.actions) {
        await act(action, acked, dropped);
        await settle();
      }
      const counts = await settle();
      const played: PlayedConsumerStep = {
        deliveries: [...stepDeliveries].sort((a, b) => order.get(a.message)! - order.get(b.message)!),
        ready: Object.fromEntries([...ready].map(([q, msgs]) => [q, [...msgs]])),
        unacked: Object.fromEntries([...consumers.values()].map((c) => [c.name, [...c.unacked.keys()]])),
        acked,
        dropped,
        prefetch: Object.fromEntries([...consumers.values()].map((c) => [c.name, c.prefetch])),
      };
      const off = [...counts].filter(([q, n]) => n !== ready.get(q)!.length);
      if (off.length > 0) played.mismatch = off.map(([q, n]) => `${q}: the broker holds ${n} ready`).join('; ');
      play.steps.push(played);
    }
  } catch (err) {
    // Cut off by the connection (broker restarted, connection closed): say so
    // as runs do (503, "retrying"), not with amqplib's "Channel ended".
    if (!connection.connected) {
      throw new BrokerUnavailableError(
        `lost the connection to the broker during the play (${err instanceof Error ? err.message : String(err)}); retrying`,
      );
    }
    play.error = err instanceof Error ? err.message : String(err);
  } finally {
    for (const c of consumers.values()) await closeChannel(c.channel);
    if (publisher) await closeChannel(publisher);
    const undeleted: string[] = [];
    for (const q of scenario.definitions.queues) await admin.deleteQueue(real(q.name)).catch(() => undeleted.push(real(q.name)));
    await closeChannel(admin);
    // Not deletable without a connection: deleted once it is back (x-expires
    // stays the net should the server die first), as RabbitMqBroker does.
    if (undeleted.length > 0 && !connection.connected) connection.once('connected', () => void deleteQueues(connection, undeleted));
  }
  return play;
}

async function deleteQueues(connection: AmqpConnection, queues: string[]): Promise<void> {
  try {
    const channel = await connection.createChannel();
    for (const q of queues) await channel.deleteQueue(q);
    await closeChannel(channel);
  } catch {
    // gone again: x-expires removes them
  }
}

function mustHave(consumers: Map<string, LiveConsumer>, name: string): LiveConsumer {
  const consumer = consumers.get(name);
  if (!consumer) throw new Error(`no consumer named ${name} at this point`);
  return consumer;
}
