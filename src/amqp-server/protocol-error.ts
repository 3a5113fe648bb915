// A refusal that closes a channel or the whole connection, as RabbitMQ
// decides: "soft" codes (3xx–4xx) close the channel, "hard" codes (320,
// 402, 5xx) the connection (rabbit_framing_amqp_0_9_1:lookup_amqp_exception).
import { amqpError } from '../engine/errors.js';
import type { AmqpError } from '../engine/types.js';

const HARD = new Set([320, 402, 501, 502, 503, 504, 505, 506, 530, 540, 541]);

export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    /** The whole reply text, e.g. "NOT_FOUND - no queue 'q' in vhost '/'". */
    readonly text: string,
    /** The method that caused it (0/0 for frame errors). */
    readonly classId = 0,
    readonly methodId = 0,
  ) {
    super(text);
  }

  get closesConnection(): boolean {
    return HARD.has(this.code);
  }

  static of(error: AmqpError, classId = 0, methodId = 0): ProtocolError {
    return new ProtocolError(error.code, error.message, classId, methodId);
  }

  static make(code: number, detail: string, classId = 0, methodId = 0): ProtocolError {
    return new ProtocolError(code, amqpError(code, detail).message, classId, methodId);
  }
}

/** A condition where RabbitMQ drops the socket without a word. */
export class DropConnection extends Error {}
