// How big one run may be. A class of students shares one broker: every run
// declares, publishes and drains on it, so each is bounded (and the README
// lists these numbers).
export const RUN_LIMITS = {
  exchanges: 50,
  queues: 50,
  bindings: 200,
  messages: 500,
  /** Message body, UTF-8 bytes. */
  payloadBytes: 64 * 1024,
  /** One field table (headers or arguments) as encoded on the wire. */
  tableBytes: 16 * 1024,
  /** Tables and arrays nested in a table, the table itself included. */
  depth: 8,
  /** Names, routing/binding keys, exchange types, table keys, string properties: AMQP shortstr. */
  shortstrBytes: 255,
  /** The run's own label. */
  nameChars: 200,
} as const;
