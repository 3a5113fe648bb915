// amqplib reports a broker refusal as an Error whose message wraps the
// broker's reply text: `Operation failed: QueueBind; 404 (NOT-FOUND) with
// message "NOT_FOUND - no exchange 'x' in vhost '/'"`, and `code` = 404.
// Here it becomes data: { code, text, message } (design: errors are data).
import type { AmqpError } from '../../engine/types.js';
import { REPLY_TEXT } from '../../amqp/reply-codes.js';

export function replyText(code: number): string {
  return REPLY_TEXT[code] ?? 'ERROR';
}

/** The broker's refusal carried by an amqplib error, or null if it is something else (a lost connection, a bug). */
export function amqpRefusal(err: unknown): AmqpError | null {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e.code !== 'number' || typeof e.message !== 'string') return null;
  // 320 and the like close the connection: not a refusal of one operation.
  if (e.code < 400 || e.code === 320) return null;
  const quoted = /with message "([\s\S]*)"$/.exec(e.message);
  return { code: e.code, text: replyText(e.code), message: quoted ? quoted[1] : e.message };
}

/** The refusal RabbitMQ would send, built locally for requests we must not send (see setup.ts). */
export function localRefusal(code: number, detail: string): AmqpError {
  return { code, text: replyText(code), message: `${replyText(code)} - ${detail}` };
}
