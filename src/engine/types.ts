// The shared vocabulary of the playground: what a run asks for (a topology in
// the shape of a RabbitMQ definitions file, plus messages), what it answers
// (the outcome format of test/conformance/README.md), and the trace that
// explains every routing decision. Both brokers speak it; the pages draw it.

import type { ExchangeTypeName } from '../amqp/exchange-types.js';
import type { FieldTable, FieldValue } from '../amqp/field-table.js';

/** A field value as JSON carries it (amqplib encodes it the same way): AMQP's own, src/amqp/field-table.ts. */
export type { FieldTable, FieldValue };

export type ExchangeType = ExchangeTypeName;

export interface ExchangeDef {
  name: string;
  /** Any string: an unknown type is refused with 503, as RabbitMQ does. */
  type: string;
  durable?: boolean;
  auto_delete?: boolean;
  internal?: boolean;
  arguments?: FieldTable;
}

export interface QueueDef {
  name: string;
  durable?: boolean;
  auto_delete?: boolean;
  arguments?: FieldTable;
}

export interface BindingDef {
  source: string;
  destination: string;
  destination_type?: 'queue' | 'exchange';
  routing_key?: string;
  arguments?: FieldTable;
}

/** A RabbitMQ definitions file; keys other than these three are ignored. */
export interface Definitions {
  exchanges?: ExchangeDef[];
  queues?: QueueDef[];
  bindings?: BindingDef[];
  [other: string]: unknown;
}

export interface MessageProperties {
  headers?: FieldTable;
  priority?: number;
  /** Per-message TTL in ms, as a string (AMQP's `expiration`). */
  expiration?: string;
  content_type?: string;
  message_id?: string;
  [other: string]: unknown;
}

export interface MessageSpec {
  exchange: string;
  routing_key?: string;
  properties?: MessageProperties;
  payload?: string;
  /** The body as bytes (from the wire); takes the place of `payload`. */
  body?: Buffer;
  /** The content header's property bytes, kept to deliver header types unchanged (see StoredMessage). */
  raw_properties?: Buffer;
  mandatory?: boolean;
}

/** The body of POST /api/run. */
export interface RunRequest {
  name?: string;
  definitions: Definitions;
  messages: MessageSpec[];
}

/**
 * A refusal by the broker, as data. `code` is the AMQP reply code (403, 404,
 * 406, 503…), `text` its AMQP name, `message` the broker's own wording,
 * e.g. "NOT_FOUND - no exchange 'x' in vhost '/'".
 */
export interface AmqpError {
  code: number;
  text: string;
  message: string;
}

/** How a run treats a refused declaration. */
export interface RunOptions {
  /**
   * 'stop' (default, the conformance format): the first refusal ends the run
   * (setup_error). 'skip' (the sandbox): every refusal is listed in
   * `refusals`, the refused entity is left out and the run goes on.
   */
  onRefusal?: 'stop' | 'skip';
}

/** A declaration refused in a 'skip' run: where, the broker's words, and a reason a page can translate. */
export interface SetupRefusal extends AmqpError {
  kind: 'exchange' | 'queue' | 'binding';
  /** Index in its list of the request's definitions. */
  index: number;
  /** See refusal-reason.ts: "not-found", "reserved-name"… or "other". */
  reason: string;
  params: Record<string, string>;
}

export interface RunOutcome {
  /** The first declaration or binding refused; the other fields are then absent. */
  setup_error: null | { code: number; message: string };
  /** Where setup failed: which declaration (kind and index in its list). */
  setup_error_at?: { kind: 'exchange' | 'queue' | 'binding'; index: number };
  /** 'skip' runs only: every declaration refused, in the order made (setup_error is then null). */
  refusals?: SetupRefusal[];
  /** Every declared queue (by its declared name) → message indices it holds, FIFO. */
  queues?: Record<string, number[]>;
  /** Indices of messages returned (mandatory and unroutable), ascending. */
  returned?: number[];
  /** Message index → reply code of the channel error that publishing it caused. */
  publish_errors?: Record<string, number>;
  /** One trace per message, same index (the engine's explanation). */
  traces?: MessageTrace[];
  /**
   * RabbitMQ mode only: where the engine's prediction differs from what the
   * broker did, one sentence per difference ([] = they agree; null = no
   * prediction was made). Shown beside the facts, never hidden.
   */
  prediction_mismatch?: string[] | null;
}

// ---------------------------------------------------------------------------
// The trace: why each message went where it went. Structured, so pages can
// draw it; every name in it is the name the user declared.

/** One binding considered while an exchange routed a message. */
export interface BindingCheck {
  source: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  binding_key: string;
  arguments: FieldTable;
  matched: boolean;
  /** Which of the message's routing keys matched (direct/topic), if any. */
  matched_routing_key?: string;
  detail: MatchDetail;
}

export type MatchDetail =
  | { kind: 'direct'; comparisons: { routing_key: string; equal: boolean }[] }
  | { kind: 'fanout' }
  | { kind: 'topic'; attempts: TopicAttempt[] }
  | { kind: 'headers'; x_match: string; rows: HeaderRow[]; verdict: HeadersVerdict };

/**
 * Why a headers binding matched or not, as a code the page words (§8):
 * nothing to compare (all: every message matches, any: none does), all
 * compared headers match, the first that is missing or differs (all), the
 * first that matches or none does (any).
 */
export interface HeadersVerdict {
  code: 'nothing-compared' | 'all-match' | 'header-missing' | 'header-differs' | 'header-matches' | 'none-match';
  /** The header the verdict names (header-missing, header-differs, header-matches). */
  key?: string;
  /** How many arguments were compared with the message's headers. */
  compared: number;
  x_match_given: boolean;
  /** x- arguments left out of the comparison (they count only with all-with-x / any-with-x). */
  ignored_x: string[];
}

/** Topic: one routing key tried against the binding key. */
export interface TopicAttempt {
  routing_key: string;
  matched: boolean;
  pattern_words: string[];
  key_words: string[];
  /**
   * When matched: for each pattern word, the key words it consumed
   * (`*` one, a literal one, `#` zero or more). When not matched: the longest
   * partial alignment found, and where it failed.
   */
  alignment: { pattern_word: string; key_words: string[] }[];
  failed_at?: {
    pattern_index: number;
    key_index: number;
    /** Why it stopped (the page words it): a word differs, the key ran out, or words were left over. */
    code: 'word-differs' | 'key-ended' | 'key-too-long';
  };
}

/** Headers: one binding argument compared with the message's headers. */
export interface HeaderRow {
  key: string;
  binding_value: FieldValue;
  message_value?: FieldValue;
  present: boolean;
  /** match: equal or presence test; mismatch: different value; missing: not in message; ignored: x- key under all/any, or x-match itself */
  result: 'match' | 'mismatch' | 'missing' | 'ignored';
}

/** One exchange evaluated for one message (each at most once per publish). */
export interface ExchangeHop {
  exchange: string;
  type: ExchangeType;
  /** How the message got here. */
  via: 'publish' | 'exchange-binding' | 'alternate-exchange' | 'dead-letter';
  /** The exchange that led here (for exchange-binding / alternate-exchange). */
  from?: string;
  bindings: BindingCheck[];
  /** Set when no binding matched and the exchange has an alternate exchange. */
  alternate_exchange?: { name: string; exists: boolean; already_visited: boolean };
  /** Exchange destinations not followed because already evaluated (cycle guard). */
  skipped_exchanges?: string[];
}

export type QueueEvent =
  | { kind: 'enqueued'; queue: string; message: number }
  | { kind: 'duplicate-ignored'; queue: string; message: number; paths: number }
  | { kind: 'missing-queue'; queue: string; message: number }
  | { kind: 'dropped'; queue: string; message: number; reason: DeathReason }
  | { kind: 'rejected'; queue: string; message: number; reason: 'maxlen' }
  | { kind: 'dead-lettered'; queue: string; message: number; reason: DeathReason; dead_letter_exchange: string; routing_keys: string[] }
  /** `target_queue`: for a cycle, the queue the copy would have re-entered (§13 cycle rule). */
  | { kind: 'dead-letter-dropped'; queue: string; message: number; why: 'missing-exchange' | 'cycle' | 'unroutable'; target_queue?: string }
  /** A consumer took the message (never enqueued if it was waiting); consumers only, not in run(). */
  | { kind: 'delivered'; queue: string; message: number; consumer: string; delivery_tag: number; redelivered: boolean };

/** Why a message left a queue: pushed out by a length limit, expired, or rejected by a consumer (nack/reject without requeue). */
export type DeathReason = 'maxlen' | 'expired' | 'rejected';

/** Routing of a message's dead-lettered copy through its DLX. */
export interface DeadLetterRoute {
  from_queue: string;
  message: number;
  reason: DeathReason;
  dead_letter_exchange: string;
  routing_keys: string[];
  hops: ExchangeHop[];
  queues: string[];
}

export interface MessageTrace {
  index: number;
  exchange: string;
  routing_key: string;
  /** [routing_key] + CC + BCC: every key the message is routed with. */
  routing_keys: string[];
  /** The publish failed with a channel error (404 missing exchange, 403 internal, 406 bad CC). */
  error?: AmqpError;
  /** Default exchange: the queue names looked up. */
  default_exchange?: { queue: string; exists: boolean }[];
  hops: ExchangeHop[];
  /** Queues the message was routed to (existing, de-duplicated, in order first reached). */
  routed_to: string[];
  returned: boolean;
  /** What the queues did with it (and with older messages it pushed out). */
  queue_events: QueueEvent[];
  dead_letters: DeadLetterRoute[];
}
