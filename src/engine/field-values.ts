// Header and argument values as RabbitMQ sees them. A JSON value reaches the
// broker through amqplib, which picks an AMQP type for it (a "wire" type);
// RabbitMQ then compares the decoded values with Erlang's `==` (§8). So the
// engine first types every value the way amqplib's encoder does
// (node_modules/amqplib/lib/codec.js encodeFieldValue), then compares the
// typed values the way Erlang does.
import type { FieldTable, FieldValue } from './types.js';

/** Erlang type names of AMQP field values (rabbit_binary_parser). */
export type WireType =
  | 'longstr'
  | 'binary'
  | 'bool'
  | 'void'
  | 'table'
  | 'array'
  | 'decimal'
  | 'byte'
  | 'unsignedbyte'
  | 'short'
  | 'unsignedshort'
  | 'signedint'
  | 'unsignedint'
  | 'long'
  | 'timestamp'
  | 'float'
  | 'double';

export type Wire =
  | { t: 'longstr'; v: string }
  | { t: 'binary'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'void'; v: undefined }
  | { t: 'table'; v: [string, Wire][] }
  | { t: 'array'; v: Wire[] }
  | { t: 'decimal'; v: { places: number; digits: number } }
  | { t: NumericType; v: number };

type NumericType =
  'byte' | 'unsignedbyte' | 'short' | 'unsignedshort' | 'signedint' | 'unsignedint' | 'long' | 'timestamp' | 'float' | 'double';

const NUMERIC = new Set<string>([
  'byte',
  'unsignedbyte',
  'short',
  'unsignedshort',
  'signedint',
  'unsignedint',
  'long',
  'timestamp',
  'float',
  'double',
]);

/** amqplib's names for its `{'!': type, value}` escape hatch → Erlang type names. */
const TRAPDOOR: Record<string, NumericType> = {
  byte: 'byte',
  int8: 'byte',
  unsignedbyte: 'unsignedbyte',
  uint8: 'unsignedbyte',
  short: 'short',
  int16: 'short',
  unsignedshort: 'unsignedshort',
  uint16: 'unsignedshort',
  int: 'signedint',
  int32: 'signedint',
  unsignedint: 'unsignedint',
  uint32: 'unsignedint',
  long: 'long',
  int64: 'long',
  timestamp: 'timestamp',
  float: 'float',
  double: 'double',
  float64: 'double',
};

/** amqplib codec.js isFloatingPoint: a fraction below 2^50, or beyond int64, goes as a double. */
function isFloatingPoint(n: number): boolean {
  return n >= 0x8000000000000000 || (Math.abs(n) < 0x4000000000000 && Math.floor(n) !== n);
}

/** The AMQP type amqplib gives a JS number: the smallest signed integer that holds it, else double. */
function numberType(n: number): NumericType {
  if (isFloatingPoint(n)) return 'double';
  if (n < 128 && n >= -128) return 'byte';
  if (n >= -0x8000 && n < 0x8000) return 'short';
  if (n >= -0x80000000 && n < 0x80000000) return 'signedint';
  return 'long';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Types a value exactly as amqplib would encode it. */
export function toWire(value: unknown): Wire {
  if (value === null || value === undefined) return { t: 'void', v: undefined };
  switch (typeof value) {
    case 'string':
      return { t: 'longstr', v: value };
    case 'boolean':
      return { t: 'bool', v: value };
    case 'number':
      return { t: numberType(value), v: value };
  }
  if (Array.isArray(value)) return { t: 'array', v: value.map(toWire) };
  if (value instanceof Uint8Array) return { t: 'binary', v: Buffer.from(value).toString('latin1') };
  if (isPlainObject(value)) {
    if (Object.hasOwn(value, '!')) return trapdoor(value['!'], value.value);
    return { t: 'table', v: tableEntries(value) };
  }
  // Anything else (a Date, a class instance…) goes out as its string form.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return { t: 'longstr', v: String(value) };
}

/** amqplib skips undefined entries; the other keys keep their JS order (nested tables are not sorted, §8). */
function tableEntries(table: Record<string, unknown>): [string, Wire][] {
  const entries: [string, Wire][] = [];
  for (const key of Object.keys(table)) {
    if (table[key] !== undefined) entries.push([key, toWire(table[key])]);
  }
  return entries;
}

function trapdoor(type: unknown, value: unknown): Wire {
  const t = String(type);
  const numeric = TRAPDOOR[t];
  if (numeric) {
    const n = Number(value);
    // float is 32-bit on the wire; integer types hold whole numbers only.
    if (numeric === 'float') return { t: 'float', v: Math.fround(n) };
    if (numeric === 'double') return { t: 'double', v: n };
    return { t: numeric, v: Math.trunc(n) };
  }
  if (t === 'decimal' && isPlainObject(value)) {
    return { t: 'decimal', v: { places: Number(value.places), digits: Number(value.digits) } };
  }
  if (t === 'string') return { t: 'longstr', v: String(value) };
  if (t === 'boolean') return { t: 'bool', v: Boolean(value) };
  if (t === 'number') return toWire(Number(value));
  return toWire(value);
}

export function isNumeric(w: Wire): w is { t: NumericType; v: number } {
  return NUMERIC.has(w.t);
}

/**
 * Erlang `==` on two decoded values, the top-level type tag ignored (§8):
 * numbers compare numerically across types, longstr and binary by bytes,
 * bool only with bool; nested tables and arrays keep their type tags and order.
 */
export function erlangEquals(a: Wire, b: Wire): boolean {
  if (isNumeric(a)) return isNumeric(b) && a.v === b.v;
  switch (a.t) {
    case 'longstr':
    case 'binary':
      return (b.t === 'longstr' || b.t === 'binary') && a.v === b.v;
    case 'bool':
      return b.t === 'bool' && a.v === b.v;
    case 'void':
      return b.t === 'void';
    case 'decimal':
      return b.t === 'decimal' && a.v.places === b.v.places && a.v.digits === b.v.digits;
    case 'table':
      return (
        b.t === 'table' &&
        a.v.length === b.v.length &&
        a.v.every(([key, value], i) => {
          const [otherKey, other] = b.v[i];
          return key === otherKey && taggedEquals(value, other);
        })
      );
    case 'array':
      return b.t === 'array' && a.v.length === b.v.length && a.v.every((value, i) => taggedEquals(value, b.v[i]));
  }
}

/** Inside a table or array the tag is part of the term: `{n: long 1}` ≠ `{n: signedint 1}`. */
function taggedEquals(a: Wire, b: Wire): boolean {
  return a.t === b.t && erlangEquals(a, b);
}

/**
 * Erlang binary order, used by RabbitMQ to sort tables: bytewise on UTF-8,
 * which is Unicode code-point order (not JS's UTF-16 order), shorter first.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Surrogates (astral code points) sort after every BMP code point in UTF-8.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

/** A table's entries, key-sorted as rabbit_misc:sort_field_table does. */
export function sortedEntries(table: FieldTable | undefined): [string, FieldValue][] {
  if (!table) return [];
  return Object.keys(table)
    .filter((key) => table[key] !== undefined)
    .sort(compareKeys)
    .map((key) => [key, table[key]!]);
}

/** Erlang's ~p rendering of a decoded value, as RabbitMQ puts it in error messages. */
export function erlangTerm(w: Wire): string {
  switch (w.t) {
    case 'longstr':
    case 'binary':
      return erlangBinary(w.v);
    case 'bool':
      return String(w.v);
    case 'void':
      return 'undefined';
    case 'decimal':
      return `{${w.v.places},${w.v.digits}}`;
    case 'table':
      return `[${w.v.map(([k, v]) => `{${erlangBinary(k)},${v.t},${erlangTerm(v)}}`).join(',')}]`;
    case 'array':
      return `[${w.v.map((v) => `{${v.t},${erlangTerm(v)}}`).join(',')}]`;
    default:
      return erlangNumber(w.v, w.t === 'float' || w.t === 'double');
  }
}

function erlangBinary(s: string): string {
  // Printable text shows as <<"text">>; anything with control characters as bytes.
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/^[^\u0000-\u001f\u007f]*$/u.test(s)) return `<<"${s.replace(/["\\]/g, '\\$&')}">>`;
  return `<<${[...Buffer.from(s, 'utf8')].join(',')}>>`;
}

function erlangNumber(n: number, float: boolean): string {
  if (!float) return String(n);
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/** The type name RabbitMQ reports for a JSON value (e.g. "invalid type 'byte' for arg …"). */
export function wireTypeOf(value: unknown): WireType {
  return toWire(value).t;
}
