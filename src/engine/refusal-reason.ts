// A broker refusal read as data a page can translate: a reason code and its
// parameters, taken from the reply text. Both brokers word their refusals
// exactly as RabbitMQ 3.10.8 does (errors.ts, checked against the broker), so
// one reader serves the embedded broker and RabbitMQ alike. A text no rule
// knows keeps the broker's own words (reason "other").
import type { AmqpError } from './types.js';

export interface RefusalReason {
  /** e.g. "not-found", "reserved-name", "inequivalent-arg"… or "other". */
  reason: string;
  /** The reason's parameters, all strings (names, values, argument keys). */
  params: Record<string, string>;
}

type Rule = [RegExp, string, string[]];

// Anchored on RabbitMQ's "TEXT - detail" shape; names may hold any character, so the greedy
// groups are bounded by the fixed words that follow them.
const RULES: Rule[] = [
  [/^NOT_FOUND - no (exchange|queue) '(.*)' in vhost '.*'$/s, 'not-found', ['kind', 'name']],
  [/^NOT_FOUND - no previously declared queue$/, 'no-previous-queue', []],
  [/^ACCESS_REFUSED - operation not permitted on the default exchange$/, 'default-exchange', []],
  [/^ACCESS_REFUSED - (exchange|queue) name '(.*)' contains reserved prefix 'amq\.\*'$/s, 'reserved-name', ['kind', 'name']],
  [/^ACCESS_REFUSED - cannot publish to internal exchange '(.*)' in vhost '.*'$/s, 'internal-exchange', ['name']],
  [/^COMMAND_INVALID - unknown exchange type '(.*)'$/s, 'unknown-type', ['type']],
  [
    /^PRECONDITION_FAILED - inequivalent arg '(.*)' for (exchange|queue) '(.*)' in vhost '.*': received (.*) but current is (.*)$/s,
    'inequivalent-arg',
    ['field', 'kind', 'name', 'received', 'current'],
  ],
  [/^PRECONDITION_FAILED - Invalid x-match field value (.*); expected all, any, all-with-x, or any-with-x$/s, 'x-match-value', ['value']],
  [/^PRECONDITION_FAILED - Invalid x-match field type (\S+) \(value (.*)\); expected longstr$/s, 'x-match-type', ['type', 'value']],
  [
    /^PRECONDITION_FAILED - invalid type '(.*)' for arg '(.*)' in (exchange|queue) '(.*)' in vhost '.*'$/s,
    'arg-type',
    ['type', 'field', 'kind', 'name'],
  ],
  [
    /^PRECONDITION_FAILED - invalid arg '(.*)' for queue '(.*)' in vhost '.*' of queue type rabbit_quorum_queue$/s,
    'quorum-arg',
    ['field', 'name'],
  ],
  [/^PRECONDITION_FAILED - invalid arg '(.*)' for queue '(.*)' in vhost '.*': (.*)$/s, 'invalid-arg', ['field', 'name', 'detail']],
  [
    /^PRECONDITION_FAILED - invalid property '(auto-delete|non-durable)' for queue '(.*)' in vhost '.*'$/s,
    'quorum-property',
    ['property', 'name'],
  ],
];

export function refusalReason(error: Pick<AmqpError, 'message'>): RefusalReason {
  for (const [pattern, reason, names] of RULES) {
    const match = pattern.exec(error.message);
    if (!match) continue;
    // received/current: "'x'" for flags, "the value '3' of type 'long'" or "none" for arguments.
    const params: Record<string, string> = Object.fromEntries(names.map((name, i) => [name, readable(name, match[i + 1])]));
    // rabbit_amqqueue's check results, "{value_negative,-1}": the problem and the value apart.
    const detail = reason === 'invalid-arg' ? /^\{(\w+),(.*)\}$/s.exec(params.detail) : null;
    if (detail) Object.assign(params, { problem: detail[1], value: detail[2] });
    return { reason, params };
  }
  return { reason: 'other', params: { message: error.message } };
}

function readable(param: string, text: string): string {
  if (param === 'received' || param === 'current') return unquote(text);
  // x-match's value as Erlang prints it: <<"bogus">> is the string "bogus".
  if (param === 'value') return text.replace(/^<<"(.*)">>$/s, '"$1"');
  return text;
}

/** "'x'" → x; "the value '3' of type 'long'" → 3 (long); "none" (the argument is absent) → —. */
function unquote(text: string): string {
  const typed = /^the value '(.*)' of type '(.*)'$/s.exec(text);
  if (typed) return `${typed[1]} (${typed[2]})`;
  if (text === 'none') return '—';
  return /^'.*'$/s.test(text) ? text.slice(1, -1) : text;
}
