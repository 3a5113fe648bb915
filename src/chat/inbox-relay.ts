// Between inboxes and tabs. This process consumes each inbox that has a tab
// open on it once (one channel per inbox on the shared connection) and
// pushes every message to all of that inbox's tabs. A message is acknowledged
// to the broker only when a tab says it has shown and stored it: a tab closed
// mid-way loses nothing — the broker redelivers, and the page, which
// de-duplicates by message id, shows it once.
import type { Logger } from 'pino';
import type { ChatService, Delivery, InboxConsumer } from './chat-service.js';
import type { LiveClient, LiveEvent } from './live-protocol.js';
import { prepareInbox, type Participant } from './participants.js';

const RETRY_MS = 1000;

class InboxLink {
  readonly clients = new Set<LiveClient>();
  private consumer: InboxConsumer | null = null;
  /** message id → its deliveries not yet acknowledged (a resent message may come twice). */
  private readonly pending = new Map<string, Delivery[]>();
  private establishing = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    public participant: Participant,
    private readonly service: ChatService,
    private readonly logger: Logger,
  ) {}

  get online(): boolean {
    return this.consumer !== null;
  }

  add(client: LiveClient): void {
    this.clients.add(client);
    client.send({ type: 'status', broker: this.online ? 'online' : 'away' });
    // A tab that arrives late still gets what the others have not acknowledged.
    for (const deliveries of this.pending.values()) client.send({ type: 'message', message: deliveries[0]!.message });
  }

  async establish(): Promise<void> {
    if (this.closed || this.consumer || this.establishing || !this.service.connected) return;
    this.establishing = true;
    try {
      await prepareInbox(this.service, this.participant);
      const consumer = await this.service.consume(
        this.participant.inbox,
        (delivery) => this.deliver(delivery),
        () => this.lost(),
      );
      if (this.closed) {
        await consumer.close();
        return;
      }
      this.consumer = consumer;
      this.broadcast({ type: 'status', broker: 'online' });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, inbox: this.participant.inbox }, 'chat: cannot consume inbox yet');
      this.broadcast({ type: 'status', broker: 'away' });
      this.retrySoon();
    } finally {
      this.establishing = false;
    }
  }

  ack(ids: string[]): void {
    for (const id of ids) {
      for (const delivery of this.pending.get(id) ?? []) delivery.ack();
      this.pending.delete(id);
    }
  }

  /** The consumer is gone (broker away, queue deleted): the broker keeps the unacknowledged messages. */
  lost(): void {
    this.consumer = null;
    this.pending.clear();
    this.broadcast({ type: 'status', broker: 'away' });
    this.retrySoon();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const consumer = this.consumer;
    this.consumer = null;
    this.pending.clear();
    await consumer?.close();
  }

  private deliver(delivery: Delivery): void {
    const list = this.pending.get(delivery.message.id);
    if (list) list.push(delivery);
    else this.pending.set(delivery.message.id, [delivery]);
    this.broadcast({ type: 'message', message: delivery.message });
  }

  private broadcast(event: LiveEvent): void {
    for (const client of this.clients) client.send(event);
  }

  /** While the broker is away, the 'connected' event (InboxRelay.status) re-establishes instead. */
  private retrySoon(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.establish();
    }, RETRY_MS);
    this.retryTimer.unref();
  }
}

export class InboxRelay {
  private readonly links = new Map<string, InboxLink>();
  private readonly linkOf = new Map<LiveClient, InboxLink>();
  private readonly stopStatus: () => void;

  constructor(
    private readonly service: ChatService,
    private readonly logger: Logger,
  ) {
    this.stopStatus = service.onStatus((connected) => {
      for (const link of this.links.values()) {
        if (connected) void link.establish();
        else link.lost();
      }
    });
  }

  join(participant: Participant, client: LiveClient): void {
    this.leave(client);
    let link = this.links.get(participant.inbox);
    if (!link) {
      link = new InboxLink(participant, this.service, this.logger);
      this.links.set(participant.inbox, link);
    } else {
      link.participant = participant; // the latest room wins
    }
    this.linkOf.set(client, link);
    link.add(client);
    void link.establish();
  }

  ack(client: LiveClient, ids: string[]): void {
    this.linkOf.get(client)?.ack(ids);
  }

  /** The tab is gone; the last tab of an inbox closes its consumer (its unacknowledged messages go back to the queue). */
  leave(client: LiveClient): void {
    const link = this.linkOf.get(client);
    if (!link) return;
    this.linkOf.delete(client);
    link.clients.delete(client);
    if (link.clients.size === 0) {
      this.links.delete(link.participant.inbox);
      void link.close();
    }
  }

  /** Inboxes consumed right now (for tests and the health of the chat). */
  get consumedInboxes(): string[] {
    return [...this.links.values()].filter((l) => l.online).map((l) => l.participant.inbox);
  }

  async close(): Promise<void> {
    this.stopStatus();
    const links = [...this.links.values()];
    this.links.clear();
    this.linkOf.clear();
    await Promise.all(links.map((l) => l.close()));
  }
}
