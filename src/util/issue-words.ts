// Turns the first zod issue into one sentence that names the faulty entry:
// 'bindings[3].destination_type must be "queue" or "exchange", not "quue"
// (binding "animals" → "Q1")'. The received value is read back from the input
// so the message can say what was wrong, never just "invalid input".
import type { z } from 'zod';
import { hasWord, type Translate } from '../i18n/catalogs.js';
import type { Wording } from '../i18n/worded-error.js';
import { COUNTED_LISTS, type CountedList, type LimitExceeded } from '../limits.js';
import { formatPath } from './format-path.js';
import { limitExceeded } from './limit-exceeded.js';

export interface DescribedIssue {
  path: string;
  /** The sentence, in the translator's language. */
  wording: Wording;
  /** The issue is a list over the limits table (the page words it in its language). */
  limit?: LimitExceeded;
}

const EXPECTED = new Set(['string', 'boolean', 'number', 'object', 'array', 'record']);

/** What a value is, in words: 'the string "quue"', 'a list', 'null'. */
export function kindOf(value: unknown, t: Translate): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return t('error.kind.array');
  if (typeof value === 'object') return t('error.kind.object');
  if (typeof value === 'string') return t('error.kind.the-string', { value: shortJson(value) });
  if (typeof value === 'number') return t('error.kind.the-number', { value });
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
export function entryLabel(input: unknown, path: readonly PropertyKey[], t: Translate): string | null {
  const [list, index] = path;
  if (typeof index !== 'number') return null;
  const entry = valueAt(input, [list, index]) as Record<string, unknown> | undefined;
  if (!entry || typeof entry !== 'object') return null;
  const str = (v: unknown) => (typeof v === 'string' ? shortJson(v) : null);
  if (list === 'exchanges' && str(entry.name)) return t('error.entry.exchange', { name: str(entry.name)! });
  if (list === 'queues' && str(entry.name)) return t('error.entry.queue', { name: str(entry.name)! });
  if (list === 'bindings' && str(entry.source) && str(entry.destination)) {
    return t('error.entry.binding', { source: str(entry.source)!, destination: str(entry.destination)! });
  }
  if (list === 'messages' && str(entry.exchange)) return t('error.entry.message', { exchange: str(entry.exchange)! });
  return null;
}

/** What is wrong with the value at the issue's path ("must be a string, not the number 3"), in t's language. */
export function issueText(input: unknown, issue: z.core.$ZodIssue, t: Translate): string {
  const actual = valueAt(input, issue.path);
  // Our own refinements say what is wrong as a catalog key, with their parameters.
  if (hasWord('en', issue.message)) return t(issue.message, issue.code === 'custom' ? (issue.params ?? {}) : {});
  switch (issue.code) {
    case 'invalid_type':
      if (actual === undefined) return t('error.issue.required');
      return t('error.issue.must-be', {
        expected: EXPECTED.has(issue.expected) ? t(`error.kind.${issue.expected}`) : issue.expected,
        actual: kindOf(actual, t),
      });
    case 'invalid_value':
      return t('error.issue.must-be', {
        expected: issue.values.map((v) => JSON.stringify(v)).join(t('error.or')),
        actual: kindOf(actual, t),
      });
    case 'unrecognized_keys':
      return t('error.issue.unknown-fields', { count: issue.keys.length, fields: issue.keys.map((k) => shortJson(k)).join(', ') });
    case 'too_big':
      if (issue.origin === 'array') {
        const what = issue.path.at(-1);
        const words = COUNTED_LISTS.includes(what as CountedList) ? `error.limit.${String(what)}` : 'error.issue.too-many';
        return t(words, { count: (actual as unknown[]).length, max: Number(issue.maximum) });
      }
      if (issue.origin === 'string') return t('error.issue.too-long', { max: Number(issue.maximum) });
      if (issue.origin === 'number') return t('error.issue.at-most', { max: Number(issue.maximum) });
      return issue.message;
    case 'too_small':
      if (issue.origin === 'string') return t('error.issue.empty');
      if (issue.origin === 'array') return t('error.issue.too-few', { count: Number(issue.minimum) });
      if (issue.origin === 'number') return t('error.issue.at-least', { min: Number(issue.minimum) });
      return issue.message;
    case 'invalid_union':
      return t('error.issue.none-of', { actual: kindOf(actual, t) });
    default:
      return issue.message;
  }
}

export function describeIssue(input: unknown, issue: z.core.$ZodIssue, prefix: PropertyKey[] = []): DescribedIssue {
  const fullPath = [...prefix, ...issue.path];
  const path = formatPath(fullPath);
  const limit = limitExceeded(issue, input);
  const wording: Wording = (t) => {
    const label = entryLabel(input, issue.path, t);
    const text = t('error.issue', { subject: path || t('error.the-document'), problem: issueText(input, issue, t) });
    return label ? t('error.issue.labelled', { text, label }) : text;
  };
  return { path, wording, ...(limit && { limit }) };
}
