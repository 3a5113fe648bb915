// One interface, two brokers: the embedded one (the engine, in-process) and a
// real RabbitMQ reached with amqplib. The web layer knows only this.
import type { RunOptions, RunOutcome, RunRequest } from '../engine/types.js';

export type BrokerKind = 'embedded' | 'rabbitmq';

export interface BrokerStatus {
  kind: BrokerKind;
  connected: boolean;
  /** rabbitmq only: connected, blocked (its memory or disk alarm is on), silent (heartbeats missed) or disconnected. */
  state?: 'connected' | 'blocked' | 'silent' | 'disconnected';
  /** The broker's URL without its password (rabbitmq only). */
  url?: string;
}

export interface Broker {
  readonly kind: BrokerKind;
  /**
   * Declare the request's topology in a namespace of its own, publish its
   * messages in order, drain every declared queue, delete everything, and
   * answer in the conformance outcome format (with a trace per message).
   * Broker refusals are outcomes, not exceptions; an exception means the
   * broker is unreachable or broke down. `onRefusal: 'skip'` (the sandbox):
   * a refused declaration is listed in `refusals` and the run goes on.
   */
  run(request: RunRequest, options?: RunOptions): Promise<RunOutcome>;
  status(): BrokerStatus;
  close(): Promise<void>;
}
