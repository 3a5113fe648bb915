// A virtual host built from definitions for the engine tests; any refusal
// fails the test at once, so a test never runs on a half-declared topology.
import assert from 'node:assert/strict';
import type { Definitions, MessageTrace, QueueEvent } from '../../src/engine/types.js';
import { VirtualHost } from '../../src/engine/virtual-host.js';

export function vhostWith(definitions: Definitions): VirtualHost {
  const vhost = new VirtualHost();
  for (const x of definitions.exchanges ?? []) assert.equal(vhost.declareExchange(x), null, `declare exchange ${x.name}`);
  for (const q of definitions.queues ?? []) {
    const result = vhost.declareQueue(q);
    assert.ok(!('error' in result), `declare queue ${q.name}: ${'error' in result ? result.error.message : ''}`);
  }
  for (const b of definitions.bindings ?? []) assert.equal(vhost.bind(b), null, `bind ${b.source} → ${b.destination}`);
  return vhost;
}

/** Publishes payloads m0, m1, … with the same routing key and returns their traces. */
export function publishMany(vhost: VirtualHost, exchange: string, routingKey: string, count: number, start = 0): MessageTrace[] {
  return Array.from({ length: count }, (_, i) => vhost.publish({ exchange, routing_key: routingKey, payload: `m${start + i}` }));
}

/** The events of one kind, as "queue:message" strings (compact to compare). */
export function eventsOf(events: QueueEvent[], kind: QueueEvent['kind']): string[] {
  return events.filter((e) => e.kind === kind).map((e) => `${e.queue}:${e.message}`);
}
