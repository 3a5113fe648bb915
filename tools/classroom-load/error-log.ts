// What went wrong during a load run, counted by kind, with the first few
// details of each kind kept for the report.
export class ErrorLog {
  private readonly counts = new Map<string, number>();
  private readonly details = new Map<string, string[]>();

  add(kind: string, detail = ''): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const list = this.details.get(kind) ?? [];
    if (list.length < 3 && detail) list.push(detail.slice(0, 300));
    this.details.set(kind, list);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** "kind ×n: first detail; second detail" per kind. */
  lines(): string[] {
    return [...this.counts].map(
      ([kind, n]) => `${kind} ×${n}${this.details.get(kind)!.length ? `: ${this.details.get(kind)!.join(' | ')}` : ''}`,
    );
  }
}
