// The sandbox's topology and messages, as the API accepts them: the one
// schema of definitions and messages (src/amqp/definitions-schema.ts), strict
// about unknown fields. A sandbox exists to try what the broker refuses
// ("amq.foo", an unknown type, x-match "bogus"), so names and values are the
// broker's to judge, not ours.
import { z } from 'zod';
import { definitionsSchema, messageShape } from '../amqp/definitions-schema.js';
import type { BindingDef, ExchangeDef, FieldTable, MessageSpec, QueueDef } from '../engine/types.js';
import { MAX_MESSAGES } from './limits.js';

export const topologySchema = definitionsSchema('strict');
export const messageSchema = z.strictObject(messageShape);
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
