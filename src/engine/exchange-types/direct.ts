// Direct exchange (§5): a binding matches when its key is byte-for-byte equal
// to one of the message's routing keys. Case-sensitive; "" matches "" only.
// Binding arguments are not validated and play no part in matching.
import type { Binding, BindingIndex, ExchangeTypeModule, RoutableMessage } from './exchange-type.js';

export const direct: ExchangeTypeModule = {
  name: 'direct',
  validateBinding: () => null,
  compile: () => ({}),
  explain(binding, message) {
    const comparisons = message.routingKeys.map((rk) => ({ routing_key: rk, equal: rk === binding.bindingKey }));
    const hit = comparisons.find((c) => c.equal);
    return {
      matched: hit !== undefined,
      ...(hit ? { matched_routing_key: hit.routing_key } : {}),
      detail: { kind: 'direct', comparisons },
    };
  },
  createIndex: () => new DirectIndex(),
};

/** Bindings by key: one map lookup per routing key (RabbitMQ 3.11's route_v2 idea). */
class DirectIndex implements BindingIndex {
  private readonly byKey = new Map<string, Binding[]>();
  add(binding: Binding): void {
    const list = this.byKey.get(binding.bindingKey);
    if (list) list.push(binding);
    else this.byKey.set(binding.bindingKey, [binding]);
  }
  remove(binding: Binding): void {
    const list = this.byKey.get(binding.bindingKey)?.filter((b) => b !== binding);
    if (list?.length) this.byKey.set(binding.bindingKey, list);
    else this.byKey.delete(binding.bindingKey);
  }
  collect(message: RoutableMessage, out: Binding[]): void {
    const keys = message.routingKeys;
    for (let i = 0; i < keys.length; i++) {
      const list = this.byKey.get(keys[i]);
      if (list) for (let j = 0; j < list.length; j++) out.push(list[j]);
    }
  }
}
