// Plays a routing scenario on whichever broker the server uses and answers,
// step by step, what the BROKER did (on RabbitMQ: what RabbitMQ did) next to
// what the engine's trace predicts. The page steps through this client side.
import type { Broker } from '../broker/broker.js';
import { run } from '../engine/run.js';
import type { MessageTrace, RunOutcome, RunRequest } from '../engine/types.js';
import type { RoutingScenario } from './schema.js';

export interface PlayedRoutingStep {
  /** Queues this step's message reached, as the broker reports them. */
  hit: string[];
  /** Returned to the producer (mandatory, unroutable). */
  returned: boolean;
  /** Queue → message indices (0-based steps) it holds after this step, FIFO. */
  holds: Record<string, number[]>;
  /** The engine's explanation of this message. */
  trace: MessageTrace | null;
  /** The engine predicted other queues (or another returned flag) than the broker did. */
  prediction_mismatch: boolean;
}

export interface RoutingPlay {
  kind: 'routing';
  scenario: string;
  broker: Broker['kind'];
  /** The broker refused the topology (should never happen with our files). */
  setup_error: RunOutcome['setup_error'];
  steps: PlayedRoutingStep[];
}

/** Queue arguments that can take a message back out of a queue after it arrived. */
const REMOVING_ARGS = ['x-max-length', 'x-max-length-bytes', 'x-message-ttl', 'x-overflow'];

export function needsSnapshots(scenario: RoutingScenario): boolean {
  return scenario.definitions.queues.some((q) => Object.keys(q.arguments ?? {}).some((k) => REMOVING_ARGS.includes(k)));
}

export function runRequest(scenario: RoutingScenario, upTo = scenario.steps.length): RunRequest {
  return {
    name: `scenario ${scenario.id}`,
    definitions: scenario.definitions,
    messages: scenario.steps.slice(0, upTo).map((s) => s.message),
  };
}

export async function playRoutingScenario(broker: Broker, scenario: RoutingScenario): Promise<RoutingPlay> {
  const n = scenario.steps.length;
  const request = runRequest(scenario);
  const full = await broker.run(request);
  // A broker that gives facts only (RabbitMQ without a predictor): the
  // engine explains them. Its prediction is still compared with the facts below.
  const traces = full.traces ?? run(request).traces ?? [];
  const play: RoutingPlay = {
    kind: 'routing',
    scenario: scenario.id,
    broker: broker.kind,
    setup_error: full.setup_error,
    steps: [],
  };
  if (full.setup_error) return play;

  // What each queue held after each step. When no queue can drop or
  // dead-letter, a queue's contents only grow, so the final contents cut at
  // step k are exact. Otherwise replay every prefix (in parallel: each run
  // lives in its own namespace) and read the broker's own answer.
  let snapshots: Record<string, number[]>[];
  if (needsSnapshots(scenario)) {
    const prefixes = await Promise.all(Array.from({ length: n - 1 }, (_, k) => broker.run(runRequest(scenario, k + 1))));
    snapshots = [...prefixes.map((o) => o.queues ?? {}), full.queues ?? {}];
  } else {
    snapshots = Array.from({ length: n }, (_, k) => cutAt(full.queues ?? {}, k));
  }

  const returned = new Set(full.returned ?? []);
  for (let k = 0; k < n; k++) {
    const holds = snapshots[k];
    const hit = Object.keys(holds).filter((q) => holds[q].includes(k));
    const trace = traces[k] ?? null;
    const mismatch = trace !== null && (!sameSet(predictedHolders(trace), hit) || trace.returned !== returned.has(k));
    play.steps.push({ hit, returned: returned.has(k), holds, trace, prediction_mismatch: mismatch });
  }
  return play;
}

function cutAt(queues: Record<string, number[]>, k: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [q, held] of Object.entries(queues)) out[q] = held.filter((i) => i <= k);
  return out;
}

/**
 * Where the engine says this message ends up right after its publish: the
 * queues it was routed to, minus those that dropped it at once (max-length 0,
 * reject-publish), plus those its own dead-lettered copy reached.
 */
function predictedHolders(trace: MessageTrace): string[] {
  const self = trace.index;
  const gone = new Set(
    trace.queue_events
      .filter((e) => e.message === self && (e.kind === 'dropped' || e.kind === 'rejected' || e.kind === 'dead-lettered'))
      .map((e) => e.queue),
  );
  const holders = new Set(trace.routed_to.filter((q) => !gone.has(q)));
  for (const route of trace.dead_letters) if (route.message === self) route.queues.forEach((q) => holders.add(q));
  return [...holders];
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
