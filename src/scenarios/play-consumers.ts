// What playing a consumer scenario (work queue, acknowledgements) answers,
// step by step: the deliveries each step caused and the state afterwards.
// One player produces it, play-consumers-amqp.ts: real amqplib consumers on
// whichever broker runs (RabbitMQ, or the embedded broker's own AMQP port).
import type { Delivery } from './schema.js';

export interface PlayedConsumerStep {
  /** Deliveries this step caused, in publish order of the messages. */
  deliveries: Delivery[];
  /** Ready messages per queue after the step, head first. */
  ready: Record<string, string[]>;
  /** Delivered, not yet acknowledged, per consumer present after the step. */
  unacked: Record<string, string[]>;
  /** Messages acknowledged (removed for good) during this step. */
  acked: string[];
  /** Messages dropped during this step (nack without requeue). */
  dropped: string[];
  /** Consumer → its prefetch limit (0 = unlimited), for consumers present after the step. */
  prefetch: Record<string, number>;
  /** Set when the broker's own counts disagree with the bookkeeping. */
  mismatch?: string;
}

export interface ConsumerPlay {
  kind: 'consumers';
  scenario: string;
  broker: 'embedded' | 'rabbitmq';
  /** Why the play stopped early (the broker refused or went away), else null. */
  error: string | null;
  steps: PlayedConsumerStep[];
}

/** Publish order of every message, to sort a step's deliveries deterministically. */
export function publishOrder(steps: { actions: { type: string; message?: unknown }[] }[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const step of steps) {
    for (const action of step.actions) {
      if (action.type === 'publish') {
        const payload = (action.message as { payload: string }).payload;
        order.set(payload, order.size);
      }
    }
  }
  return order;
}
