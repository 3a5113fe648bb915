// Export: the sandbox's topology as a RabbitMQ definitions file. By default
// every entry names its vhost, the form `rabbitmqctl import_definitions`
// needs (3.10.8 has no --vhost option, and refuses entries without one:
// "Virtual host 'undefined' does not exist"). With vhost null, the per-vhost
// form that the management UI imports into the vhost picked on its page.
import type { FieldTable } from '../engine/types.js';
import type { Topology } from './topology-schema.js';

export interface DefinitionsExport {
  exchanges: Record<string, unknown>[];
  queues: Record<string, unknown>[];
  bindings: Record<string, unknown>[];
}

export function exportDefinitions(topology: Topology, vhost: string | null = '/'): DefinitionsExport {
  const inVhost = vhost === null ? {} : { vhost };
  return {
    exchanges: topology.exchanges.map((x) => ({
      name: x.name,
      ...inVhost,
      type: x.type,
      durable: x.durable,
      auto_delete: x.auto_delete,
      internal: x.internal,
      arguments: copyTable(x.arguments),
    })),
    queues: topology.queues.map((q) => ({
      name: q.name,
      ...inVhost,
      durable: q.durable,
      auto_delete: q.auto_delete,
      arguments: copyTable(q.arguments),
    })),
    bindings: topology.bindings.map((b) => ({
      source: b.source,
      ...inVhost,
      destination: b.destination,
      destination_type: b.destination_type,
      routing_key: b.routing_key,
      arguments: copyTable(b.arguments),
    })),
  };
}

/** A copy that keeps a "__proto__" key as a key (spreading would too, assignment would not). */
function copyTable(table: FieldTable): FieldTable {
  return Object.fromEntries(Object.entries(table));
}
