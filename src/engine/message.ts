// Turning a basic.publish into a stored message (§1 steps 6–7): the
// expiration property is checked, the routing keys become [RK] + CC + BCC
// (only the string elements of those arrays), and the BCC header is removed.
import { amqpError } from './errors.js';
import { toWire } from './field-values.js';
import type { StoredMessage } from './queue.js';
import type { AmqpError, FieldTable, MessageSpec } from './types.js';

/** rabbit_basic:parse_expiration/1 + check_expiry: an integer string, 0 to 10 years. */
export function parseExpiration(expiration: unknown): { ttl: number | undefined } | { error: AmqpError } {
  if (expiration === undefined || expiration === null) return { ttl: undefined };
  const text = typeof expiration === 'string' ? expiration : JSON.stringify(expiration);
  const fail = (term: string) => ({ error: amqpError(406, `invalid expiration '${text}': ${term}`) });
  // string:to_integer/1: an optional sign and digits, nothing before them.
  const match = /^[+-]?[0-9]+/.exec(text);
  if (!match) return fail('no_integer');
  if (match[0].length !== text.length) return fail(`{leftover_string,"${text.slice(match[0].length)}"}`);
  const ttl = Number(match[0]);
  if (ttl < 0) return fail(`{value_negative,${ttl}}`);
  if (ttl > 315_360_000_000) return fail(`{value_too_large,${ttl}}`);
  return { ttl };
}

/** rabbit_basic:header_routes/1: CC then BCC; each must be an array if present. */
export function senderSelectedKeys(headers: FieldTable | undefined): { keys: string[] } | { error: AmqpError } {
  const keys: string[] = [];
  for (const name of ['CC', 'BCC']) {
    if (!headers || !Object.hasOwn(headers, name) || headers[name] === undefined) continue;
    const value = toWire(headers[name]);
    if (value.t !== 'array') {
      return { error: amqpError(406, `invalid message: {unacceptable_type_in_header,"${name}",${value.t}}`) };
    }
    // Elements that are not longstr are silently ignored (§1.7).
    for (const element of value.v) if (element.t === 'longstr') keys.push(element.v);
  }
  return { keys };
}

/** Builds the message a publish carries, or the 406 the broker answers. */
export function buildMessage(index: number, spec: MessageSpec): StoredMessage | { error: AmqpError } {
  const properties = { ...(spec.properties ?? {}) };
  const expiration = parseExpiration(properties.expiration);
  if ('error' in expiration) return expiration;
  const routes = senderSelectedKeys(properties.headers);
  if ('error' in routes) return routes;
  let headers = properties.headers;
  let rawProperties = spec.raw_properties;
  if (headers && Object.hasOwn(headers, 'BCC')) {
    rawProperties = undefined; // the headers change: re-encode them
    // The BCC header is stripped; an empty table stays a table.
    headers = { ...headers };
    delete headers.BCC;
    properties.headers = headers;
  }
  const payload = spec.payload ?? '';
  return {
    index,
    exchange: spec.exchange,
    routingKeys: [spec.routing_key ?? '', ...routes.keys],
    headers,
    properties,
    payload,
    body: spec.body,
    rawProperties,
    bodySize: spec.body ? spec.body.length : Buffer.byteLength(payload, 'utf8'),
    ttl: expiration.ttl,
  };
}
