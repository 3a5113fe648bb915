// Declarations and bindings: every check RabbitMQ 3.10.8 makes, in the order
// it makes them (§9, §10, §13), so the same request gets the same refusal.
// These functions only decide; ./virtual-host.ts applies the decision.
import { amqpError, defaultExchangeRefused, inequivalentField, notFound, reservedName } from './errors.js';
import { compareKeys, toWire } from './field-values.js';
import { exchangeType } from './exchange-types/index.js';
import type { Binding, ExchangeTypeModule } from './exchange-types/exchange-type.js';
import { assertArgsEquivalence, EQUIVALENCE_KEYS, validateQueueArguments } from './queue-arguments.js';
import type { Queue } from './queue.js';
import type { ExchangeState } from './router.js';
import type { AmqpError, BindingDef, ExchangeDef, FieldTable, QueueDef } from './types.js';

export interface DeclaredState {
  readonly vhost: string;
  readonly exchanges: ReadonlyMap<string, ExchangeState>;
  readonly queues: ReadonlyMap<string, Queue>;
}

/** CR and LF are stripped from names on declare, delete and bind — not on publish (§9). */
export function stripCrLf(name: string): string {
  return name.replace(/[\r\n]/g, '');
}

export type ExchangeDecision =
  | { error: AmqpError }
  | { existing: ExchangeState }
  | { create: { name: string; type: ExchangeTypeModule; durable: boolean; autoDelete: boolean; internal: boolean; args: FieldTable } };

/** exchange.declare (rabbit_channel, 3.10.8 l.2696–2738). */
export function decideExchangeDeclare(state: DeclaredState, def: ExchangeDef, passive = false): ExchangeDecision {
  const name = stripCrLf(def.name);
  if (passive) {
    if (name === '') return { error: defaultExchangeRefused() };
    const existing = state.exchanges.get(name);
    return existing ? { existing } : { error: notFound('exchange', name, state.vhost) };
  }
  // The type is checked before anything else, even for "" (503 closes the connection).
  const type = exchangeType(def.type);
  if (!type) return { error: amqpError(503, `unknown exchange type '${def.type}'`) };
  if (name === '') return { error: defaultExchangeRefused() };
  const durable = def.durable ?? false;
  const autoDelete = def.auto_delete ?? false;
  const internal = def.internal ?? false;
  const args = def.arguments ?? {};
  const existing = state.exchanges.get(name);
  if (existing) {
    const field = (f: string, received: unknown, current: unknown) =>
      received === current ? null : inequivalentField('exchange', name, state.vhost, f, String(received), String(current));
    const error =
      field('type', type.name, existing.type.name) ??
      field('durable', durable, existing.durable) ??
      field('auto_delete', autoDelete, existing.autoDelete) ??
      field('internal', internal, existing.internal) ??
      // Only alternate-exchange is compared; other argument changes are accepted and ignored.
      assertArgsEquivalence('exchange', name, state.vhost, existing.arguments, args, ['alternate-exchange']);
    return error ? { error } : { existing };
  }
  // Only a new exchange is checked for the reserved prefix (the predeclared ones can be redeclared).
  if (name.startsWith('amq.')) return { error: reservedName('exchange', name) };
  if (args['alternate-exchange'] !== undefined) {
    const t = toWire(args['alternate-exchange']).t;
    if (t !== 'longstr') {
      return { error: amqpError(406, `invalid type '${t}' for arg 'alternate-exchange' in exchange '${name}' in vhost '${state.vhost}'`) };
    }
  }
  return { create: { name, type, durable, autoDelete, internal, args } };
}

export type QueueDecision =
  { error: AmqpError } | { existing: Queue } | { create: { name: string; durable: boolean; autoDelete: boolean; args: FieldTable } };

/** queue.declare (rabbit_channel + rabbit_amqqueue:declare/assert_equivalence). */
export function decideQueueDeclare(state: DeclaredState, def: QueueDef, serverName: () => string, passive = false): QueueDecision {
  const stripped = stripCrLf(def.name);
  if (passive) {
    const existing = state.queues.get(stripped);
    return existing ? { existing } : { error: notFound('queue', stripped, state.vhost) };
  }
  // "" asks the server for a name; other amq.* names are reserved, even for existing queues.
  const name = stripped === '' ? serverName() : stripped;
  if (stripped !== '' && name.startsWith('amq.')) return { error: reservedName('queue', name) };
  const durable = def.durable ?? false;
  const autoDelete = def.auto_delete ?? false;
  const args = def.arguments ?? {};
  const existing = state.queues.get(name);
  if (existing) {
    const field = (f: string, received: boolean, current: boolean) =>
      received === current ? null : inequivalentField('queue', name, state.vhost, f, String(received), String(current));
    const error =
      field('durable', durable, existing.durable) ??
      field('auto_delete', autoDelete, existing.autoDelete) ??
      assertArgsEquivalence('queue', name, state.vhost, withoutDefaultType(existing.args), withoutDefaultType(args), EQUIVALENCE_KEYS);
    return error ? { error } : { existing };
  }
  const error = validateQueueArguments(name, state.vhost, { durable, autoDelete }, args);
  return error ? { error } : { create: { name, durable, autoDelete, args } };
}

/** x-queue-type "classic" is what no type means: redeclaring with or without it is equivalent. */
function withoutDefaultType(args: FieldTable): FieldTable {
  if (args['x-queue-type'] !== 'classic') return args;
  const { 'x-queue-type': _classic, ...rest } = args;
  return rest;
}

export type BindingDecision = { error: AmqpError } | { binding: Binding; exists: boolean };

/**
 * queue.bind / exchange.bind (rabbit_channel:binding_action/10, rabbit_binding:add/3):
 * "" as source or destination exchange → 403; missing source, then missing
 * destination → 404 (both missing names the source); then the source type
 * validates the arguments (headers x-match → 406).
 */
export function decideBind(state: DeclaredState, def: BindingDef): BindingDecision {
  const destinationType = def.destination_type ?? 'queue';
  const source = stripCrLf(def.source);
  const destination = stripCrLf(def.destination);
  if ((destinationType === 'exchange' && destination === '') || source === '') return { error: defaultExchangeRefused() };
  const exchange = state.exchanges.get(source);
  if (!exchange) return { error: notFound('exchange', source, state.vhost) };
  const found = destinationType === 'queue' ? state.queues.has(destination) : state.exchanges.has(destination);
  if (!found) return { error: notFound(destinationType, destination, state.vhost) };
  const args = def.arguments ?? {};
  const invalid = exchange.type.validateBinding(args);
  if (invalid) return { error: invalid };
  const bindingKey = def.routing_key ?? '';
  const identity = bindingIdentity(source, destinationType, destination, bindingKey, args);
  const existing = exchange.bindingsById.get(identity);
  if (existing) return { binding: existing, exists: true };
  return {
    binding: { source, destination, destinationType, bindingKey, arguments: args, identity, ...exchange.type.compile(bindingKey, args) },
    exists: false,
  };
}

/** A binding is (source, destination, key, key-sorted args): argument order does not make another binding (§10). */
export function bindingIdentity(source: string, destinationType: string, destination: string, key: string, args: FieldTable): string {
  const sorted = Object.keys(args)
    .filter((k) => args[k] !== undefined)
    .sort(compareKeys)
    .map((k) => [k, toWire(args[k])]);
  return JSON.stringify([source, destinationType, destination, key, sorted]);
}
