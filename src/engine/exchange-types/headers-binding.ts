// What a headers binding compiles to at bind time (docs/semantics.md §8): its
// x-match mode and its arguments in the order RabbitMQ compares them.
import type { FieldValue } from '../types.js';
import type { Wire } from '../field-values.js';

export type XMatch = 'all' | 'any' | 'all-with-x' | 'any-with-x';
export const X_MATCH_VALUES: readonly string[] = ['all', 'any', 'all-with-x', 'any-with-x'];

export interface HeadersBindingSpec {
  xMatch: XMatch;
  /** Whether x-match was given (absent means all). */
  xMatchGiven: boolean;
  /** Every argument, key-sorted as RabbitMQ sorts binding args at bind time. */
  args: { key: string; value: FieldValue; wire: Wire; compared: boolean }[];
}
