// Arguments that name exchanges must name this run's exchanges; everything
// else goes to the broker untouched, so it validates (and refuses) exactly as
// it would for anyone.
import type { FieldTable } from '../../engine/types.js';
import type { RunNames } from './namespace.js';

/**
 * Queues the user gave no x-expires get this one, so a server that dies
 * mid-run leaves nothing behind for ever. The same value on every declaration
 * keeps redeclare equivalence unchanged (x-expires is one of the compared
 * args). An odd number, so a user's own value is unlikely to coincide.
 */
export const SAFETY_EXPIRES_MS = 900_001;

/** Queue types that accept x-expires (streams refuse it with 406). */
const EXPIRING_QUEUE_TYPES = new Set([undefined, 'classic', 'quorum']);

export function exchangeArguments(args: FieldTable | undefined, ns: RunNames): FieldTable {
  const out: FieldTable = { ...args };
  // Only a longstr is an exchange name; any other type goes as is, for the broker's own 406.
  const ae = out['alternate-exchange'];
  if (typeof ae === 'string') out['alternate-exchange'] = ns.alternateExchange(ae);
  return out;
}

export function queueArguments(args: FieldTable | undefined, ns: RunNames): FieldTable {
  const out: FieldTable = { ...args };
  const dlx = out['x-dead-letter-exchange'];
  // x-dead-letter-routing-key is a routing key, not a name: unchanged.
  if (typeof dlx === 'string') out['x-dead-letter-exchange'] = ns.deadLetterExchange(dlx);
  const queueType = out['x-queue-type'];
  // In a vhost of its own the run's queues go with the vhost: their arguments stay the user's.
  if (ns.prefixed && !('x-expires' in out) && EXPIRING_QUEUE_TYPES.has(queueType as string | undefined)) {
    out['x-expires'] = SAFETY_EXPIRES_MS;
  }
  return out;
}

/** The headers RabbitMQ writes when it dead-letters a message that name a queue or an exchange (§13). */
const DEATH_QUEUE_HEADERS = ['x-first-death-queue', 'x-last-death-queue'];
const DEATH_EXCHANGE_HEADERS = ['x-first-death-exchange', 'x-last-death-exchange'];

/**
 * The names in dead-letter headers, as this run's names. RabbitMQ writes the
 * run's real names there (prefixed): a headers binding on them (all-with-x,
 * any-with-x: "route what first died in queue q1") must compare against the
 * real names too, and so must a client-supplied x-death, which takes part in
 * dead-letter cycle detection (rabbit_dead_letter:detect_cycles/3 compares
 * each entry's `queue` with the target queue). Applied to binding arguments
 * and to published headers alike, so equal values stay equal.
 */
export function withRunNames(table: FieldTable | undefined, ns: RunNames): FieldTable | undefined {
  if (!table) return table;
  const out: FieldTable = { ...table };
  for (const key of DEATH_QUEUE_HEADERS) if (typeof out[key] === 'string') out[key] = ns.queueInHeader(out[key]);
  for (const key of DEATH_EXCHANGE_HEADERS) if (typeof out[key] === 'string') out[key] = ns.exchangeToPublish(out[key]);
  const xDeath = out['x-death'];
  if (Array.isArray(xDeath)) {
    out['x-death'] = xDeath.map((entry) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return entry;
      const named = { ...entry };
      if (typeof named.queue === 'string') named.queue = ns.queueInHeader(named.queue);
      if (typeof named.exchange === 'string') named.exchange = ns.exchangeToPublish(named.exchange);
      return named;
    });
  }
  return out;
}
