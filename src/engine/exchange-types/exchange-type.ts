// What an exchange type is: the answer to one question, "given a message,
// which of my bindings match, and why". Storage, exchange-to-exchange
// recursion, alternate exchanges, the cycle guard and de-duplication live
// once, in ../router.ts (as in RabbitMQ's rabbit_exchange_type_*.erl).
import type { AmqpError, ExchangeType, FieldTable, MatchDetail } from '../types.js';
import type { HeadersBindingSpec } from './headers-binding.js';

/** A binding as stored: declared fields plus what was compiled at bind time. */
export interface Binding {
  readonly source: string;
  readonly destination: string;
  readonly destinationType: 'queue' | 'exchange';
  readonly bindingKey: string;
  readonly arguments: FieldTable;
  /** (source, destination, type, key, key-sorted args): equal identities are one binding (§10). */
  readonly identity: string;
  /** Topic: the binding key split into words once, at bind time. */
  readonly topicWords?: readonly string[];
  /** Headers: x-match parsed and the arguments typed and sorted, at bind time. */
  readonly headers?: HeadersBindingSpec;
}

/** What a message offers to exchange types: its keys (RK + CC + BCC) and headers (BCC stripped). */
export interface RoutableMessage {
  readonly routingKeys: readonly string[];
  readonly headers: FieldTable | undefined;
}

export interface Explanation {
  matched: boolean;
  matched_routing_key?: string;
  detail: MatchDetail;
}

/** A per-exchange structure built at bind time, answering matches fast (no trace). */
export interface BindingIndex {
  add(binding: Binding): void;
  remove(binding: Binding): void;
  /** Appends every matching binding to `out` (a binding may appear more than once). */
  collect(message: RoutableMessage, out: Binding[]): void;
}

export interface ExchangeTypeModule {
  readonly name: ExchangeType;
  /** Bind-time validation (only headers has any: x-match, §8). */
  validateBinding(args: FieldTable): AmqpError | null;
  /** Precomputes what matching needs, once per binding. */
  compile(bindingKey: string, args: FieldTable): Pick<Binding, 'topicWords' | 'headers'>;
  /** The readable, traced answer for one binding. */
  explain(binding: Binding, message: RoutableMessage): Explanation;
  createIndex(): BindingIndex;
}

/** An index that is just the list of bindings, filtered by a predicate. */
export class ListIndex implements BindingIndex {
  private bindings: Binding[] = [];
  constructor(private readonly matches: (binding: Binding, message: RoutableMessage) => boolean) {}
  add(binding: Binding): void {
    this.bindings.push(binding);
  }
  remove(binding: Binding): void {
    this.bindings = this.bindings.filter((b) => b !== binding);
  }
  collect(message: RoutableMessage, out: Binding[]): void {
    for (const binding of this.bindings) if (this.matches(binding, message)) out.push(binding);
  }
}
