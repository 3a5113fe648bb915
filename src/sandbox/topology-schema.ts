// The sandbox's topology and messages, as the API accepts them. The shape is
// a RabbitMQ definitions file restricted to exchanges, queues and bindings
// (the engine's Definitions). It is strict about shape and bounds only: a
// sandbox exists to try what the broker refuses ("amq.foo", an unknown type,
// x-match "bogus"), so names and values are the broker's to judge, not ours.
import { z } from 'zod';
import type { BindingDef, ExchangeDef, FieldTable, MessageSpec, QueueDef } from '../engine/types.js';
import {
  MAX_BINDINGS,
  MAX_EXCHANGES,
  MAX_MESSAGES,
  MAX_PAYLOAD_CHARS,
  MAX_QUEUES,
  MAX_SHORTSTR_BYTES,
  MAX_STRING_CHARS,
  MAX_TABLE_KEYS,
} from './limits.js';

/** Exchange, queue names and keys travel as AMQP shortstr (1-byte length). */
export const shortstr = z
  .string()
  .refine((s) => Buffer.byteLength(s) <= MAX_SHORTSTR_BYTES, `is longer than ${MAX_SHORTSTR_BYTES} bytes (an AMQP shortstr)`);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first problem inside an arguments/headers value, or null. Depth is bounded before this runs. */
function tableProblem(table: Record<string, unknown>): string | null {
  if (Object.keys(table).length > MAX_TABLE_KEYS) return `has more than ${MAX_TABLE_KEYS} keys`;
  const stack: unknown[] = Object.values(table);
  for (const key of Object.keys(table)) {
    if (Buffer.byteLength(key) > MAX_SHORTSTR_BYTES) return `has a key longer than ${MAX_SHORTSTR_BYTES} bytes`;
  }
  while (stack.length > 0) {
    const v = stack.pop();
    // JSON.parse turns 1e400 into Infinity, which no AMQP field value can carry.
    if (typeof v === 'number' && !Number.isFinite(v)) return 'holds a number too large to send';
    if (typeof v === 'string' && v.length > MAX_STRING_CHARS) return `holds a string longer than ${MAX_STRING_CHARS} characters`;
    if (v !== null && typeof v === 'object') stack.push(...Object.values(v as Record<string, unknown>)); // an array's values are its elements
  }
  return null;
}

/**
 * An AMQP field table (arguments, headers). z.custom keeps the object itself:
 * copying it key by key would turn a "__proto__" key into a prototype.
 */
export const fieldTable = z.custom<FieldTable>(isPlainObject, 'must be an object of name → value').superRefine((table, ctx) => {
  const problem = tableProblem(table);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const flag = z.boolean().optional();

export const exchangeShape = {
  name: shortstr,
  /** Any type: an unknown one is refused by the broker (503), which is worth seeing. */
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

export const topologySchema = z
  .object({
    exchanges: z.array(z.object(exchangeShape).strict()).max(MAX_EXCHANGES).default([]),
    queues: z.array(z.object(queueShape).strict()).max(MAX_QUEUES).default([]),
    bindings: z.array(z.object(bindingShape).strict()).max(MAX_BINDINGS).default([]),
  })
  .strict();

export const messageSchema = z
  .object({
    exchange: shortstr,
    routing_key: shortstr.optional(),
    properties: z.object({ headers: fieldTable.optional() }).strict().optional(),
    payload: z.string().max(MAX_PAYLOAD_CHARS).optional(),
    mandatory: z.boolean().optional(),
  })
  .strict();

export const messagesSchema = z.array(messageSchema).max(MAX_MESSAGES);

/** Every field present, RabbitMQ's defaults filled in: what the sandbox edits and exports. */
export interface Topology {
  exchanges: Required<ExchangeDef>[];
  queues: Required<QueueDef>[];
  bindings: Required<BindingDef>[];
}

export type SandboxMessage = Required<Pick<MessageSpec, 'exchange' | 'routing_key' | 'payload' | 'mandatory'>> & {
  properties: { headers: FieldTable };
};

export function normalizeExchange(x: ExchangeDef): Required<ExchangeDef> {
  return {
    name: x.name,
    type: x.type,
    durable: x.durable ?? false,
    auto_delete: x.auto_delete ?? false,
    internal: x.internal ?? false,
    arguments: x.arguments ?? {},
  };
}

export function normalizeQueue(q: QueueDef): Required<QueueDef> {
  return { name: q.name, durable: q.durable ?? false, auto_delete: q.auto_delete ?? false, arguments: q.arguments ?? {} };
}

export function normalizeBinding(b: BindingDef): Required<BindingDef> {
  return {
    source: b.source,
    destination: b.destination,
    destination_type: b.destination_type ?? 'queue',
    routing_key: b.routing_key ?? '',
    arguments: b.arguments ?? {},
  };
}

/** Accepts the schema's input too (lists may be absent), so tests and callers can write topologies tersely. */
export function normalizeTopology(t: z.input<typeof topologySchema>): Topology {
  return {
    exchanges: (t.exchanges ?? []).map(normalizeExchange),
    queues: (t.queues ?? []).map(normalizeQueue),
    bindings: (t.bindings ?? []).map(normalizeBinding),
  };
}

export function normalizeMessage(m: z.input<typeof messageSchema>): SandboxMessage {
  return {
    exchange: m.exchange,
    routing_key: m.routing_key ?? '',
    properties: { headers: m.properties?.headers ?? {} },
    payload: m.payload ?? '',
    mandatory: m.mandatory ?? false,
  };
}
