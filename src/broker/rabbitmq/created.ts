// What a run created on the broker, so that all of it can be deleted — and in
// an order RabbitMQ survives (cleanup.ts).
export class Created {
  readonly exchanges = new Set<string>();
  readonly queues = new Set<string>();
  /** Exchange-to-exchange bindings (real names, both directions). */
  private readonly links = new Map<string, Set<string>>();
  /** Every exchange-to-exchange binding as made: those between exchanges the run did not create (amq.* in a vhost of its own) are unbound. */
  readonly exchangeBindings: { destination: string; source: string; key: string; args: Record<string, unknown> }[] = [];

  /** Remember an exchange binding between two exchanges (before it is made: it may exist even if the reply is lost). */
  link(a: string, b: string): void {
    if (a === b) return;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      let set = this.links.get(from);
      if (!set) this.links.set(from, (set = new Set()));
      set.add(to);
    }
  }

  /**
   * The exchanges in groups joined by exchange bindings, directly or not:
   * exchanges of one group must be deleted one after the other, different
   * groups may be deleted side by side.
   */
  exchangeGroups(): string[][] {
    const seen = new Set<string>();
    const groups: string[][] = [];
    for (const start of this.exchanges) {
      if (seen.has(start)) continue;
      const group: string[] = [];
      const stack = [start];
      seen.add(start);
      while (stack.length > 0) {
        const x = stack.pop()!;
        if (this.exchanges.has(x)) group.push(x);
        for (const next of this.links.get(x) ?? []) {
          if (!seen.has(next)) {
            seen.add(next);
            stack.push(next);
          }
        }
      }
      groups.push(group);
    }
    return groups;
  }

  /** The exchange bindings deleting the run's exchanges does not remove: both ends outlive the run. */
  bindingsToUnbind(): Created['exchangeBindings'] {
    return this.exchangeBindings.filter((b) => !this.exchanges.has(b.source) && !this.exchanges.has(b.destination));
  }

  /** Take over what `other` still holds (a failed clean-up, to retry later). */
  absorb(other: Created): void {
    for (const q of other.queues) this.queues.add(q);
    for (const x of other.exchanges) this.exchanges.add(x);
    for (const [a, bs] of other.links) for (const b of bs) this.link(a, b);
    this.exchangeBindings.push(...other.exchangeBindings);
  }
}
