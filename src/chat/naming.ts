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

/** Header marking a presence notice (join, here, left) rather than a line typed by someone. */
export const EVENT_HEADER = 'chat-event';

/**
 * Who is in a room travels as presence events on the chat exchange, with the
 * routing key presence.R (apart from room.R, so that a program following
 * "room.*" reads only what people typed). Each server process announces the
 * inboxes it consumes: "join" when the first tab opens, "here" every
 * PRESENCE_HEARTBEAT_MS, "left" when the broker shows no consumer on the
 * inbox any more. A page counts someone as present until it has heard
 * nothing of them for PRESENCE_TTL_MS — so a server that dies without a
 * word loses its people after that long, and two server processes agree,
 * since both hear the same events from the broker.
 */
export const PRESENCE_HEARTBEAT_MS = 20_000;
/** Also the events' per-message TTL: an old "X joined" is never delivered to someone who comes back later. */
export const PRESENCE_TTL_MS = 3 * PRESENCE_HEARTBEAT_MS;

/**
 * A name nobody has used for an hour, whose inbox is empty, is free again.
 * "Used" is kept by the broker, not by a server: the queue chat-lease.N
 * (x-expires 1 h, x-max-length 0: it never holds anything) is redeclared —
 * which renews its x-expires — whenever N joins and while N has a tab open.
 * Tokens live as long (token.ts), so no token outlives the lease it names.
 */
export const NAME_LEASE_MS = 60 * 60 * 1000;
export const LEASE_PREFIX = 'chat-lease.';

export const DEFAULT_ROOM = 'lobby';

export const inboxOf = (name: string): string => INBOX_PREFIX + name;
export const leaseOf = (name: string): string => LEASE_PREFIX + name;
export const presenceKey = (room: string): string => `presence.${room}`;
export const personKey = (name: string): string => `user.${name}`;
export const roomKey = (room: string): string => `room.${room}`;

/**
 * Names a chat user may never read (as a chosen inbox) or write into (as a
 * "queue" recipient): amq.* is the broker's own (403 on declare), xtp.* holds
 * the private scenario and sandbox runs, chat-lease.* the names' leases.
 */
const RESERVED_PREFIXES = ['amq.', 'xtp.', 'xtp:', 'xtp#', LEASE_PREFIX];

export function isReservedQueueName(queue: string): boolean {
  return RESERVED_PREFIXES.some((p) => queue.startsWith(p));
}

/** The naming as data: served at GET /api/chat/naming and shown on the page. */
export function chatNaming() {
  return {
    exchange: { name: CHAT_EXCHANGE, type: CHAT_EXCHANGE_TYPE, durable: true },
    inbox: { queue: `${INBOX_PREFIX}<name>`, durable: true, arguments: { 'x-expires': INBOX_EXPIRES_MS } },
    /** A queue one names as inbox (the report's task_queue1), when it does not exist yet: what pika's queue_declare(queue=…) makes. */
    ownInbox: { durable: false, arguments: {} },
    routingKeys: { person: personKey('<name>'), room: roomKey('<room>'), presence: presenceKey('<room>') },
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
