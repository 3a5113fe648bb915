// Arguments that name exchanges must name this run's exchanges; everything
// else goes to the broker untouched, so it validates (and refuses) exactly as
// it would for anyone.
import type { FieldTable } from '../../engine/types.js';
import type { Namespace } from './namespace.js';

/**
 * Queues the user gave no x-expires get this one, so a server that dies
 * mid-run leaves nothing behind for ever. The same value on every declaration
 * keeps redeclare equivalence unchanged (x-expires is one of the compared
 * args). An odd number, so a user's own value is unlikely to coincide.
 */
export const SAFETY_EXPIRES_MS = 900_001;

/** Queue types that accept x-expires (streams refuse it with 406). */
const EXPIRING_QUEUE_TYPES = new Set([undefined, 'classic', 'quorum']);

export function exchangeArguments(args: FieldTable | undefined, ns: Namespace): FieldTable {
  const out: FieldTable = { ...args };
  // Only a longstr is an exchange name; any other type goes as is, for the broker's own 406.
  const ae = out['alternate-exchange'];
  if (typeof ae === 'string') out['alternate-exchange'] = ns.alternateExchange(ae);
  return out;
}

export function queueArguments(args: FieldTable | undefined, ns: Namespace): FieldTable {
  const out: FieldTable = { ...args };
  const dlx = out['x-dead-letter-exchange'];
  // x-dead-letter-routing-key is a routing key, not a name: unchanged.
  if (typeof dlx === 'string') out['x-dead-letter-exchange'] = ns.deadLetterExchange(dlx);
  const queueType = out['x-queue-type'];
  if (!('x-expires' in out) && EXPIRING_QUEUE_TYPES.has(queueType as string | undefined)) {
    out['x-expires'] = SAFETY_EXPIRES_MS;
  }
  return out;
}

/**
 * A client-supplied x-death header takes part in dead-letter cycle detection
 * (rabbit_dead_letter:detect_cycles/3 compares each entry's `queue` with the
 * target queue, §13): its queue names must be this run's names too. The same
 * translation applies to binding arguments, so that a headers binding on
 * x-death (all-with-x, any-with-x) still compares equal values.
 */
export function withRunQueueNames(table: FieldTable | undefined, ns: Namespace): FieldTable | undefined {
  const xDeath = table?.['x-death'];
  if (!Array.isArray(xDeath)) return table;
  const entries = xDeath.map((entry) =>
    entry !== null && typeof entry === 'object' && !Array.isArray(entry) && typeof entry.queue === 'string'
      ? { ...entry, queue: ns.queueInHeader(entry.queue) }
      : entry,
  );
  return { ...table, 'x-death': entries };
}
