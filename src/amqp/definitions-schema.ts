// The one schema of what a run is made of — exchanges, queues, bindings (the
// shape of a RabbitMQ definitions file) and messages — shared by POST
// /api/run, the sandbox (its API, imports, share links) and the scenario
// files, so that whatever one accepts the others read the same way. It is
// strict about shape and bounds (RUN_LIMITS) only: names and values are the
// broker's to judge ("amq.foo", an unknown type, x-match "bogus" are refused
// by the broker itself, an outcome worth seeing). Its own checks say what is
// wrong as a catalog key (locales/*/errors.json), worded in the asker's
// language. Omitted fields mean RabbitMQ's defaults.
import { z } from 'zod';
import { RUN_LIMITS as L } from '../limits.js';
import { checkFieldTable, isWellFormed } from './field-table-check.js';
import type { FieldTable } from './field-table.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Names, keys, types: an AMQP shortstr — longer would not even encode (and RabbitMQ would close the connection). */
export const shortstr = z
  .string()
  .refine(isWellFormed, { message: 'error.unicode' })
  .refine((s) => bytes(s) <= L.shortstrBytes, { message: 'error.shortstr', params: { max: L.shortstrBytes } });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON object sent as an AMQP field table (arguments, headers), checked as
 * received: nothing dropped silently. z.custom keeps the object itself:
 * copying it key by key would turn a "__proto__" key into a prototype.
 */
export const fieldTable = z.custom<FieldTable>(isPlainObject, { message: 'error.table.not-object' }).superRefine((table, ctx) => {
  for (const issue of checkFieldTable(table).issues)
    ctx.addIssue({ code: 'custom', message: issue.key, params: issue.params, path: issue.path });
});

/** A message body: well-formed text within the run's bytes. */
export const payload = z
  .string()
  .refine(isWellFormed, { message: 'error.unicode' })
  .refine((s) => bytes(s) <= L.payloadBytes, { message: 'error.payload', params: { max: L.payloadBytes } });

const flag = z.boolean().optional();

export const exchangeShape = {
  name: shortstr,
  /** Any type: one RabbitMQ does not know is refused with its own 503 (an outcome). */
  type: shortstr,
  durable: flag,
  auto_delete: flag,
  internal: flag,
  arguments: fieldTable.optional(),
};
export const queueShape = { name: shortstr, durable: flag, auto_delete: flag, arguments: fieldTable.optional() };
export const bindingShape = {
  source: shortstr,
  destination: shortstr,
  destination_type: z.enum(['queue', 'exchange']).optional(),
  routing_key: shortstr.optional(),
  arguments: fieldTable.optional(),
};
/** A message as the sandbox and the scenarios publish it (POST /api/run also takes the other basic properties). */
export const messageShape = {
  exchange: shortstr,
  routing_key: shortstr.optional(),
  properties: z.strictObject({ headers: fieldTable.optional() }).optional(),
  payload: payload.optional(),
  mandatory: flag,
};

/**
 * The three lists, each bounded. `strict`: an unknown field is refused (a
 * field we do not know might change what the entry means); `lenient`:
 * ignored, as RabbitMQ's definitions files carry more ("vhost"…).
 */
export function definitionsSchema(mode: 'strict' | 'lenient') {
  const entry = mode === 'strict' ? z.strictObject : z.object;
  return entry({
    exchanges: z.array(entry(exchangeShape)).max(L.exchanges).default([]),
    queues: z.array(entry(queueShape)).max(L.queues).default([]),
    bindings: z.array(entry(bindingShape)).max(L.bindings).default([]),
  });
}
