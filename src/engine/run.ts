// run(request): the whole conformance experiment on a fresh virtual host —
// declare exchanges, then queues, then bindings, in the order listed (the
// first refusal ends the run: setup_error + setup_error_at), publish every
// message in order (a refused publish is recorded and the next one goes on),
// then drain every declared queue with basic.get. The outcome has the shape
// of test/conformance/README.md, plus one trace per message.
//
// With `onRefusal: 'skip'` (the sandbox), a refused declaration is recorded in
// `refusals` and the run goes on without it — as a client that reopens its
// channel after each channel error and carries on would see it.
import type { RunOptions as SharedRunOptions, RunOutcome, RunRequest, SetupRefusal } from './types.js';
import { refusalReason } from './refusal-reason.js';
import { VirtualHost } from './virtual-host.js';

export interface RunOptions extends SharedRunOptions {
  /** false: skip the per-binding explanations (hops stay empty); the outcome is the same. */
  trace?: boolean;
}

export function run(request: RunRequest, options: RunOptions = {}): RunOutcome {
  const vhost = new VirtualHost();
  const definitions = request.definitions ?? {};
  const skip = options.onRefusal === 'skip';
  const refusals: SetupRefusal[] = [];

  /** Stop (the conformance format), or note it and go on (the sandbox): true when the run must end. */
  const refused = (kind: SetupRefusal['kind'], index: number, error: { code: number; text: string; message: string }): boolean => {
    refusals.push({ kind, index, ...error, ...refusalReason(error) });
    return !skip;
  };
  const setupError = (): RunOutcome => {
    const { kind, index, code, message } = refusals[0];
    return { setup_error: { code, message }, setup_error_at: { kind, index } };
  };

  for (const [i, def] of (definitions.exchanges ?? []).entries()) {
    const error = vhost.declareExchange(def);
    if (error && refused('exchange', i, error)) return setupError();
  }
  // Declared name → actual name (a queue declared as "" gets a server-generated one).
  const declared = new Map<string, string>();
  for (const [i, def] of (definitions.queues ?? []).entries()) {
    const result = vhost.declareQueue(def);
    if ('error' in result) {
      if (refused('queue', i, result.error)) return setupError();
      continue;
    }
    declared.set(def.name, result.queue);
  }
  for (const [i, def] of (definitions.bindings ?? []).entries()) {
    const error = vhost.bind(def);
    if (error && refused('binding', i, error)) return setupError();
  }

  const traces = (request.messages ?? []).map((message) => vhost.publish(message, { trace: options.trace ?? true }));
  const returned = traces.filter((t) => t.returned).map((t) => t.index);
  const publish_errors: Record<string, number> = {};
  for (const t of traces) if (t.error) publish_errors[String(t.index)] = t.error.code;

  const queues: Record<string, number[]> = {};
  for (const [name, actual] of declared) queues[name] = vhost.drain(actual);

  return { setup_error: null, ...(skip && { refusals }), queues, returned, publish_errors, traces };
}
