// Turns the first zod issue into one sentence that names the faulty entry:
// 'bindings[3].destination_type must be "queue" or "exchange", not "quue"
// (binding "animals" → "Q1")'. The received value is read back from the input
// so the message can say what was wrong, never just "invalid input".
import type { z } from 'zod';
import type { LimitExceeded } from '../limits.js';
import { formatPath } from '../util/format-path.js';
import { limitExceeded } from '../util/limit-exceeded.js';

export interface DescribedIssue {
  path: string;
  message: string;
  /** The issue is a list over the limits table (the page words it in its language). */
  limit?: LimitExceeded;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${shortJson(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return typeof value === 'boolean' ? String(value) : typeof value;
}

export function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Object.hasOwn(node, key) ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return node;
}

/** 'exchange "logs"', 'binding "animals" → "Q1"' for entries of the three lists. */
export function entryLabel(input: unknown, path: readonly PropertyKey[]): string | null {
  const [list, index] = path;
  if (typeof index !== 'number') return null;
  const entry = valueAt(input, [list, index]) as Record<string, unknown> | undefined;
  if (!entry || typeof entry !== 'object') return null;
  const str = (v: unknown) => (typeof v === 'string' ? shortJson(v) : null);
  if (list === 'exchanges' && str(entry.name)) return `exchange ${str(entry.name)}`;
  if (list === 'queues' && str(entry.name)) return `queue ${str(entry.name)}`;
  if (list === 'bindings' && str(entry.source) && str(entry.destination)) {
    return `binding ${str(entry.source)} → ${str(entry.destination)}`;
  }
  if (list === 'messages' && str(entry.exchange)) return `message to exchange ${str(entry.exchange)}`;
  return null;
}

function text(input: unknown, issue: z.core.$ZodIssue): string {
  const actual = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (actual === undefined) return 'is required';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(actual)}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, not ${kindOf(actual)}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => shortJson(k)).join(', ')}`;
    case 'too_big':
      if (issue.origin === 'array') return `has ${(actual as unknown[]).length} entries; the limit is ${issue.maximum}`;
      if (issue.origin === 'string') return `is longer than ${issue.maximum} characters`;
      return issue.message;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `must have at least ${issue.minimum} entr${issue.minimum === 1 ? 'y' : 'ies'}`;
      return issue.message;
    default:
      return issue.message;
  }
}

export function describeIssue(input: unknown, issue: z.core.$ZodIssue, prefix: PropertyKey[] = []): DescribedIssue {
  const fullPath = [...prefix, ...issue.path];
  const path = formatPath(fullPath);
  const label = entryLabel(input, issue.path);
  const subject = path || 'the document';
  const limit = limitExceeded(issue, input);
  return { path, message: `${subject} ${text(input, issue)}${label ? ` (${label})` : ''}`, ...(limit && { limit }) };
}
