// Checks a JSON object that will travel as an AMQP field table (message
// headers, exchange/queue/binding arguments): every value must be one that
// amqplib encodes faithfully and RabbitMQ reads back, within the run limits.
import { RUN_LIMITS } from '../limits.js';

export interface TableIssue {
  /** What is wrong, as a catalog key (locales/<lang>/errors.json) and its parameters. */
  key: string;
  params?: Record<string, string | number>;
  /** Path inside the table, e.g. ["x-match"] or ["list", 2, "a"]. */
  path: (string | number)[];
}

/** Lone UTF-16 surrogates become U+FFFD on the wire: the broker would see another string than the engine. */
export function isWellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}

/**
 * amqplib guesses a number's AMQP type (lib/codec.js): doubles below 2^50
 * with a fraction, 2^63 and above; everything else as a signed integer of
 * 8–64 bits — which throws for a fraction or for a value below -2^63.
 */
export function isEncodableNumber(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  if (n >= 2 ** 63) return true;
  if (Math.abs(n) < 2 ** 50 && !Number.isInteger(n)) return true;
  return Number.isInteger(n) && n >= -(2 ** 63);
}

/** Size of the value as amqplib encodes it, tag included. */
function numberSize(n: number): number {
  if (n >= 2 ** 63 || (Math.abs(n) < 2 ** 50 && !Number.isInteger(n))) return 9;
  if (n >= -128 && n < 128) return 2;
  if (n >= -0x8000 && n < 0x8000) return 3;
  if (n >= -0x80000000 && n < 0x80000000) return 5;
  return 9;
}

/**
 * The issues of `table` (first ones first) and its encoded size in bytes.
 * Stops descending below the depth limit, so a hostile nesting cannot
 * exhaust the stack.
 */
export function checkFieldTable(table: Record<string, unknown>): { issues: TableIssue[]; bytes: number } {
  const issues: TableIssue[] = [];
  const bytes = tableSize(table, [], 1, issues);
  if (issues.length === 0 && bytes > RUN_LIMITS.tableBytes) {
    issues.push({ key: 'error.table.too-large', params: { bytes, max: RUN_LIMITS.tableBytes }, path: [] });
  }
  return { issues, bytes };
}

function tableSize(table: Record<string, unknown>, path: (string | number)[], depth: number, issues: TableIssue[]): number {
  let size = 4;
  for (const key of Object.keys(table)) {
    const at = [...path, key];
    if (key === '!') {
      // amqplib reads {"!": type, value} as a typed value (its trapdoor for
      // timestamps, decimals…): refused, so that JSON means what it says.
      issues.push({ key: 'error.table.bang', path: at });
      continue;
    }
    if (key === '__proto__') {
      issues.push({ key: 'error.table.proto', path: at });
      continue;
    }
    if (!isWellFormed(key)) issues.push({ key: 'error.table.key-unicode', path: at });
    const keyBytes = Buffer.byteLength(key);
    if (keyBytes > RUN_LIMITS.shortstrBytes) {
      issues.push({ key: 'error.table.key-long', params: { bytes: keyBytes, max: RUN_LIMITS.shortstrBytes }, path: at });
    }
    size += 1 + keyBytes + valueSize(table[key], at, depth, issues);
  }
  return size;
}

function valueSize(value: unknown, path: (string | number)[], depth: number, issues: TableIssue[]): number {
  if (value === null) return 1;
  switch (typeof value) {
    case 'boolean':
      return 2;
    case 'string':
      if (!isWellFormed(value)) issues.push({ key: 'error.unicode', path });
      return 5 + Buffer.byteLength(value);
    case 'number':
      if (!isEncodableNumber(value)) {
        issues.push({ key: 'error.table.number', params: { value: String(value) }, path });
        return 9;
      }
      return numberSize(value);
    case 'object': {
      if (depth >= RUN_LIMITS.depth) {
        issues.push({ key: 'error.table.deep', params: { max: RUN_LIMITS.depth }, path });
        return 0;
      }
      if (Array.isArray(value)) {
        let size = 5;
        value.forEach((item, i) => {
          size += valueSize(item, [...path, i], depth + 1, issues);
        });
        return size;
      }
      return 1 + tableSize(value as Record<string, unknown>, path, depth + 1, issues);
    }
    default:
      issues.push({ key: 'error.table.not-json', params: { type: typeof value }, path });
      return 0;
  }
}
