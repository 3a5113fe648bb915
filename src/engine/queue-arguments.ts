// Queue arguments: validated when a queue is created, as
// rabbit_amqqueue:declare_args/0 does in 3.10.8 (every violation is a 406 whose
// wording was checked against the broker), then turned into the settings the
// queue uses (§13). A redeclaration is compared, not validated (§9/§13).
import { amqpError, resourceName } from './errors.js';
import { erlangTerm, toWire, type Wire } from './field-values.js';
import type { AmqpError, FieldTable } from './types.js';

export type Overflow = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';
export type QueueType = 'classic' | 'quorum' | 'stream';

export interface QueueSettings {
  type: QueueType;
  maxLength?: number;
  maxLengthBytes?: number;
  overflow: Overflow;
  deadLetterExchange?: string;
  deadLetterRoutingKey?: string;
  /** x-message-ttl in ms. */
  messageTtl?: number;
  /** x-max-priority: a priority queue with levels 0..maxPriority. */
  maxPriority?: number;
  expires?: number;
  /** x-single-active-consumer: only the earliest registered consumer receives. */
  singleActiveConsumer?: boolean;
}

const INTEGER_TYPES = new Set(['byte', 'short', 'signedint', 'long', 'unsignedbyte', 'unsignedshort', 'unsignedint']);
/** rabbit_misc:check_expiry: at most 10 years in ms. */
const MAX_EXPIRY = 315_360_000_000;
const MAX_PRIORITY = 255;

/** A check returns the Erlang error term RabbitMQ prints (already formatted), or null. */
type Check = (value: Wire, args: FieldTable) => string | null;

const intArg: Check = (w) => (INTEGER_TYPES.has(w.t) ? null : `"expected integer, got ${w.t}"`);
const nonNegInt: Check = (w, args) => intArg(w, args) ?? ((w.v as number) < 0 ? `{value_negative,${w.v as number}}` : null);
const expiry = (n: number): string | null => (n > MAX_EXPIRY ? `{value_too_large,${n}}` : n < 0 ? `{value_negative,${n}}` : null);
const oneOf =
  (values: string[], invalid: (v: string) => string, invalidType = (t: string) => `{unacceptable_type,${t}}`): Check =>
  (w) =>
    w.t !== 'longstr' ? invalidType(w.t) : values.includes(w.v) ? null : invalid(w.v);

/** rabbit_amqqueue:declare_args/0 at v3.10.8, in its order (the first failing key is reported). */
const DECLARE_ARGS: [string, Check][] = [
  ['x-expires', (w, a) => intArg(w, a) ?? (w.v === 0 ? '{value_zero,0}' : expiry(w.v as number))],
  ['x-message-ttl', (w, a) => intArg(w, a) ?? expiry(w.v as number)],
  ['x-dead-letter-exchange', (w) => (w.t === 'longstr' ? null : `{unacceptable_type,${w.t}}`)],
  [
    'x-dead-letter-routing-key',
    (w, args) =>
      w.t !== 'longstr'
        ? `{unacceptable_type,${w.t}}`
        : args['x-dead-letter-exchange'] === undefined
          ? 'routing_key_but_no_dlx_defined'
          : null,
  ],
  ['x-max-length', nonNegInt],
  ['x-max-length-bytes', nonNegInt],
  ['x-max-in-memory-length', nonNegInt],
  ['x-max-in-memory-bytes', nonNegInt],
  ['x-max-priority', (w, a) => nonNegInt(w, a) ?? ((w.v as number) > MAX_PRIORITY ? `{max_value_exceeded,${w.v as number}}` : null)],
  ['x-overflow', oneOf(['drop-head', 'reject-publish', 'reject-publish-dlx'], () => 'invalid_overflow')],
  ['x-queue-mode', oneOf(['default', 'lazy'], (v) => `"unsupported queue mode '${v}'"`)],
  ['x-single-active-consumer', (w) => (w.t === 'bool' ? null : `{unacceptable_type,${w.t}}`)],
  ['x-queue-type', oneOf(['classic', 'quorum', 'stream'], (v) => `"unsupported queue type '${v}'"`)],
  ['x-quorum-initial-group-size', (w, a) => nonNegInt(w, a) ?? (w.v === 0 ? '{value_zero,0}' : null)],
  [
    'x-max-age',
    (w) => (w.t !== 'longstr' ? `{unacceptable_type,${w.t}}` : /^[0-9]*[1-9][0-9]*[YMDhms]$/.test(w.v) ? null : 'invalid_max_age'),
  ],
  ['x-max-segment-size', nonNegInt],
  ['x-initial-cluster-size', (w, a) => nonNegInt(w, a) ?? (w.v === 0 ? '{value_zero,0}' : null)],
  ['x-queue-leader-locator', oneOf(['client-local', 'random', 'least-leaders'], () => 'invalid_queue_locator_arg')],
];

/** Arguments compared on redeclaration (the same keys, same order). */
export const EQUIVALENCE_KEYS = DECLARE_ARGS.map(([key]) => key);

function present(args: FieldTable, key: string): boolean {
  return Object.hasOwn(args, key) && args[key] !== undefined;
}

/**
 * Validates a new queue's arguments in RabbitMQ's order: the DLX name type
 * (rabbit_channel), then declare_args, then the queue type's own rules.
 */
export function validateQueueArguments(
  name: string,
  vhost: string,
  flags: { durable: boolean; autoDelete: boolean },
  args: FieldTable,
): AmqpError | null {
  const queue = resourceName('queue', name, vhost);
  if (present(args, 'x-dead-letter-exchange')) {
    const t = toWire(args['x-dead-letter-exchange']).t;
    if (t !== 'longstr') return amqpError(406, `invalid type '${t}' for arg 'x-dead-letter-exchange' in ${queue}`);
  }
  for (const [key, check] of DECLARE_ARGS) {
    if (!present(args, key)) continue;
    const error = check(toWire(args[key]), args);
    if (error) return amqpError(406, `invalid arg '${key}' for ${queue}: ${error}`);
  }
  if (args['x-queue-type'] === 'quorum') {
    // rabbit_quorum_queue:declare/2: unsupported arguments, then the properties.
    for (const key of ['x-max-priority', 'x-queue-mode']) {
      if (present(args, key)) return amqpError(406, `invalid arg '${key}' for ${queue} of queue type rabbit_quorum_queue`);
    }
    if (flags.autoDelete) return amqpError(406, `invalid property 'auto-delete' for ${queue}`);
    if (!flags.durable) return amqpError(406, `invalid property 'non-durable' for ${queue}`);
  }
  if (args['x-queue-type'] === 'stream') {
    // Declared fine by RabbitMQ, but streams are not queues one can basic.get from: out of scope here.
    return amqpError(540, `stream queues are not simulated by the embedded broker (${queue})`);
  }
  return null;
}

/** The settings a validated queue runs with. */
export function queueSettings(args: FieldTable): QueueSettings {
  const num = (key: string) => (typeof args[key] === 'number' ? args[key] : undefined);
  const str = (key: string) => (typeof args[key] === 'string' ? args[key] : undefined);
  const type = (str('x-queue-type') ?? 'classic') as QueueType;
  let overflow = (str('x-overflow') ?? 'drop-head') as Overflow;
  // §13: quorum queues do not support reject-publish-dlx and fall back to drop-head.
  if (type === 'quorum' && overflow === 'reject-publish-dlx') overflow = 'drop-head';
  const settings: QueueSettings = { type, overflow };
  const set = <K extends keyof QueueSettings>(key: K, value: QueueSettings[K] | undefined) => {
    if (value !== undefined) settings[key] = value;
  };
  set('maxLength', num('x-max-length'));
  set('maxLengthBytes', num('x-max-length-bytes'));
  set('deadLetterExchange', str('x-dead-letter-exchange'));
  set('deadLetterRoutingKey', str('x-dead-letter-routing-key'));
  set('messageTtl', num('x-message-ttl'));
  if (type === 'classic') set('maxPriority', num('x-max-priority'));
  set('expires', num('x-expires'));
  if (args['x-single-active-consumer'] === true) settings.singleActiveConsumer = true;
  return settings;
}

/** rabbit_misc:type_class/1: integer types compare as one class, float and double as another. */
function typeClass(t: string): string {
  if (INTEGER_TYPES.has(t) || t === 'decimal') return 'int';
  if (t === 'float' || t === 'double') return 'float';
  return t;
}

/** rabbit_misc:val/1 as used in "inequivalent arg" messages. */
function describe(w: Wire | undefined, withType: boolean): string {
  if (!w) return 'none';
  const value = w.t === 'longstr' || w.t === 'binary' ? String(w.v) : erlangTerm(w);
  return withType ? `the value '${value}' of type '${w.t}'` : `'${value}'`;
}

/**
 * rabbit_misc:assert_args_equivalence/4 over `keys`: a key present on one side
 * only, or with another type class or value, is a 406.
 */
export function assertArgsEquivalence(
  kind: 'exchange' | 'queue',
  name: string,
  vhost: string,
  current: FieldTable,
  received: FieldTable,
  keys: readonly string[],
): AmqpError | null {
  for (const key of keys) {
    const a = present(current, key) ? toWire(current[key]) : undefined;
    const b = present(received, key) ? toWire(received[key]) : undefined;
    if (!a && !b) continue;
    if (a && b && typeClass(a.t) === typeClass(b.t) && sameValue(a, b)) continue;
    const both = a !== undefined && b !== undefined;
    return amqpError(
      406,
      `inequivalent arg '${key}' for ${resourceName(kind, name, vhost)}: received ${describe(b, !both)} but current is ${describe(a, !both)}`,
    );
  }
  return null;
}

function sameValue(a: Wire, b: Wire): boolean {
  return JSON.stringify(a.v) === JSON.stringify(b.v);
}
