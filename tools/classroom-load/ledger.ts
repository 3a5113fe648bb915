// The chat's books: every message a student sends is written down with the
// inboxes it must reach (its room's members, or one person) before the POST
// leaves; every frame a tab receives is counted per (recipient, id). A
// message is lost if an expected recipient never got it, duplicated if one
// got it twice — counted on the raw WebSocket frames, before the page's own
// de-duplication by id, so a redelivery shows here even though a student
// would not see it twice.
import { msSince } from '../timing.js';

interface Entry {
  sentAtNs: bigint;
  expected: Set<string>;
  /** recipient → frames received */
  received: Map<string, number>;
}

export interface LedgerSummary {
  /** Messages the server accepted (200). */
  sent: number;
  /** (message, recipient) pairs that must arrive. */
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Frames for a message nobody sent, or to someone it was not meant for. */
  unexpected: number;
  /** ms from just before the POST to the recipient's WebSocket frame, first arrival only. */
  latenciesMs: number[];
  /** A few lost and duplicated (recipient, id) pairs, for the report. */
  examples: string[];
}

export class DeliveryLedger {
  private readonly entries = new Map<string, Entry>();
  private readonly strays: string[] = [];
  private readonly latencies: number[] = [];

  /** Before the POST: who must receive `id`. */
  expect(id: string, recipients: readonly string[], sentAtNs: bigint): void {
    this.entries.set(id, { sentAtNs, expected: new Set(recipients), received: new Map() });
  }

  /** The server refused or failed the send: nobody is owed that message. */
  cancel(id: string): void {
    this.entries.delete(id);
  }

  received(recipient: string, id: string, atNs: bigint): void {
    const entry = this.entries.get(id);
    if (!entry || !entry.expected.has(recipient)) {
      this.strays.push(`${recipient} got ${id}`);
      return;
    }
    const count = (entry.received.get(recipient) ?? 0) + 1;
    entry.received.set(recipient, count);
    if (count === 1) this.latencies.push(Number(atNs - entry.sentAtNs) / 1e6);
  }

  /** Deliveries still owed. */
  outstanding(): number {
    let n = 0;
    for (const entry of this.entries.values()) for (const r of entry.expected) if (!entry.received.has(r)) n++;
    return n;
  }

  summary(): LedgerSummary {
    let expectedDeliveries = 0;
    let delivered = 0;
    let lost = 0;
    let duplicated = 0;
    const examples: string[] = [];
    for (const [id, entry] of this.entries) {
      for (const r of entry.expected) {
        expectedDeliveries++;
        const count = entry.received.get(r) ?? 0;
        if (count === 0) {
          lost++;
          if (examples.length < 10) examples.push(`lost: ${id} for ${r} (sent ${Math.round(msSince(entry.sentAtNs))} ms ago)`);
        } else {
          delivered++;
          if (count > 1) {
            duplicated += count - 1;
            if (examples.length < 10) examples.push(`duplicated ×${count}: ${id} for ${r}`);
          }
        }
      }
    }
    return {
      sent: this.entries.size,
      expectedDeliveries,
      delivered,
      lost,
      duplicated,
      unexpected: this.strays.length,
      latenciesMs: [...this.latencies],
      examples: [...examples, ...this.strays.slice(0, 5).map((s) => `unexpected: ${s}`)],
    };
  }
}
