// The router: §2's graph walk, done once for every exchange type.
//
//   route(X, message):
//     X is "" → every routing key names a queue (§4); no bindings, no AE.
//     otherwise walk from X: each exchange asks its type which bindings
//     match; queue destinations are collected, exchange destinations are
//     walked in turn; an exchange whose bindings produced no destination at
//     all hands the message to its alternate exchange (§11). Every exchange is
//     evaluated at most once per publish (cycles stop), and each queue gets
//     one copy however many paths lead to it.
//
// Two ways to call it:
//   routeOnly(topology, exchange, message) → queue names. THE FAST PATH, no
//     trace: bindings are found through each exchange's index (a map for
//     direct, a trie for topic, built at bind time). This is what to
//     benchmark; VirtualHost.routeOnly(exchangeName, routingKey, headers?)
//     wraps it (no side effect, nothing enqueued).
//   routeTraced(topology, exchange, message, via) → the same queues plus one
//     ExchangeHop per exchange evaluated, with every binding considered and why
//     it matched or not (the readable matchers of ./exchange-types).
// The two walks are the same loop, one lean and one explained; a property test
// (test/engine/router.test.ts) checks they reach the same queues.
import type { Binding, BindingIndex, ExchangeTypeModule, RoutableMessage } from './exchange-types/exchange-type.js';
import { compareKeys } from './field-values.js';
import type { BindingCheck, ExchangeHop, FieldTable } from './types.js';

export interface ExchangeState {
  readonly name: string;
  readonly type: ExchangeTypeModule;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: FieldTable;
  /** The `alternate-exchange` argument (a string; it need not exist). */
  readonly alternateExchange: string | undefined;
  /**
   * Bindings with this exchange as source, in the order they were made.
   * A binding's destination always exists: deleting a queue or an exchange
   * deletes its bindings (§2), so routing needs no existence check.
   */
  readonly bindings: Binding[];
  /** The same bindings by identity (re-binding the same binding is a no-op). */
  readonly bindingsById: Map<string, Binding>;
  readonly index: BindingIndex;
}

export interface Topology {
  exchange(name: string): ExchangeState | undefined;
  hasQueue(name: string): boolean;
}

export interface RouteResult {
  /** Existing queues, each once, in the order first reached. */
  queues: string[];
}

export interface TracedRoute extends RouteResult {
  hops: ExchangeHop[];
  /** Default exchange only: each routing key looked up as a queue name. */
  defaultExchange?: { queue: string; exists: boolean }[];
  /** Queue → number of matching paths that led to it (more than 1 = duplicates ignored). */
  paths: Map<string, number>;
}

/** The fast path: which queues get the message (no trace). */
export function routeOnly(topology: Topology, exchange: ExchangeState, message: RoutableMessage): string[] {
  if (exchange.name === '') return routeDefault(topology, message).queues;
  // The same walk as `walk` below, written lean: no closures, no trace, and
  // sets only once the lists get long (most routes reach a few queues).
  const queues = new SmallSet();
  const seen = new SmallSet();
  seen.add(exchange.name);
  const work: ExchangeState[] = [exchange];
  const matched: Binding[] = [];
  for (let w = 0; w < work.length; w++) {
    const x = work[w];
    matched.length = 0;
    x.index.collect(message, matched);
    let next: string | undefined;
    for (let m = 0; m < matched.length; m++) {
      const binding = matched[m];
      if (binding.destinationType === 'queue') {
        queues.add(binding.destination);
        continue;
      }
      next = binding.destination;
      if (seen.add(next)) {
        const target = topology.exchange(next);
        if (target) work.push(target);
      }
    }
    // §11: the AE only when the bindings gave no destination at all.
    if (matched.length === 0 && (next = x.alternateExchange) !== undefined && seen.add(next)) {
      const target = topology.exchange(next);
      if (target) work.push(target);
    }
  }
  return queues.items;
}

/** Insertion-ordered unique strings: a plain array while short, with a Set beside it once long. */
class SmallSet {
  readonly items: string[] = [];
  private set: Set<string> | null = null;
  /** Adds; false if already there. */
  add(item: string): boolean {
    if (this.set) {
      if (this.set.has(item)) return false;
      this.set.add(item);
    } else {
      if (this.items.includes(item)) return false;
      if (this.items.length === 8) this.set = new Set([...this.items, item]);
    }
    this.items.push(item);
    return true;
  }
}

/** The explained path: the same queues, with every decision recorded. */
export function routeTraced(
  topology: Topology,
  exchange: ExchangeState,
  message: RoutableMessage,
  via: ExchangeHop['via'] = 'publish',
): TracedRoute {
  if (exchange.name === '') {
    const { queues, lookups, paths } = routeDefault(topology, message);
    return { queues, hops: [], defaultExchange: lookups, paths };
  }
  const hops: ExchangeHop[] = [];
  return { ...walk(topology, exchange, message, hops, via), hops };
}

/** §4: every key (RK, CC, BCC) is a queue name; sorted, unique; missing queues dropped. */
function routeDefault(topology: Topology, message: RoutableMessage) {
  const keys = [...new Set(message.routingKeys)].sort(compareKeys);
  const lookups = keys.map((queue) => ({ queue, exists: topology.hasQueue(queue) }));
  const paths = new Map<string, number>();
  for (const rk of message.routingKeys) if (topology.hasQueue(rk)) paths.set(rk, (paths.get(rk) ?? 0) + 1);
  return { queues: lookups.filter((l) => l.exists).map((l) => l.queue), lookups, paths };
}

interface Visit {
  exchange: ExchangeState;
  via: ExchangeHop['via'];
  from?: string;
}

/** The explained walk: every binding of every exchange reached is checked and recorded. */
function walk(
  topology: Topology,
  start: ExchangeState,
  message: RoutableMessage,
  hops: ExchangeHop[],
  via: ExchangeHop['via'],
): RouteResult & { paths: Map<string, number> } {
  const queues: string[] = [];
  const paths = new Map<string, number>();
  // Exchanges already evaluated or queued for evaluation: marked even when
  // the name does not exist (rabbit_exchange:route1/3).
  const seen = new Set<string>([start.name]);
  const work: Visit[] = [{ exchange: start, via }];

  for (const visit of work) {
    const { exchange } = visit;
    const hop: ExchangeHop = { exchange: exchange.name, type: exchange.type.name, via: visit.via, bindings: [] };
    if (visit.from !== undefined) hop.from = visit.from;
    hops.push(hop);

    const follow = (name: string, how: ExchangeHop['via']) => {
      if (seen.has(name)) return false;
      seen.add(name);
      const next = topology.exchange(name);
      if (next) work.push({ exchange: next, via: how, from: exchange.name });
      return true;
    };

    let destinations = 0;
    for (const binding of exchange.bindings) {
      const why = exchange.type.explain(binding, message);
      hop.bindings.push(bindingCheck(binding, why));
      if (!why.matched) continue;
      destinations++;
      if (binding.destinationType === 'exchange') {
        const name = binding.destination;
        if (!follow(name, 'exchange-binding') && !hop.skipped_exchanges?.includes(name)) (hop.skipped_exchanges ??= []).push(name);
        continue;
      }
      const queue = binding.destination;
      const count = paths.get(queue) ?? 0;
      paths.set(queue, count + 1);
      if (count === 0) queues.push(queue);
    }

    // §11: the AE is used only when this exchange's own bindings gave no destination of any kind.
    const ae = exchange.alternateExchange;
    if (destinations === 0 && ae !== undefined) {
      hop.alternate_exchange = { name: ae, exists: topology.exchange(ae) !== undefined, already_visited: seen.has(ae) };
      follow(ae, 'alternate-exchange');
    }
  }
  return { queues, paths };
}

function bindingCheck(binding: Binding, why: ReturnType<ExchangeTypeModule['explain']>): BindingCheck {
  const check: BindingCheck = {
    source: binding.source,
    destination: binding.destination,
    destination_type: binding.destinationType,
    binding_key: binding.bindingKey,
    arguments: binding.arguments,
    matched: why.matched,
    detail: why.detail,
  };
  if (why.matched_routing_key !== undefined) check.matched_routing_key = why.matched_routing_key;
  return check;
}
