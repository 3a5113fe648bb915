// The engine's prediction, set beside the broker's facts (design: in rabbitmq
// mode the engine's prediction is shown next to the deliveries; a mismatch is
// flagged, never hidden).
import type { RunOutcome } from '../../engine/types.js';

/** One sentence per difference between what the broker did and what the engine predicted. */
export function predictionMismatches(facts: RunOutcome, predicted: RunOutcome): string[] {
  const out: string[] = [];
  const factCode = facts.setup_error?.code ?? null;
  const predictedCode = predicted.setup_error?.code ?? null;
  if (factCode !== predictedCode) {
    out.push(`setup: the broker answered ${describeSetup(facts)}, the engine predicted ${describeSetup(predicted)}`);
    return out;
  }
  if (factCode !== null) {
    const a = facts.setup_error_at;
    const b = predicted.setup_error_at;
    if (a && b && (a.kind !== b.kind || a.index !== b.index)) {
      out.push(`setup: the broker refused ${a.kind} ${a.index}, the engine predicted ${b.kind} ${b.index}`);
    }
    return out;
  }
  const where = (o: RunOutcome) => (o.refusals ?? []).map((r) => `${r.kind} ${r.index} (${r.code})`).join(', ') || 'none';
  if (where(facts) !== where(predicted)) {
    out.push(`setup: the broker refused ${where(facts)}, the engine predicted ${where(predicted)}`);
  }
  const names = new Set([...Object.keys(facts.queues ?? {}), ...Object.keys(predicted.queues ?? {})]);
  for (const name of names) {
    const got = facts.queues?.[name];
    const want = predicted.queues?.[name];
    if (!sameList(got, want)) {
      out.push(`queue ${JSON.stringify(name)}: the broker holds ${list(got)}, the engine predicted ${list(want)}`);
    }
  }
  if (!sameList(facts.returned, predicted.returned)) {
    out.push(`returned: the broker returned ${list(facts.returned)}, the engine predicted ${list(predicted.returned)}`);
  }
  const errorIndices = new Set([...Object.keys(facts.publish_errors ?? {}), ...Object.keys(predicted.publish_errors ?? {})]);
  for (const index of [...errorIndices].sort((a, b) => Number(a) - Number(b))) {
    const got = facts.publish_errors?.[index];
    const want = predicted.publish_errors?.[index];
    if (got !== want) {
      out.push(`message ${index}: the broker answered ${got ?? 'ok'}, the engine predicted ${want ?? 'ok'}`);
    }
  }
  return out;
}

function describeSetup(outcome: RunOutcome): string {
  const e = outcome.setup_error;
  if (!e) return 'no refusal';
  const at = outcome.setup_error_at ? ` at ${outcome.setup_error_at.kind} ${outcome.setup_error_at.index}` : '';
  return `${e.code}${at}`;
}

function sameList(a: number[] | undefined, b: number[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function list(a: number[] | undefined): string {
  return a === undefined ? 'nothing (no such queue)' : `[${a.join(', ')}]`;
}
