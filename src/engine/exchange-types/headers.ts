// Headers exchange (§8). The routing key is ignored; a binding's arguments are
// compared with the message's headers. `x-match` says how:
//   all (the default) — every compared argument must match; nothing to compare → matches
//   any               — at least one must match;           nothing to compare → no match
//   all-with-x / any-with-x — the same, but arguments starting with "x-" are
//                       compared too (under all/any they are ignored).
// An argument matches when the message has that header and either the
// binding value is void (JSON null: a presence test) or the values are equal
// by Erlang `==` (../field-values.ts): numbers across types, strings only with
// strings, booleans only with booleans, nested tables/arrays tag for tag.
import { amqpError } from '../errors.js';
import { compareKeys, erlangEquals, erlangTerm, toWire, type Wire } from '../field-values.js';
import type { FieldTable, HeaderRow, HeadersVerdict } from '../types.js';
import { ListIndex, type Binding, type ExchangeTypeModule, type RoutableMessage } from './exchange-type.js';
import { X_MATCH_VALUES, type HeadersBindingSpec, type XMatch } from './headers-binding.js';

export type { HeadersBindingSpec, XMatch };

/** Bind-time check of x-match (rabbit_exchange_type_headers:validate_binding/2). */
export function validateXMatch(args: FieldTable): ReturnType<ExchangeTypeModule['validateBinding']> {
  if (!Object.hasOwn(args, 'x-match') || args['x-match'] === undefined) return null;
  const wire = toWire(args['x-match']);
  if (wire.t !== 'longstr') {
    return amqpError(406, `Invalid x-match field type ${wire.t} (value ${erlangTerm(wire)}); expected longstr`);
  }
  if (!X_MATCH_VALUES.includes(wire.v)) {
    return amqpError(406, `Invalid x-match field value ${erlangTerm(wire)}; expected all, any, all-with-x, or any-with-x`);
  }
  return null;
}

export function compileHeadersBinding(args: FieldTable): HeadersBindingSpec {
  const given = typeof args['x-match'] === 'string';
  const xMatch = (given ? args['x-match'] : 'all') as XMatch;
  const withX = xMatch === 'all-with-x' || xMatch === 'any-with-x';
  const keys = Object.keys(args)
    .filter((k) => args[k] !== undefined)
    .sort(compareKeys);
  return {
    xMatch,
    xMatchGiven: given,
    args: keys.map((key) => ({
      key,
      value: args[key]!,
      wire: toWire(args[key]),
      // x-match is never compared; other x- keys only under *-with-x.
      compared: key !== 'x-match' && (withX || !key.startsWith('x-')),
    })),
  };
}

/** The message's headers, typed once per publish. */
const typedHeaders = new WeakMap<RoutableMessage, Map<string, Wire>>();
function headerWires(message: RoutableMessage): Map<string, Wire> {
  let map = typedHeaders.get(message);
  if (!map) {
    map = new Map();
    const headers = message.headers ?? {};
    for (const key of Object.keys(headers)) if (headers[key] !== undefined) map.set(key, toWire(headers[key]));
    typedHeaders.set(message, map);
  }
  return map;
}

type ArgResult = 'match' | 'mismatch' | 'missing';

function compare(arg: HeadersBindingSpec['args'][number], headers: Map<string, Wire>): ArgResult {
  const header = headers.get(arg.key);
  if (header === undefined) return 'missing';
  // A void binding value is a presence test; a void header equals no other value.
  if (arg.wire.t === 'void') return 'match';
  return erlangEquals(arg.wire, header) ? 'match' : 'mismatch';
}

/** Fast check: with unique keys this equals §8's sorted-merge loop. */
export function headersMatch(spec: HeadersBindingSpec, message: RoutableMessage): boolean {
  const headers = headerWires(message);
  const all = spec.xMatch === 'all' || spec.xMatch === 'all-with-x';
  for (const arg of spec.args) {
    if (!arg.compared) continue;
    const ok = compare(arg, headers) === 'match';
    if (all && !ok) return false;
    if (!all && ok) return true;
  }
  return all;
}

export const headers: ExchangeTypeModule = {
  name: 'headers',
  validateBinding: validateXMatch,
  compile: (_key, args) => ({ headers: compileHeadersBinding(args) }),
  explain(binding, message) {
    const spec = binding.headers ?? compileHeadersBinding(binding.arguments);
    const wires = headerWires(message);
    const rows: HeaderRow[] = spec.args.map((arg) => {
      const present = wires.has(arg.key);
      const row: HeaderRow = {
        key: arg.key,
        binding_value: arg.value,
        present,
        result: arg.compared ? compare(arg, wires) : 'ignored',
      };
      if (present) row.message_value = message.headers![arg.key]!;
      return row;
    });
    const matched = headersMatch(spec, message);
    return { matched, detail: { kind: 'headers', x_match: spec.xMatch, rows, verdict: verdict(spec, rows, matched) } };
  },
  createIndex: () => new ListIndex((binding: Binding, message) => headersMatch(binding.headers!, message)),
};

/** Why the binding matched or not, as a code and the header it names. */
function verdict(spec: HeadersBindingSpec, rows: HeaderRow[], matched: boolean): HeadersVerdict {
  const compared = rows.filter((r) => r.result !== 'ignored');
  const base = {
    compared: compared.length,
    x_match_given: spec.xMatchGiven,
    ignored_x: rows.filter((r) => r.result === 'ignored' && r.key !== 'x-match').map((r) => r.key),
  };
  if (compared.length === 0) return { code: 'nothing-compared', ...base };
  if (spec.xMatch === 'all' || spec.xMatch === 'all-with-x') {
    if (matched) return { code: 'all-match', ...base };
    const first = compared.find((r) => r.result !== 'match')!;
    return { code: first.result === 'missing' ? 'header-missing' : 'header-differs', key: first.key, ...base };
  }
  if (!matched) return { code: 'none-match', ...base };
  return { code: 'header-matches', key: compared.find((r) => r.result === 'match')!.key, ...base };
}
