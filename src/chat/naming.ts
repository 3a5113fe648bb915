// The chat's names on the broker. They are stable and documented (README, and
// the page's "from your own program" panel) because outside AMQP clients —
// the report's pika program among them — use them. Only these names are
// shared: every scenario and sandbox run lives under its own random
// "xtp.<id>." prefix (src/broker/rabbitmq/namespace.ts), which no chat name
// can reach (see isReservedQueueName).

/**
 * A durable topic exchange. Rooms and persons are routing keys on it. Topic
 * rather than direct so that an outside program may bind "room.*" and follow
 * every room (tutorial 5's lesson); the chat itself only binds exact keys.
 */
export const CHAT_EXCHANGE = 'chat';
export const CHAT_EXCHANGE_TYPE = 'topic';

/** Participant N's inbox, and the reservation of the name N: the durable queue "chat.N". */
export const INBOX_PREFIX = 'chat.';

/**
 * x-expires of "chat.N": RabbitMQ deletes the queue after 24 h without a
 * consumer or a redeclaration, so a participant who never comes back leaves
 * nothing behind for ever.
 */
export const INBOX_EXPIRES_MS = 24 * 60 * 60 * 1000;

/** Header carrying the sender's name; a message without it shows as "anonymous". */
export const SENDER_HEADER = 'from';

/** Header marking a notice ("online") rather than a line typed by someone. */
export const EVENT_HEADER = 'chat-event';

/** "X is online" is news for a minute, not for someone who comes back tomorrow (per-message TTL). */
export const PRESENCE_TTL_MS = 60_000;

export const DEFAULT_ROOM = 'lobby';

export const inboxOf = (name: string): string => INBOX_PREFIX + name;
export const personKey = (name: string): string => `user.${name}`;
export const roomKey = (room: string): string => `room.${room}`;

/**
 * Names a chat user may never read (as a chosen inbox) or write into (as a
 * "queue" recipient): amq.* is the broker's own (403 on declare), xtp.* holds
 * the private scenario and sandbox runs.
 */
const RESERVED_PREFIXES = ['amq.', 'xtp.', 'xtp:', 'xtp#'];

export function isReservedQueueName(queue: string): boolean {
  return RESERVED_PREFIXES.some((p) => queue.startsWith(p));
}

/** The naming as data: served at GET /api/chat/naming and shown on the page. */
export function chatNaming() {
  return {
    exchange: { name: CHAT_EXCHANGE, type: CHAT_EXCHANGE_TYPE, durable: true },
    inbox: { queue: `${INBOX_PREFIX}<name>`, durable: true, arguments: { 'x-expires': INBOX_EXPIRES_MS } },
    routingKeys: { person: personKey('<name>'), room: roomKey('<room>') },
    defaultRoom: DEFAULT_ROOM,
    message: {
      body: 'plain UTF-8 text',
      headers: { [SENDER_HEADER]: "the sender's name (absent: shown as anonymous)" },
      properties: {
        message_id: 'a unique id (the page de-duplicates on it)',
        reply_to: "the sender's inbox queue",
        delivery_mode: 2,
      },
    },
  };
}
