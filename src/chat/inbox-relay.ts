// Between inboxes and tabs. This process consumes each inbox that has a tab
// open on it once (one channel per inbox on the shared connection) and
// pushes every message to all of that inbox's tabs. A message is acknowledged
// to the broker only when a tab says it has shown and stored it: a tab closed
// mid-way loses nothing — the broker redelivers, and the page, which
// de-duplicates by message id, shows it once.
//
// It also speaks for its inboxes in the room (presence.ts): "join" when an
// inbox's consumer starts, "here" every heartbeat and to each newcomer,
// "left" once the last tab is gone and the broker counts no consumer on the
// inbox (another server process may still be reading it).
import type { Logger } from 'pino';
import type { OutgoingMessage } from './chat-message.js';
import type { ChatService, Delivery, InboxConsumer } from './chat-service.js';
import type { LiveClient, LiveEvent } from './live-protocol.js';
import { presenceKey } from './naming.js';
import { prepareInbox, touchLease, type Participant } from './participants.js';
import { replyNotice, roomNotice } from './presence.js';

const RETRY_MS = 1000;
/** A reload closes a tab's socket and opens another within this: no "left" for it. */
const LEAVE_GRACE_MS = 1500;

export interface RelayOptions {
  heartbeatMs: number;
  /** How often an open inbox renews its name's lease and its tabs' tokens (a fraction of the lease). */
  renewMs: number;
  /** Per-message TTL of presence notices. */
  presenceTtlMs: number;
  /** A fresh token and claim code for a participant (the sliding lease). */
  credentials(participant: Participant): { token: string; code: string };
}

class InboxLink {
  readonly clients = new Set<LiveClient>();
  private consumer: InboxConsumer | null = null;
  /** message id → its deliveries not yet acknowledged (a resent message may come twice). */
  private readonly pending = new Map<string, Delivery[]>();
  private establishing = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private renewedAt = Date.now();
  /** Said "join" already: after a broker outage, "here" again. */
  private announced = false;

  constructor(
    public participant: Participant,
    private readonly service: ChatService,
    private readonly logger: Logger,
    private readonly options: RelayOptions,
  ) {}

  get online(): boolean {
    return this.consumer !== null;
  }

  add(client: LiveClient): void {
    this.clients.add(client);
    client.send({ type: 'status', broker: this.online ? 'online' : 'away' });
    // A tab that arrives late still gets what the others have not acknowledged.
    for (const deliveries of this.pending.values()) client.send({ type: 'message', message: deliveries[0].message });
    // And learns who is in the room: the others' servers answer a "join"
    // (pages show "joined" only for someone they did not know yet).
    if (this.online) this.announce(roomNotice(this.participant, 'join', this.options.presenceTtlMs));
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
      this.renewedAt = Date.now(); // prepareInbox touched the lease
      this.broadcast({ type: 'status', broker: 'online' });
      // After a broker outage the room may have forgotten us: "here" again, not "join".
      this.announce(roomNotice(this.participant, this.announced ? 'here' : 'join', this.options.presenceTtlMs));
      this.announced = true;
      this.startHeartbeat();
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
    this.stopHeartbeat();
    this.consumer = null;
    this.pending.clear();
    this.broadcast({ type: 'status', broker: 'away' });
    this.retrySoon();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopHeartbeat();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const consumer = this.consumer;
    this.consumer = null;
    this.pending.clear();
    await consumer?.close();
  }

  private deliver(delivery: Delivery): void {
    const { message } = delivery;
    if (
      message.event === 'join' &&
      message.from !== null &&
      message.from !== this.participant.name &&
      message.replyTo !== null &&
      message.path.routingKey === presenceKey(this.participant.room)
    ) {
      this.announce(replyNotice(this.participant, message.replyTo, this.options.presenceTtlMs));
    }
    const list = this.pending.get(delivery.message.id);
    if (list) list.push(delivery);
    else this.pending.set(delivery.message.id, [delivery]);
    this.broadcast({ type: 'message', message: delivery.message });
  }

  private broadcast(event: LiveEvent): void {
    for (const client of this.clients) client.send(event);
  }

  /** A presence notice is news, not a message: if it cannot go (broker away, nobody bound), it is simply not sent. */
  announce(notice: OutgoingMessage): void {
    this.service
      .publish(notice)
      .catch((err) => this.logger.debug({ err: (err as Error).message, event: notice.event }, 'chat: presence notice not sent'));
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      this.announce(roomNotice(this.participant, 'here', this.options.presenceTtlMs));
      if (Date.now() - this.renewedAt >= this.options.renewMs) void this.renew();
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Still used: the name's lease slides on, then the tabs get tokens that end no later than it. */
  private async renew(): Promise<void> {
    this.renewedAt = Date.now();
    try {
      await touchLease(this.service, this.participant.name);
      this.broadcast({ type: 'token', ...this.options.credentials(this.participant) });
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'chat: lease not renewed');
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
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
  private closed = false;
  /** Inboxes whose last tab just closed: "left" unless one comes back within LEAVE_GRACE_MS. */
  private readonly leaving = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly service: ChatService,
    private readonly logger: Logger,
    private readonly options: RelayOptions,
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
      link = new InboxLink(participant, this.service, this.logger, this.options);
      this.links.set(participant.inbox, link);
      // A reload: no "left" for a tab that is back already.
      const leaving = this.leaving.get(participant.inbox);
      if (leaving) {
        clearTimeout(leaving);
        this.leaving.delete(participant.inbox);
      }
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
      this.leftSoon(link);
      void link.close();
    }
  }

  /** "left", unless a tab came back (here or on another server process: the broker counts its consumer). */
  private leftSoon(link: InboxLink): void {
    const { inbox } = link.participant;
    const timer = setTimeout(() => void this.announceLeftUnlessBack(link), LEAVE_GRACE_MS);
    timer.unref();
    this.leaving.set(inbox, timer);
  }

  private async announceLeftUnlessBack(link: InboxLink): Promise<void> {
    const { inbox } = link.participant;
    this.leaving.delete(inbox);
    if (this.closed || this.links.has(inbox)) return;
    try {
      if ((await this.service.inspectQueue(inbox)).consumers > 0) return;
    } catch {
      return; // broker away: the others' pages let the presence expire
    }
    if (!this.closed && !this.links.has(inbox)) link.announce(roomNotice(link.participant, 'left', this.options.presenceTtlMs));
  }

  /** Inboxes consumed right now (for tests and the health of the chat). */
  get consumedInboxes(): string[] {
    return [...this.links.values()].filter((l) => l.online).map((l) => l.participant.inbox);
  }

  async close(): Promise<void> {
    // A server shutting down says nothing: its tabs reconnect (to it or to
    // another process), and if nobody does, the room lets them expire.
    this.closed = true;
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
    this.stopStatus();
    const links = [...this.links.values()];
    this.links.clear();
    this.linkOf.clear();
    await Promise.all(links.map((l) => l.close()));
  }
}
