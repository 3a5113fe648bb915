// Benchmark 1: engine routing throughput (routes per second, no trace) on the
// tutorial topic topology and on topic exchanges with 10 … 10,000 random
// bindings, each beside the baseline — one exact regular expression per
// binding (lib/regex-topic.ts) — measured in alternating batches. Before any
// timing, both must route a sample of keys to the same queues, so the figure
// compares two correct routers. Then the cost of the trace: the traced walk
// (every binding explained, word by word) against the fast one.
// Rates are routes per second of CPU time (lib/timing.ts says why); the
// wall-clock rate, which a busy machine lowers, is in the note.
import { readFileSync } from 'node:fs';
import { SCENARIO_DIR } from '../src/scenarios/load-scenarios.js';
import { routeOnly, routeTraced } from '../src/engine/router.js';
import type { RoutableMessage } from '../src/engine/exchange-types/exchange-type.js';
import type { Definitions, MessageSpec } from '../src/engine/types.js';
import { VirtualHost } from '../src/engine/virtual-host.js';
import { randomBindings, randomRoutingKeys } from './lib/random-topology.js';
import { RegexTopicRouter, type TopicBinding } from './lib/regex-topic.js';
import { ratioOf, type Row } from './lib/result.js';
import { compareThroughput, type ThroughputOptions } from '../tools/timing.js';

export interface RoutingOptions {
  /** Numbers of random bindings (default 10, 100, 1,000, 10,000). */
  sizes?: number[];
  quick?: boolean;
}

const KEY_POOL = 1024; // a power of two: op(i) picks keys[i & (KEY_POOL - 1)]
const TUTORIAL_GOAL = 1_000_000;
const LARGE_GOAL = 200_000;

export function benchRouting(options: RoutingOptions = {}): Row[] {
  const quick = options.quick ?? false;
  const sizes = options.sizes ?? (quick ? [10, 100] : [10, 100, 1_000, 10_000]);
  const timing: ThroughputOptions = quick ? { warmupMs: 5, batches: 1, batchMs: 2 } : { warmupMs: 150, batches: 7, batchMs: 25 };
  const rows: Row[] = [];

  const tutorial = tutorialTopology();
  rows.push(
    compare(
      `routing: tutorial topic topology (${tutorial.bindings.length} bindings)`,
      tutorial.bindings,
      tutorial.keys,
      timing,
      TUTORIAL_GOAL,
    ),
  );
  rows.push(traceCost(tutorial.bindings, tutorial.keys, timing));

  const keys = randomRoutingKeys(KEY_POOL, 7);
  const perSize: { size: number; rate: number }[] = [];
  for (const size of sizes) {
    const bindings = randomBindings(size, 1000 + size);
    const goal = size >= 10_000 ? LARGE_GOAL : null;
    const row = compare(`routing: topic, ${size.toLocaleString('en')} random bindings`, bindings, keys, timing, goal);
    perSize.push({ size, rate: row.figure.value });
    rows.push(row);
  }
  // "Cost that grows far slower than the number of bindings": say by how much.
  if (perSize.length >= 2) {
    const first = perSize[0];
    const last = perSize[perSize.length - 1];
    const last2 = rows[rows.length - 1];
    last2.note = [
      last2.note,
      `${(last.size / first.size).toLocaleString('en')}× the bindings of the ${first.size}-binding row cost ${(first.rate / last.rate).toFixed(1)}× the time per route`,
    ]
      .filter(Boolean)
      .join('; ');
  }
  return rows;
}

/** Tutorial 5 as the topic scenario declares it, and the routing keys of its steps. */
function tutorialTopology(): { bindings: TopicBinding[]; keys: string[] } {
  const scenario = JSON.parse(readFileSync(`${SCENARIO_DIR}/topic.json`, 'utf8')) as {
    definitions: Definitions;
    steps: { message: MessageSpec }[];
  };
  const bindings = (scenario.definitions.bindings ?? []).map((b) => ({ bindingKey: b.routing_key ?? '', destination: b.destination }));
  const keys = scenario.steps.map((s) => s.message.routing_key ?? '');
  return { bindings, keys: Array.from({ length: KEY_POOL }, (_, i) => keys[i % keys.length]) };
}

/** The engine's virtual host with one topic exchange "x" and these bindings. */
function engineWith(bindings: readonly TopicBinding[]): VirtualHost {
  const vhost = new VirtualHost();
  const check = (error: { message: string } | null) => {
    if (error) throw new Error(`engine refused the topology: ${error.message}`);
  };
  check(vhost.declareExchange({ name: 'x', type: 'topic' }));
  for (const q of new Set(bindings.map((b) => b.destination))) {
    const r = vhost.declareQueue({ name: q });
    if ('error' in r) check(r.error);
  }
  for (const b of bindings) check(vhost.bind({ source: 'x', destination: b.destination, routing_key: b.bindingKey }));
  return vhost;
}

/** Both routers must agree on every key of the pool (as sets of queues), or the comparison means nothing. */
function disagreement(vhost: VirtualHost, regex: RegexTopicRouter, keys: readonly string[]): string | null {
  for (const key of keys) {
    const engine = vhost.routeOnly('x', key);
    const baseline = regex.route([key]);
    if (engine.length !== baseline.size || engine.some((q) => !baseline.has(q)) || new Set(engine).size !== engine.length) {
      return `routing key "${key}": engine [${engine.join(', ')}], regex baseline [${[...baseline].join(', ')}]`;
    }
  }
  return null;
}

function compare(
  benchmark: string,
  bindings: readonly TopicBinding[],
  keys: readonly string[],
  timing: ThroughputOptions,
  goal: number | null,
): Row {
  const vhost = engineWith(bindings);
  const regex = new RegexTopicRouter(bindings);
  const goalText = goal ? `≥ ${goal.toLocaleString('en')} routes/s` : '';
  const wrong = disagreement(vhost, regex, keys);
  const mask = KEY_POOL - 1;
  const rates = compareThroughput(
    {
      engine: (i) => vhost.routeOnly('x', keys[i & mask]),
      regex: (i) => regex.route([keys[i & mask]]),
    },
    timing,
  );
  const matched = keys.reduce((n, k) => n + vhost.routeOnly('x', k).length, 0) / keys.length;
  const engine = rates.engine;
  const baseline = rates.regex;
  return {
    benchmark,
    figure: { value: engine.cpu, unit: 'routes/s' },
    baseline: { value: baseline.cpu, unit: 'routes/s', label: 'regex per binding' },
    ratio: ratioOf(engine.cpu, baseline.cpu),
    goal: goalText,
    met: wrong ? false : goal ? engine.cpu >= goal : null,
    note: wrong
      ? `the engine and the baseline disagree, figures meaningless: ${wrong}`
      : `${matched.toFixed(1)} queues reached per route on average; wall clock ${Math.round(engine.wall).toLocaleString('en')} vs ${Math.round(baseline.wall).toLocaleString('en')} routes/s`,
  };
}

/** The traced walk (what the pages draw) against the fast one, same topology, same keys. */
function traceCost(bindings: readonly TopicBinding[], keys: readonly string[], timing: ThroughputOptions): Row {
  const vhost = engineWith(bindings);
  const exchange = vhost.exchange('x')!;
  const messages: RoutableMessage[] = keys.map((k) => ({ routingKeys: [k], headers: undefined }));
  const mask = KEY_POOL - 1;
  const rates = compareThroughput(
    {
      traced: (i) => routeTraced(vhost, exchange, messages[i & mask]),
      fast: (i) => routeOnly(vhost, exchange, messages[i & mask]),
    },
    timing,
  );
  const traced = rates.traced.cpu;
  const fast = rates.fast.cpu;
  return {
    benchmark: 'routing with trace: tutorial topic topology',
    figure: { value: traced, unit: 'routes/s' },
    baseline: { value: fast, unit: 'routes/s', label: 'same, no trace' },
    ratio: ratioOf(traced, fast),
    goal: '',
    met: null,
    note: `producing the trace costs ${(fast / traced).toFixed(1)}× the time of routing alone (${(1e6 / traced).toFixed(1)} µs vs ${(1e6 / fast).toFixed(2)} µs per route)`,
  };
}
