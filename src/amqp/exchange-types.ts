// The exchange types RabbitMQ 3.10 knows without plugins (rabbit_exchange_type_*),
// written once: the engine routes them, the loaders accept them, the RabbitMQ
// adapter refuses any other before the broker would close the connection (503).
export const EXCHANGE_TYPES = ['direct', 'topic', 'fanout', 'headers'] as const;

export type ExchangeTypeName = (typeof EXCHANGE_TYPES)[number];

export function isExchangeType(type: string): type is ExchangeTypeName {
  return (EXCHANGE_TYPES as readonly string[]).includes(type);
}
