// The chat as the web layer sees it: take a name, send a message, serve the
// live channel. Built from a ChatService (RabbitMQ or embedded); holds no
// state of its own that another server process would need.
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { ChatError } from './chat-error.js';
import type { MessagePath } from './chat-message.js';
import { NoRouteError, type ChatService } from './chat-service.js';
import { ClaimCodes } from './claim-code.js';
import { InboxRelay } from './inbox-relay.js';
import { LiveServer } from './live-server.js';
import { CHAT_EXCHANGE, chatNaming, NAME_LEASE_MS, personKey, PRESENCE_HEARTBEAT_MS, roomKey } from './naming.js';
import { claimParticipant, type Participant } from './participants.js';
import { RecentSends } from './recent-sends.js';
import type { ClaimRequest, Recipient, SendRequest } from './requests.js';
import { TokenSigner } from './token.js';

export interface ChatHubOptions {
  secret: Buffer;
  logger?: Logger;
  /** The broker's URL without password, shown in the "from your own program" snippets. */
  brokerUrl?: string | null;
  /** The chat runs over the embedded broker's own AMQP listener (the page then names the embedded broker, and programs can join). */
  onListener?: boolean;
  /** Lifetime of a token; keep it equal to the name's lease (see token.ts). */
  tokenTtlMs?: number;
  /** How often each inbox says "here" to its room; a page forgets someone after 3 silent heartbeats. */
  presenceHeartbeatMs?: number;
}

export class ChatHub {
  readonly relay: InboxRelay;
  private readonly live: LiveServer;
  private readonly signer: TokenSigner;
  private readonly codes: ClaimCodes;
  private readonly logger: Logger;
  private readonly recent = new RecentSends();
  readonly presence: { heartbeatMs: number; ttlMs: number };

  constructor(
    readonly service: ChatService,
    private readonly options: ChatHubOptions,
  ) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.signer = new TokenSigner(options.secret, options.tokenTtlMs ?? NAME_LEASE_MS);
    this.codes = new ClaimCodes(options.secret);
    const heartbeatMs = options.presenceHeartbeatMs ?? PRESENCE_HEARTBEAT_MS;
    this.presence = { heartbeatMs, ttlMs: 3 * heartbeatMs };
    const credentials = (p: Participant) => ({ token: this.signer.sign(p), code: this.codes.codeFor(p.name) });
    const renewMs = (options.tokenTtlMs ?? NAME_LEASE_MS) / 12;
    this.relay = new InboxRelay(service, this.logger, { heartbeatMs, renewMs, presenceTtlMs: this.presence.ttlMs, credentials });
    this.live = new LiveServer(this.relay, this.signer, credentials, this.logger);
  }

  get kind(): 'embedded' | 'rabbitmq' {
    return this.service.kind;
  }

  /** Takes a name (and room, and maybe a chosen inbox) for this browser. The room hears of it when the tab's live channel opens (inbox-relay.ts). */
  async claim(request: ClaimRequest): Promise<{ participant: Participant; token: string; code: string }> {
    const { participant, token } = await claimParticipant(this.service, this.signer, this.codes, request);
    return { participant, token, code: this.codes.codeFor(participant.name) };
  }

  /** The participant an "Authorization: Bearer <token>" header speaks for (401 otherwise). */
  authorize(header: string | undefined): Participant {
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    const claims = this.signer.verify(token);
    if (!claims) throw new ChatError(401, 'chat.error.token');
    return { name: claims.name, room: claims.room, inbox: claims.inbox };
  }

  /**
   * Publishes once per id: a tab that comes back resends what it had not
   * seen confirmed (its outbox survives in the browser), and two tabs of one
   * person may resend the same message; the second gets the first's answer.
   */
  send(sender: Participant, request: SendRequest): Promise<{ id: string; path: MessagePath }> {
    return this.recent.once(`${sender.name}\0${request.id}`, () => this.publishOnce(sender, request));
  }

  private async publishOnce(sender: Participant, request: SendRequest): Promise<{ id: string; path: MessagePath }> {
    const path = addressOf(sender, request.to);
    try {
      await this.service.publish({ id: request.id, from: sender.name, text: request.text, replyTo: sender.inbox, ...path });
    } catch (err) {
      if (!(err instanceof NoRouteError)) throw err;
      // mandatory + basic.return: say so rather than let the message vanish.
      if (request.to.kind === 'person') throw new ChatError(404, 'chat.error.no-person', 'to.name', { name: request.to.name });
      if (request.to.kind === 'queue') throw new ChatError(404, 'chat.error.no-queue', 'to.name', { queue: request.to.name });
      throw new ChatError(404, 'chat.error.no-room', 'to', { room: sender.room });
    }
    return { id: request.id, path };
  }

  naming() {
    // On the embedded broker's listener: programs can join when its port is public (a URL to give them).
    const broker = this.options.onListener ? (this.options.brokerUrl ? 'listener' : 'embedded') : this.service.kind;
    return { broker, url: this.options.brokerUrl ?? null, ...chatNaming() };
  }

  /** Serves the live channel (WebSocket) on this HTTP server. */
  attach(server: Server): void {
    this.live.attach(server);
  }

  async close(): Promise<void> {
    await this.live.close();
    await this.relay.close();
    await this.service.close();
  }
}

/** Where a message goes: a room and a person through the chat exchange, a queue through the default exchange (as the report does). */
export function addressOf(sender: Participant, to: Recipient): { exchange: string; routingKey: string } {
  if (to.kind === 'room') return { exchange: CHAT_EXCHANGE, routingKey: roomKey(sender.room) };
  if (to.kind === 'person') return { exchange: CHAT_EXCHANGE, routingKey: personKey(to.name) };
  return { exchange: '', routingKey: to.name };
}
