// The live state the server sends, turned into what the scenario pages'
// diagram and why panel read (lib/scenario-geometry.js, lib/why-panel.js): a
// routing scenario with one step per message kept, and its play. Pure (the
// page's AMQP vocabulary apart): no DOM.
import { PREDECLARED } from './lib/amqp-vocabulary.js';

export function asScenario(state, messages) {
  const declared = new Set(state.exchanges.map((x) => x.name));
  const used = new Set([...state.bindings.map((b) => b.source), ...messages.map((m) => m.exchange)]);
  const predeclared = [...used]
    .filter((name) => !declared.has(name) && Object.hasOwn(PREDECLARED, name))
    .map((name) => ({ name, type: PREDECLARED[name], durable: true, auto_delete: false, internal: false, arguments: {} }));
  return {
    kind: 'routing',
    definitions: {
      exchanges: [
        ...predeclared,
        ...state.exchanges.map((x) => ({
          name: x.name,
          type: x.type,
          durable: x.durable,
          auto_delete: x.autoDelete,
          internal: x.internal,
          arguments: {},
        })),
      ],
      queues: state.queues.map((q) => ({ name: q.name, durable: q.durable, auto_delete: q.autoDelete, arguments: {} })),
      bindings: state.bindings.map((b) => ({
        source: b.source,
        destination: b.destination,
        destination_type: b.destinationType,
        routing_key: b.bindingKey,
        arguments: b.arguments,
      })),
    },
    consumers: liveConsumers(state),
    steps: messages.map((m) => ({
      message: { exchange: m.exchange, routing_key: m.routingKey, properties: { headers: m.headers }, payload: m.preview },
    })),
  };
}

/**
 * Every consumer of the vhost, as the diagram draws one (queue → consumer):
 * named by its tag (unique), labelled with its program's connection name
 * when the program gave one, else with the tag.
 */
export function liveConsumers(state) {
  return state.connections.flatMap((c) =>
    c.channels.flatMap((ch) =>
      ch.consumers.map((k) => ({
        name: k.tag,
        tag: k.tag,
        label: c.name ?? k.tag,
        queue: k.queue,
        unacked: k.unacked ?? 0,
        connection: c.id,
      })),
    ),
  );
}

/** What each consumer shows at a message: whether it took it, and what it holds unacknowledged now. */
export function consumerViews(consumers, message, unackedCaption) {
  return Object.fromEntries(
    consumers.map((k) => [
      k.name,
      {
        present: true,
        hit: !!message?.deliveries.some((d) => d.tag === k.tag && d.connection === k.connection),
        unacked: [],
        caption: unackedCaption(k.unacked),
      },
    ]),
  );
}

/** One played step per message: where it went (the engine, over the topology seen) and the trace. */
export function asPlay(messages) {
  return {
    steps: messages.map((m) => ({
      hit: m.queues,
      returned: m.returned,
      holds: {},
      trace: m.trace ?? null,
      prediction_mismatch: Boolean(m.disagreement),
    })),
  };
}

/** What decides the drawing: a new layout only when this changes. */
export function layoutKey(state, messages) {
  return JSON.stringify([
    state.exchanges.map((x) => [x.name, x.type]),
    state.queues.map((q) => q.name),
    state.bindings,
    liveConsumers(state).map((k) => [k.tag, k.queue, k.label]),
    [...new Set(messages.map((m) => m.exchange))],
  ]);
}

/** Merges a state's messages into the page's list (newest last, bounded): later states update deliveries; traces are kept. */
export function mergeMessages(list, incoming, max = 200) {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    byId.set(m.id, known ? { ...m, trace: m.trace ?? known.trace } : m);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id).slice(-max);
}

/** The topology and the last `count` messages as a sandbox state: what "save as a scenario" sends. */
export function asSandboxState(state, messages, count) {
  const scenario = asScenario(state, messages.slice(-count));
  // A program may not declare amq.* names (the broker makes amq.gen-… for queue.declare ""):
  // in the scenario file they become server-named-1, -2… everywhere they appear.
  const renamed = new Map();
  const rename = (name) => {
    if (!name.startsWith('amq.')) return name;
    if (!renamed.has(name)) renamed.set(name, `server-named-${renamed.size + 1}`);
    return renamed.get(name);
  };
  const queues = scenario.definitions.queues.map((q) => ({ ...q, name: rename(q.name) }));
  return {
    topology: {
      exchanges: scenario.definitions.exchanges.filter((x) => !x.name.startsWith('amq.')),
      queues,
      bindings: scenario.definitions.bindings.map((b) =>
        b.destination_type === 'queue' ? { ...b, destination: rename(b.destination) } : b,
      ),
    },
    messages: messages.slice(-count).map((m) => ({
      exchange: m.exchange,
      routing_key: m.exchange === '' ? rename(m.routingKey) : m.routingKey,
      properties: { headers: m.headers },
      payload: m.preview,
    })),
  };
}
