// Every delivered message goes through here, whoever sent it: the page's own
// messages and those of outside AMQP programs get the same checks (an outside
// client is untrusted input). Nothing here is HTML: the page shows every
// field with textContent.
import { randomUUID } from 'node:crypto';
import { CHAT_EVENTS, type ChatMessage, type RawDelivery, type Refusal } from './chat-message.js';
import { BODY_MAX_BYTES, MESSAGE_ID_PATTERN, NAME_PATTERN, QUEUE_PATTERN, TEXT_MAX } from './limits.js';
import { EVENT_HEADER, SENDER_HEADER } from './naming.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeDelivery(raw: RawDelivery): ChatMessage {
  const { text, refused } = decodeBody(raw.body);
  const named = headerText(raw.headers?.[EVENT_HEADER]);
  const event = CHAT_EVENTS.find((e) => e === named) ?? null;
  return {
    // A message without a usable id gets one here. If it is redelivered
    // before a tab acknowledges it, it may show twice: the one case where
    // de-duplication cannot work (README).
    id: typeof raw.messageId === 'string' && MESSAGE_ID_PATTERN.test(raw.messageId) ? raw.messageId : `srv-${randomUUID()}`,
    from: senderName(raw.headers?.[SENDER_HEADER]),
    text,
    event: refused ? null : event,
    refused,
    sentAt: timestampMs(raw.timestamp),
    replyTo: typeof raw.replyTo === 'string' && QUEUE_PATTERN.test(raw.replyTo) ? raw.replyTo : null,
    path: { exchange: raw.exchange, routingKey: raw.routingKey, queue: raw.queue },
    redelivered: raw.redelivered,
  };
}

function decodeBody(body: Buffer): { text: string; refused: Refusal | null } {
  // Checked on bytes first: a huge body is refused without decoding it.
  if (body.length > BODY_MAX_BYTES) return { text: '', refused: 'too-long' };
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { text: '', refused: 'not-utf8' };
  }
  text = text.trim();
  if (text === '') return { text: '', refused: 'empty' };
  if ([...text].length > TEXT_MAX) return { text: '', refused: 'too-long' };
  return { text, refused: null };
}

/** The sender, if it is a name the page itself would accept; otherwise anonymous. */
function senderName(value: unknown): string | null {
  const name = headerText(value)?.normalize('NFC');
  return name && NAME_PATTERN.test(name) ? name : null;
}

/** pika sends str headers as longstr (a string here); bytes arrive as a Buffer. */
function headerText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value) && value.length <= 256) {
    try {
      return utf8.decode(value);
    } catch {
      return null;
    }
  }
  return null;
}

/** AMQP timestamps are whole seconds since the epoch. */
function timestampMs(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n * 1000 : null;
}
