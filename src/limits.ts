// How big one run may be — one table for POST /api/run and for the sandbox
// (import, share links, saved scenarios), so that whatever the sandbox
// accepts also runs. A class of students shares one broker: every run
// declares, publishes and drains on it, so each is bounded (the README lists
// these numbers). 500 queues and 2,000 bindings hold a real system's
// definitions file; on RabbitMQ such a run takes a few seconds.
export const RUN_LIMITS = {
  exchanges: 500,
  queues: 500,
  bindings: 2000,
  messages: 100,
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

/** The lists a limit counts, as the request names them: the page words a refusal with `limit.<what>`. */
export type CountedList = 'exchanges' | 'queues' | 'bindings' | 'messages';
export const COUNTED_LISTS: readonly CountedList[] = ['exchanges', 'queues', 'bindings', 'messages'];

/** A refusal over a limit, as data (HTTP 400 `error.code = "limit"`), so the page can word it in its language. */
export interface LimitExceeded {
  what: CountedList;
  max: number;
  count: number;
}
