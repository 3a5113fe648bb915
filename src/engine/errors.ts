// Broker refusals as data, worded exactly as RabbitMQ 3.10.8 words them
// (each message below was checked against the local broker). Both brokers
// produce these shapes; the web layer maps them to HTTP in one place.
import { REPLY_TEXT } from '../amqp/reply-codes.js';
import type { AmqpError } from './types.js';

export { REPLY_TEXT };

export const DEFAULT_VHOST = '/';

/** `{code, text, message}` with RabbitMQ's "TEXT - detail" message format. */
export function amqpError(code: number, detail: string): AmqpError {
  const text = REPLY_TEXT[code] ?? 'INTERNAL_ERROR';
  return { code, text, message: `${text} - ${detail}` };
}

/** rabbit_misc:rs/1 — "exchange 'x' in vhost '/'". */
export function resourceName(kind: 'exchange' | 'queue', name: string, vhost: string): string {
  return `${kind} '${name}' in vhost '${vhost}'`;
}

export function notFound(kind: 'exchange' | 'queue', name: string, vhost: string): AmqpError {
  return amqpError(404, `no ${resourceName(kind, name, vhost)}`);
}

/** §4: "" cannot be declared, deleted or bound. */
export function defaultExchangeRefused(): AmqpError {
  return amqpError(403, 'operation not permitted on the default exchange');
}

/** §9: new names starting with "amq." are reserved (byte-exact, case-sensitive). */
export function reservedName(kind: 'exchange' | 'queue', name: string): AmqpError {
  return amqpError(403, `${kind} name '${name}' contains reserved prefix 'amq.*'`);
}

/** rabbit_misc:assert_field_equivalence/4 for flags and the exchange type. */
export function inequivalentField(
  kind: 'exchange' | 'queue',
  name: string,
  vhost: string,
  field: string,
  received: string,
  current: string,
): AmqpError {
  return amqpError(
    406,
    `inequivalent arg '${field}' for ${resourceName(kind, name, vhost)}: received '${received}' but current is '${current}'`,
  );
}
