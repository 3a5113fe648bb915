// The shape of a scenario file (scenarios/*.json). A scenario is data that
// doubles as a test: every step says what must happen, and
// test/scenarios/replay.test.ts replays every file on both brokers.
//
// Two kinds:
// - routing: a topology + one message per step; `expect.queues` are the
//   queues that must receive that message (RabbitMQ's routing_SUITE keeps
//   such {RoutingKey, ExpectedQueues} tables).
// - consumers: a queue and consumers; each step is one or more AMQP actions
//   (publish, consume with prefetch, ack, nack, a consumer going away) and
//   `expect` is the deliveries it causes and the state afterwards.
import { z } from 'zod';
import { EXCHANGE_TYPES } from '../amqp/exchange-types.js';
import { bindingShape, exchangeShape, messageShape, queueShape, shortstr } from '../amqp/definitions-schema.js';
import type { Definitions, MessageSpec } from '../engine/types.js';

export const localized = z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict();
export type Localized = z.infer<typeof localized>;

// The one schema of definitions and messages (src/amqp/definitions-schema.ts),
// strict, with what a lesson also needs: a type the four exchange types name,
// at least one queue, no empty names.
const name = shortstr.min(1);
const definitions = z.strictObject({
  exchanges: z.array(z.strictObject({ ...exchangeShape, type: z.enum(EXCHANGE_TYPES) })).optional(),
  queues: z.array(z.strictObject({ ...queueShape, name })).min(1),
  bindings: z.array(z.strictObject({ ...bindingShape, source: name, destination: name })).optional(),
});

const message = z.strictObject(messageShape);

/** Drawn beside the queues; in consumer scenarios they also act. */
const consumerDef = z.object({ name: z.string().min(1), queue: z.string().min(1) }).strict();

const common = {
  id: z.string().regex(/^[a-z0-9-]+$/),
  order: z.number().int(),
  title: localized,
  summary: localized,
  intro: localized,
  definitions,
  consumers: z.array(consumerDef).optional(),
  /**
   * The message bodies in French, by their English text (every body, once
   * each): a French page shows, and its play publishes, "tâche 1" where the
   * English one has "task 1" (localize.ts).
   */
  payloads: z
    .object({ fr: z.record(z.string(), z.string()) })
    .strict()
    .optional(),
};

const routingStep = z
  .object({
    message,
    narration: localized,
    expect: z
      .object({
        /** Queues that must receive this step's message. */
        queues: z.array(z.string()),
        /** Returned to the producer (mandatory and unroutable). */
        returned: z.boolean().optional(),
        /** What the listed queues hold after this step, as step numbers (1 = first step), FIFO. */
        holds: z.record(z.string(), z.array(z.number().int().min(1))).optional(),
      })
      .strict(),
  })
  .strict();

const consumerAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('publish'), message: message.extend({ payload: z.string().min(1) }) }).strict(),
  z
    .object({
      type: z.literal('consume'),
      consumer: z.string().min(1),
      queue: z.string().min(1),
      /** basic.qos prefetch count; absent or 0 = unlimited. */
      prefetch: z.number().int().min(0).optional(),
    })
    .strict(),
  z.object({ type: z.literal('ack'), consumer: z.string().min(1), message: z.string().min(1) }).strict(),
  z.object({ type: z.literal('nack'), consumer: z.string().min(1), message: z.string().min(1), requeue: z.boolean() }).strict(),
  /** The consumer's channel closes without acking (a worker crashing). */
  z.object({ type: z.literal('leave'), consumer: z.string().min(1) }).strict(),
]);

const delivery = z.object({ consumer: z.string(), message: z.string(), redelivered: z.boolean() }).strict();

const consumerStep = z
  .object({
    actions: z.array(consumerAction).min(1),
    narration: localized,
    expect: z
      .object({
        /** Deliveries this step caused, in order. Messages are named by payload. */
        deliveries: z.array(delivery),
        /** Ready messages per queue after the step, head first. */
        ready: z.record(z.string(), z.array(z.string())),
        /** Delivered but not yet acknowledged, per consumer still present. */
        unacked: z.record(z.string(), z.array(z.string())),
      })
      .strict(),
  })
  .strict();

export const routingScenario = z.object({ ...common, kind: z.literal('routing'), steps: z.array(routingStep).min(1) }).strict();
export const consumerScenario = z.object({ ...common, kind: z.literal('consumers'), steps: z.array(consumerStep).min(1) }).strict();
export const scenarioSchema = z.discriminatedUnion('kind', [routingScenario, consumerScenario]);

export type RoutingScenario = z.infer<typeof routingScenario>;
export type ConsumerScenario = z.infer<typeof consumerScenario>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type RoutingStep = RoutingScenario['steps'][number];
export type ConsumerStep = ConsumerScenario['steps'][number];
export type ConsumerAction = ConsumerStep['actions'][number];
export type Delivery = z.infer<typeof delivery>;

// The parsed shapes are the engine's own (checked here at compile time).
export const asDefinitions = (d: Scenario['definitions']): Definitions => d;
export const asMessage = (m: RoutingStep['message']): MessageSpec => m;
