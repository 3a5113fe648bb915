// The topology and messages with every field at its default value left out
// (defaults are RabbitMQ's, the same normalize* fills back in): what share
// links and saved scenario files carry, short and readable.
import type { BindingDef, Definitions, ExchangeDef, MessageSpec, QueueDef } from '../engine/types.js';
import type { SandboxMessage, Topology } from './topology-schema.js';

export function compactExchange(x: Required<ExchangeDef>): ExchangeDef {
  return {
    name: x.name,
    type: x.type,
    ...(x.durable && { durable: true }),
    ...(x.auto_delete && { auto_delete: true }),
    ...(x.internal && { internal: true }),
    ...(Object.keys(x.arguments).length > 0 && { arguments: x.arguments }),
  };
}

export function compactQueue(q: Required<QueueDef>): QueueDef {
  return {
    name: q.name,
    ...(q.durable && { durable: true }),
    ...(q.auto_delete && { auto_delete: true }),
    ...(Object.keys(q.arguments).length > 0 && { arguments: q.arguments }),
  };
}

export function compactBinding(b: Required<BindingDef>): BindingDef {
  return {
    source: b.source,
    destination: b.destination,
    ...(b.destination_type === 'exchange' && { destination_type: 'exchange' as const }),
    ...(b.routing_key !== '' && { routing_key: b.routing_key }),
    ...(Object.keys(b.arguments).length > 0 && { arguments: b.arguments }),
  };
}

export function compactMessage(m: SandboxMessage): MessageSpec {
  return {
    exchange: m.exchange,
    ...(m.routing_key !== '' && { routing_key: m.routing_key }),
    ...(Object.keys(m.properties.headers).length > 0 && { properties: { headers: m.properties.headers } }),
    ...(m.payload !== '' && { payload: m.payload }),
    ...(m.mandatory && { mandatory: true }),
  };
}

export function compactTopology(t: Topology): Required<Pick<Definitions, 'exchanges' | 'queues' | 'bindings'>> {
  return { exchanges: t.exchanges.map(compactExchange), queues: t.queues.map(compactQueue), bindings: t.bindings.map(compactBinding) };
}
