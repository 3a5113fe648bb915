// The sandbox's model: a topology (exchanges, queues, bindings, in the shape
// of a RabbitMQ definitions file) and the messages published on it. Pure
// functions that return a new state; the controller re-renders and re-runs.
// Removing an exchange or a queue removes its bindings, as RabbitMQ does
// (docs/semantics.md §2: "deleting a queue or an exchange deletes its bindings").
import { PREDECLARED_EXCHANGES } from './lib/amqp-vocabulary.js';

const STORAGE_KEY = 'sandbox-state-v1';

export function emptyState() {
  return { topology: { exchanges: [], queues: [], bindings: [] }, messages: [] };
}

/** A state read from elsewhere (storage, the server), with every list present. */
export function asState(value) {
  const t = value?.topology ?? {};
  const list = (v) => (Array.isArray(v) ? v : []);
  return {
    topology: { exchanges: list(t.exchanges), queues: list(t.queues), bindings: list(t.bindings) },
    messages: list(value?.messages),
  };
}

const copy = (state) => structuredClone(state);

/** Adds (index null) or replaces an exchange/queue; a rename carries its bindings along. */
export function saveNamed(state, kind, index, entity) {
  const next = copy(state);
  const list = kind === 'exchange' ? next.topology.exchanges : next.topology.queues;
  if (index === null) {
    list.push(entity);
    return next;
  }
  const old = list[index].name;
  list[index] = entity;
  if (old !== entity.name) {
    for (const b of next.topology.bindings) {
      if (kind === 'exchange' && b.source === old) b.source = entity.name;
      if (b.destination === old && (b.destination_type === 'exchange') === (kind === 'exchange')) b.destination = entity.name;
    }
  }
  return next;
}

/** The exchanges every vhost has (semantics §9): the quick-add row binds from them without declaring them. */
export { PREDECLARED_EXCHANGES };

/**
 * The quick-add row: exchange → binding key → queue in one go. Declares the
 * exchange (of `type`) and the queue when the sandbox has neither yet, then
 * binds them; answers the new state and what was added.
 */
export function quickAdd(state, { exchange, type, routingKey, queue }) {
  const next = copy(state);
  const added = { exchange: false, queue: false, binding: false };
  const { exchanges, queues, bindings } = next.topology;
  if (!exchanges.some((x) => x.name === exchange) && !PREDECLARED_EXCHANGES.includes(exchange)) {
    exchanges.push({ name: exchange, type, durable: false, auto_delete: false, internal: false, arguments: {} });
    added.exchange = true;
  }
  if (!queues.some((q) => q.name === queue)) {
    queues.push({ name: queue, durable: false, auto_delete: false, arguments: {} });
    added.queue = true;
  }
  // The same binding twice is one binding on RabbitMQ (bindings are a set): not added again.
  const same = (b) =>
    b.source === exchange &&
    b.destination === queue &&
    (b.destination_type ?? 'queue') === 'queue' &&
    b.routing_key === routingKey &&
    Object.keys(b.arguments ?? {}).length === 0;
  if (!bindings.some(same)) {
    bindings.push({ source: exchange, destination: queue, destination_type: 'queue', routing_key: routingKey, arguments: {} });
    added.binding = true;
  }
  return { state: next, added };
}

/** The type the quick-add row suggests for a new exchange: a key with * or # only means something to a topic exchange. */
export function suggestedType(routingKey) {
  return /(^|\.)[*#](\.|$)/.test(routingKey) ? 'topic' : 'direct';
}

export function saveBinding(state, index, binding) {
  const next = copy(state);
  if (index === null) next.topology.bindings.push(binding);
  else next.topology.bindings[index] = binding;
  return next;
}

/** Removes an entity; answers the new state and how many bindings went with it. */
export function remove(state, kind, index) {
  const next = copy(state);
  if (kind === 'binding') {
    next.topology.bindings.splice(index, 1);
    return { state: next, bindingsRemoved: 0 };
  }
  const list = kind === 'exchange' ? next.topology.exchanges : next.topology.queues;
  const [gone] = list.splice(index, 1);
  // Another entity of the same name keeps the bindings alive (the sandbox lets you try a redeclaration).
  if (list.some((e) => e.name === gone.name)) return { state: next, bindingsRemoved: 0 };
  const before = next.topology.bindings.length;
  next.topology.bindings = next.topology.bindings.filter((b) =>
    kind === 'exchange'
      ? b.source !== gone.name && !(b.destination_type === 'exchange' && b.destination === gone.name)
      : !(b.destination_type !== 'exchange' && b.destination === gone.name),
  );
  return { state: next, bindingsRemoved: before - next.topology.bindings.length };
}

export function addMessage(state, message) {
  const next = copy(state);
  next.messages.push(message);
  return next;
}

export function removeMessage(state, index) {
  const next = copy(state);
  next.messages.splice(index, 1);
  return next;
}

export function clearMessages(state) {
  return { ...copy(state), messages: [] };
}

export function store(state) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // Private mode or a full storage: the sandbox still works, it is just not kept.
  }
}

export function restore() {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? asState(JSON.parse(text)) : null;
  } catch {
    return null;
  }
}
