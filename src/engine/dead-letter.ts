// Dead-lettering (§13, rabbit_dead_letter.erl at 3.10.8): the copy of a
// message that a queue hands to its dead-letter exchange, and the cycle rule
// that keeps automatic dead-lettering from looping.
//
// What happens to a message that leaves a queue (maxlen, expired, rejected):
//   - no DLX on the queue → dropped;
//   - the DLX is looked up now, at dead-letter time; missing → dropped;
//   - otherwise the copy below is routed from the DLX like a publish (AEs and
//     exchange bindings apply) but never mandatory, and target queues that
//     would close an automatic cycle are left out.
//
// The copy:
//   - routing keys: [x-dead-letter-routing-key] if the queue has one (and the
//     CC header is then removed), otherwise the original keys: RK + CC + BCC;
//   - exchange: the DLX; the expiration property is removed;
//   - headers: an x-death entry for (queue, reason) is added or counted up,
//     most recent first, and on the first death x-first-death-* are set.
import type { Queue, StoredMessage } from './queue.js';
import { routeOnly, routeTraced } from './router.js';
import type { Topology } from './router.js';
import type { DeadLetterRoute, DeathReason, FieldTable, FieldValue, QueueEvent } from './types.js';

export type { DeathReason } from './types.js';

type Table = { [key: string]: FieldValue };

function isTable(value: FieldValue | undefined): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** rabbit_dead_letter:make_msg/5. */
export function deadLetterCopy(
  message: StoredMessage,
  reason: DeathReason,
  queue: string,
  deadLetterExchange: string,
  deadLetterRoutingKey: string | undefined,
  nowMs: number,
): StoredMessage {
  const headers: FieldTable = { ...(message.headers ?? {}) };
  const cc = Array.isArray(headers.CC) ? headers.CC.filter((k): k is string => typeof k === 'string') : [];
  const death: Table = {
    reason,
    queue,
    time: { '!': 'timestamp', value: Math.floor(nowMs / 1000) },
    exchange: message.exchange,
    // The first key, then the CC keys still in the headers (BCC is gone).
    'routing-keys': [message.routingKeys[0] ?? '', ...cc],
  };
  const expiration = message.properties.expiration;
  if (expiration !== undefined && expiration !== null) death['original-expiration'] = String(expiration);
  recordDeath(headers, death);
  if (deadLetterRoutingKey !== undefined) delete headers.CC;
  const { expiration: _removed, ...properties } = message.properties;
  return {
    ...message,
    exchange: deadLetterExchange,
    routingKeys: deadLetterRoutingKey !== undefined ? [deadLetterRoutingKey] : message.routingKeys,
    headers,
    properties: { ...properties, headers },
    // The headers changed: the publisher's property bytes no longer describe the copy.
    rawProperties: undefined,
    ttl: undefined,
  };
}

/** update_x_death_header/2. */
function recordDeath(headers: FieldTable, death: Table): void {
  const existing = headers['x-death'];
  if (existing === undefined) {
    headers['x-death'] = [{ count: 1, ...death }];
    headers['x-first-death-reason'] = death.reason!;
    headers['x-first-death-queue'] = death.queue!;
    headers['x-first-death-exchange'] = death.exchange!;
    return;
  }
  if (!Array.isArray(existing)) {
    // Not an array: reset (RabbitMQ logs a warning).
    headers['x-death'] = [{ count: 1, ...death }];
    return;
  }
  const same = existing.findIndex((d) => isTable(d) && d.queue === death.queue && d.reason === death.reason);
  let entry: Table;
  if (same >= 0) {
    // Same (queue, reason): moved to the front, counted; its other fields keep their first values.
    const old = existing[same] as Table;
    entry = sortTable({ ...old, count: (typeof old.count === 'number' ? old.count : 0) + 1 });
  } else {
    entry = sortTable({ count: 1, ...death });
  }
  headers['x-death'] = [entry, ...existing.filter((_, i) => i !== same)];
}

function sortTable(table: Table): Table {
  return Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * is_cycle/2: dead-lettering into `queue` is a cycle if the message already
 * died there, with no rejection in between (a reject→DLX→same queue loop is
 * allowed). Checked on the x-death list after this death was recorded, so a
 * queue dead-lettering into itself by maxlen or expiry is always a cycle.
 */
export function isCycle(queue: string, headers: FieldTable | undefined): boolean {
  const deaths = headers?.['x-death'];
  if (!Array.isArray(deaths)) return false;
  const at = deaths.findIndex((d) => isTable(d) && d.queue === queue);
  if (at < 0) return false;
  return deaths.slice(0, at + 1).every((d) => isTable(d) && d.reason !== 'rejected');
}

/** detect_cycles/3: rejected messages never cycle; otherwise drop the cycling targets. */
export function withoutCycles(reason: DeathReason, copy: StoredMessage, targets: string[]): { kept: string[]; cycles: string[] } {
  if (reason === 'rejected') return { kept: targets, cycles: [] };
  const kept: string[] = [];
  const cycles: string[] = [];
  for (const target of targets) (isCycle(target, copy.headers) ? cycles : kept).push(target);
  return { kept, cycles };
}

/** What dead-lettering reports to: the cascade of one publish (cascade.ts), which calls it. */
export interface DeadLetterSink {
  readonly host: Topology & { readonly now: number };
  /** Record the hops of dead-letter routes too. */
  readonly trace: boolean;
  readonly deadLetters: DeadLetterRoute[];
  event(event: QueueEvent): void;
  enqueue(message: StoredMessage, queues: string[]): void;
}

/** rabbit_dead_letter:publish/5, reporting each step to the cascade. */
export function deadLetter(cascade: DeadLetterSink, queue: Queue, message: StoredMessage, reason: DeathReason): void {
  const host = cascade.host;
  const dlxName = queue.settings.deadLetterExchange;
  const base = { queue: queue.name, message: message.index };
  if (dlxName === undefined) return cascade.event({ kind: 'dropped', ...base, reason });
  const dlx = host.exchange(dlxName);
  if (!dlx) return cascade.event({ kind: 'dead-letter-dropped', ...base, why: 'missing-exchange' });
  const copy = deadLetterCopy(message, reason, queue.name, dlxName, queue.settings.deadLetterRoutingKey, host.now);
  const routed = cascade.trace ? routeTraced(host, dlx, copy, 'dead-letter') : { queues: routeOnly(host, dlx, copy), hops: [] };
  const { kept, cycles } = withoutCycles(reason, copy, routed.queues);
  const routingKeys = [...copy.routingKeys];
  cascade.event({ kind: 'dead-lettered', ...base, reason, dead_letter_exchange: dlxName, routing_keys: routingKeys });
  for (const target of cycles) cascade.event({ kind: 'dead-letter-dropped', ...base, why: 'cycle', target_queue: target });
  if (routed.queues.length === 0) cascade.event({ kind: 'dead-letter-dropped', ...base, why: 'unroutable' });
  cascade.deadLetters.push({
    from_queue: queue.name,
    message: message.index,
    reason,
    dead_letter_exchange: dlxName,
    routing_keys: routingKeys,
    hops: routed.hops,
    queues: kept,
  });
  cascade.enqueue(copy, kept);
}
