// The engine's copy of a vhost's topology as the live view has seen it
// declared. It answers "why did this message go there?" with the engine's
// trace, the same explanation the scenario pages give. It never keeps a
// message: each publish is routed, explained, and the copies are dropped.
import { VirtualHost } from '../engine/virtual-host.js';
import type { FieldTable, MessageTrace } from '../engine/types.js';

/**
 * The engine refuses to declare amq.* queue names (only the broker makes
 * them, for queue.declare ""): the mirror keeps such a queue under a marked
 * name and takes the mark off everything it answers.
 */
const MARK = '\u2063';
const toMirror = (name: string) => (name.startsWith('amq.') ? MARK + name : name);
function fromMirror<T>(value: T): T {
  if (typeof value === 'string') return (value.startsWith(MARK) ? value.slice(MARK.length) : value) as T;
  if (Array.isArray(value)) return value.map(fromMirror) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromMirror(v)])) as T;
  return value;
}

export class TopologyMirror {
  private vhost: VirtualHost;
  /** Queues held under a marked name: while there are none, answers need no unmarking (the common case, and a flood's). */
  private marked = 0;

  constructor(readonly name: string) {
    this.vhost = new VirtualHost(name);
  }

  declareExchange(name: string, type: string, flags: { durable: boolean; autoDelete: boolean; internal: boolean }, args: FieldTable): void {
    if (name === '' || name.startsWith('amq.')) return; // predeclared in every vhost
    // The broker accepted it, so an exchange of that name we already hold is equivalent (or we would have seen it deleted).
    if (this.vhost.exchange(name)) return;
    this.vhost.declareExchange({
      name,
      type,
      durable: flags.durable,
      auto_delete: flags.autoDelete,
      internal: flags.internal,
      arguments: args,
    });
  }

  deleteExchange(name: string): void {
    this.vhost.deleteExchange(name);
  }

  declareQueue(name: string, args: FieldTable): void {
    if (this.vhost.hasQueue(toMirror(name))) return;
    this.vhost.declareQueue({ name: toMirror(name), arguments: args });
    if (toMirror(name) !== name) this.marked++;
  }

  deleteQueue(name: string): void {
    if (this.vhost.hasQueue(toMirror(name)) && toMirror(name) !== name) this.marked--;
    this.vhost.deleteQueue(toMirror(name));
  }

  bind(source: string, destination: string, destinationType: 'queue' | 'exchange', bindingKey: string, args: FieldTable): void {
    // A binding to something declared before we watched: make a plain one so the route can be drawn.
    if (destinationType === 'queue') this.declareQueue(destination, {});
    else if (!this.vhost.exchange(destination))
      this.declareExchange(destination, 'fanout', { durable: false, autoDelete: false, internal: false }, {});
    const to = destinationType === 'queue' ? toMirror(destination) : destination;
    this.vhost.bind({ source, destination: to, destination_type: destinationType, routing_key: bindingKey, arguments: args });
  }

  unbind(source: string, destination: string, destinationType: 'queue' | 'exchange', bindingKey: string, args: FieldTable): void {
    const to = destinationType === 'queue' ? toMirror(destination) : destination;
    this.vhost.unbind({ source, destination: to, destination_type: destinationType, routing_key: bindingKey, arguments: args });
  }

  /** The engine's explanation of a publish (trace: false for the queues only, when messages flood in). */
  route(exchange: string, routingKey: string, headers: FieldTable, trace: boolean): MessageTrace {
    // The default exchange looks the key up as a queue name (an RPC reply queue is amq.gen-…).
    const key = exchange === '' ? toMirror(routingKey) : routingKey;
    const result = this.vhost.publish({ exchange, routing_key: key, properties: { headers } }, { trace });
    for (const queue of result.routed_to) this.vhost.purgeQueue(queue);
    for (const dead of result.dead_letters) for (const queue of dead.queues) this.vhost.purgeQueue(queue);
    return this.marked > 0 ? fromMirror(result) : result;
  }
}
