// Comparing a secret someone typed with the one we hold, in time that does not
// depend on where they first differ (a password, a teacher key).
import { timingSafeEqual } from 'node:crypto';

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
