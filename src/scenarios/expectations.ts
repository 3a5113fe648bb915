// Compares what a broker did with what a scenario file says must happen.
// Used by the replay test on both brokers; an empty list means "as expected".
import type { ConsumerPlay } from './play-consumers.js';
import type { RoutingPlay } from './play-routing.js';
import type { ConsumerScenario, RoutingScenario } from './schema.js';

export function routingProblems(scenario: RoutingScenario, play: RoutingPlay): string[] {
  if (play.setup_error) return [`setup refused: ${JSON.stringify(play.setup_error)}`];
  const problems: string[] = [];
  scenario.steps.forEach((step, k) => {
    const got = play.steps[k];
    const where = `step ${k + 1} (${step.message.routing_key ?? ''})`;
    if (!got) return problems.push(`${where}: not played`);
    const want = [...step.expect.queues].sort();
    if (!sameList([...got.hit].sort(), want)) problems.push(`${where}: broker delivered to [${got.hit}], expected [${want}]`);
    if (got.returned !== (step.expect.returned ?? false)) problems.push(`${where}: returned=${got.returned}, expected ${!got.returned}`);
    for (const [queue, steps] of Object.entries(step.expect.holds ?? {})) {
      const held = (got.holds[queue] ?? []).map((i) => i + 1);
      if (!sameList(held, steps)) problems.push(`${where}: ${queue} holds steps [${held}], expected [${steps}]`);
    }
    if (got.trace && !sameList([...got.trace.routed_to].sort(), want)) {
      problems.push(`${where}: the engine's trace routes to [${got.trace.routed_to}], expected [${want}]`);
    }
  });
  return problems;
}

export function consumerProblems(scenario: ConsumerScenario, play: ConsumerPlay): string[] {
  if (play.error) return [`play failed: ${play.error}`];
  const problems: string[] = [];
  scenario.steps.forEach((step, k) => {
    const got = play.steps[k];
    const where = `step ${k + 1}`;
    if (!got) return problems.push(`${where}: not played`);
    const show = (ds: { consumer: string; message: string; redelivered: boolean }[]) =>
      ds.map((d) => `${d.message}→${d.consumer}${d.redelivered ? ' (redelivered)' : ''}`).join(', ');
    if (show(got.deliveries) !== show(step.expect.deliveries)) {
      problems.push(`${where}: deliveries [${show(got.deliveries)}], expected [${show(step.expect.deliveries)}]`);
    }
    for (const [queue, ready] of Object.entries(step.expect.ready)) {
      if (!sameList(got.ready[queue] ?? [], ready)) problems.push(`${where}: ${queue} ready [${got.ready[queue]}], expected [${ready}]`);
    }
    const consumers = new Set([...Object.keys(step.expect.unacked), ...Object.keys(got.unacked)]);
    for (const consumer of consumers) {
      const want = [...(step.expect.unacked[consumer] ?? [])].sort();
      const have = [...(got.unacked[consumer] ?? [])].sort();
      if (!sameList(have, want)) problems.push(`${where}: ${consumer} unacked [${have}], expected [${want}]`);
    }
  });
  return problems;
}

function sameList<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
