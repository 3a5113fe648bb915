// The exchanges RabbitMQ predeclares in every vhost (rabbit_vhost l.205–215,
// semantics §9). A run never touches the shared real ones — binding a queue to
// the real amq.direct would let two students see each other's messages — but
// gets private copies with the same type and flags, so that "declare
// amq.direct non-durable" still earns the broker's own 406.
export interface PredeclaredExchange {
  type: 'direct' | 'topic' | 'fanout' | 'headers';
  durable: true;
  internal: boolean;
}

export const PREDECLARED_EXCHANGES: ReadonlyMap<string, PredeclaredExchange> = new Map([
  ['amq.direct', { type: 'direct', durable: true, internal: false }],
  ['amq.topic', { type: 'topic', durable: true, internal: false }],
  ['amq.fanout', { type: 'fanout', durable: true, internal: false }],
  ['amq.headers', { type: 'headers', durable: true, internal: false }],
  ['amq.match', { type: 'headers', durable: true, internal: false }],
  // internal: publishing to it is refused with 403 (semantics §1.5)
  ['amq.rabbitmq.trace', { type: 'topic', durable: true, internal: true }],
]);

/** The four types RabbitMQ 3.10 knows without plugins. */
export const KNOWN_EXCHANGE_TYPES: ReadonlySet<string> = new Set(['direct', 'topic', 'fanout', 'headers']);
