// Presence notices on the broker (naming.ts explains the design). They are
// ordinary messages on the chat exchange, marked by the chat-event header,
// with a per-message TTL: an inbox nobody reads does not pile them up for
// later, RabbitMQ drops them once stale (at the head of the queue, before
// delivery), so someone who comes back never sees an old "X joined".
import { randomUUID } from 'node:crypto';
import type { ChatEvent, OutgoingMessage } from './chat-message.js';
import { CHAT_EXCHANGE, presenceKey, PRESENCE_TTL_MS } from './naming.js';
import type { Participant } from './participants.js';

/** What an outside program following presence.* prints: plain words, the event is in the header. */
const WIRE_TEXT: Record<ChatEvent, (p: Participant) => string> = {
  join: (p) => `${p.name} joined room ${p.room}`,
  here: (p) => `${p.name} is in room ${p.room}`,
  left: (p) => `${p.name} left room ${p.room}`,
};

/** To the whole room (presence.R on the chat exchange). */
export function roomNotice(participant: Participant, event: ChatEvent, ttlMs = PRESENCE_TTL_MS): OutgoingMessage {
  return {
    id: randomUUID(),
    from: participant.name,
    text: WIRE_TEXT[event](participant),
    exchange: CHAT_EXCHANGE,
    routingKey: presenceKey(participant.room),
    replyTo: participant.inbox,
    event,
    expirationMs: ttlMs,
  };
}

/**
 * "I am here", to one newcomer only: the default exchange to the reply_to
 * queue of their "join" (AMQP's request/reply pattern), so that someone who
 * joins after others learns at once who is online, without waiting for a
 * heartbeat and without telling the whole room again.
 */
export function replyNotice(participant: Participant, replyTo: string, ttlMs = PRESENCE_TTL_MS): OutgoingMessage {
  return { ...roomNotice(participant, 'here', ttlMs), exchange: '', routingKey: replyTo };
}
