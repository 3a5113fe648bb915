// The exchanges RabbitMQ declares in every vhost (rabbit_vhost:declare_default_exchanges,
// docs/semantics.md §9), all durable; amq.rabbitmq.trace is internal, so
// publishing to it is refused with 403 (§1.5). The default exchange "" is
// direct and has an implicit binding per queue (§4).
import type { ExchangeTypeName } from './exchange-types.js';

export interface PredeclaredExchange {
  type: ExchangeTypeName;
  durable: true;
  internal: boolean;
}

export const DEFAULT_EXCHANGE = '';

/** The amq.* exchanges (the default exchange "" apart). */
export const PREDECLARED_EXCHANGES: ReadonlyMap<string, PredeclaredExchange> = new Map([
  ['amq.direct', { type: 'direct', durable: true, internal: false }],
  ['amq.topic', { type: 'topic', durable: true, internal: false }],
  ['amq.fanout', { type: 'fanout', durable: true, internal: false }],
  ['amq.headers', { type: 'headers', durable: true, internal: false }],
  ['amq.match', { type: 'headers', durable: true, internal: false }],
  ['amq.rabbitmq.trace', { type: 'topic', durable: true, internal: true }],
]);

/** The predeclared exchanges a program may publish to and bind with (the internal trace exchange apart). */
export const PUBLIC_PREDECLARED_EXCHANGES: readonly string[] = [...PREDECLARED_EXCHANGES]
  .filter(([, x]) => !x.internal)
  .map(([name]) => name);
