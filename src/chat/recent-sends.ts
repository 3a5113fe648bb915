// The ids this server process published lately, with their answer: a resend
// of the same id (a tab's outbox after the tab came back, or two tabs of one
// person) gets that answer without a second publish. In memory, bounded:
// across server processes the pages still show a message once (they
// de-duplicate by id), it is only published twice.
const KEEP_MS = 60 * 60 * 1000;
const MAX = 20_000;

export class RecentSends {
  private readonly entries = new Map<string, { at: number; result: Promise<unknown> }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs `fn` for the first call with `key`; later calls share its result. A failure is forgotten, so a retry runs again. */
  once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    this.prune();
    const known = this.entries.get(key);
    if (known) return known.result as Promise<T>;
    const result = fn();
    this.entries.set(key, { at: this.now(), result });
    result.catch(() => this.entries.delete(key));
    return result;
  }

  private prune(): void {
    const horizon = this.now() - KEEP_MS;
    // A Map iterates in insertion order: the oldest come first.
    for (const [key, entry] of this.entries) {
      if (entry.at > horizon && this.entries.size < MAX) break;
      this.entries.delete(key);
    }
  }
}
