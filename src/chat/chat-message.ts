// What travels: an outgoing message as the server publishes it, a raw
// delivery as a broker hands it over, and the checked message a tab receives.

/** Where a message went: shown beside it, so the chat teaches routing too. */
export interface MessagePath {
  /** "" is the default exchange. */
  exchange: string;
  routingKey: string;
  /** The inbox it was delivered from (absent on the sender's own copy). */
  queue?: string;
}

/** Presence notices (naming.ts): someone's first tab opened, they are still there, they are gone. */
export const CHAT_EVENTS = ['join', 'here', 'left'] as const;
export type ChatEvent = (typeof CHAT_EVENTS)[number];

export interface OutgoingMessage {
  id: string;
  from: string;
  text: string;
  exchange: string;
  routingKey: string;
  /** The sender's inbox: an outside program can answer there (reply_to). */
  replyTo: string;
  event?: ChatEvent;
  /** Per-message TTL (AMQP expiration). */
  expirationMs?: number;
}

/** A delivery as the broker gives it, before any check: untrusted input. */
export interface RawDelivery {
  body: Buffer;
  messageId?: unknown;
  headers?: Record<string, unknown> | undefined;
  timestamp?: unknown;
  replyTo?: unknown;
  exchange: string;
  routingKey: string;
  queue: string;
  redelivered: boolean;
}

/** Why a message from outside was refused (shown as a notice, then acknowledged). */
export type Refusal = 'empty' | 'too-long' | 'not-utf8';

export interface ChatMessage {
  id: string;
  /** A valid participant name, or null (shown as "anonymous"). */
  from: string | null;
  text: string;
  event: ChatEvent | null;
  refused: Refusal | null;
  /** ms since the epoch, when the sender said so. */
  sentAt: number | null;
  replyTo: string | null;
  path: MessagePath;
  redelivered: boolean;
}
