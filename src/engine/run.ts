// run(request): the whole conformance experiment on a fresh virtual host —
// declare exchanges, then queues, then bindings, in the order listed (the
// first refusal ends the run: setup_error + setup_error_at), publish every
// message in order (a refused publish is recorded and the next one goes on),
// then drain every declared queue with basic.get. The outcome has the shape
// of ../shared/conformance/README.md, plus one trace per message.
import type { RunOutcome, RunRequest } from './types.js';
import { VirtualHost } from './virtual-host.js';

export interface RunOptions {
  /** false: skip the per-binding explanations (hops stay empty); the outcome is the same. */
  trace?: boolean;
}

export function run(request: RunRequest, options: RunOptions = {}): RunOutcome {
  const vhost = new VirtualHost();
  const definitions = request.definitions ?? {};

  const setupError = (kind: 'exchange' | 'queue' | 'binding', index: number, error: { code: number; message: string }): RunOutcome => ({
    setup_error: { code: error.code, message: error.message },
    setup_error_at: { kind, index },
  });

  for (const [i, def] of (definitions.exchanges ?? []).entries()) {
    const error = vhost.declareExchange(def);
    if (error) return setupError('exchange', i, error);
  }
  // Declared name → actual name (a queue declared as "" gets a server-generated one).
  const declared = new Map<string, string>();
  for (const [i, def] of (definitions.queues ?? []).entries()) {
    const result = vhost.declareQueue(def);
    if ('error' in result) return setupError('queue', i, result.error);
    declared.set(def.name, result.queue);
  }
  for (const [i, def] of (definitions.bindings ?? []).entries()) {
    const error = vhost.bind(def);
    if (error) return setupError('binding', i, error);
  }

  const traces = (request.messages ?? []).map((message) => vhost.publish(message, { trace: options.trace ?? true }));
  const returned = traces.filter((t) => t.returned).map((t) => t.index);
  const publish_errors: Record<string, number> = {};
  for (const t of traces) if (t.error) publish_errors[String(t.index)] = t.error.code;

  const queues: Record<string, number[]> = {};
  for (const [name, actual] of declared) queues[name] = vhost.drain(actual);

  return { setup_error: null, queues, returned, publish_errors, traces };
}
