// A zod issue that is a list over the limits table ("definitions.queues",
// "queues", "messages"…), as data the page words in its language; shared by
// POST /api/run's errors and the sandbox's.
import type { z } from 'zod';
import { COUNTED_LISTS, type CountedList, type LimitExceeded } from '../limits.js';

export function limitExceeded(issue: z.core.$ZodIssue, input: unknown): LimitExceeded | null {
  if (issue.code !== 'too_big' || issue.origin !== 'array') return null;
  const what = issue.path.at(-1);
  if (typeof what !== 'string' || !COUNTED_LISTS.includes(what as CountedList)) return null;
  let node: unknown = input;
  for (const key of issue.path) node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return { what: what as CountedList, max: Number(issue.maximum), count: Array.isArray(node) ? node.length : Number(issue.maximum) + 1 };
}
