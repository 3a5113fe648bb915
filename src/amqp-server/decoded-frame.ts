// A frame as an observer reads it (the live view): the method's name and
// fields, a content header's size (its properties decoded only when read), a
// body's bytes. The listener hands the frames it receives to its observer
// already decoded (one decoding, not two); the relay and the listener's
// outgoing side make them with toDecodedFrame.
import { decodeMethod, decodeProperties, FRAME, methodName } from './codec.js';

export interface MethodFrame {
  type: 'method';
  channel: number;
  /** e.g. "BasicPublish", "QueueDeclareOk". */
  name: string;
  fields: Record<string, unknown>;
}
export interface HeaderFrame {
  type: 'header';
  channel: number;
  size: number;
  readonly properties: Record<string, unknown>;
}
export interface BodyFrame {
  type: 'body';
  channel: number;
  content: Buffer;
}
export interface HeartbeatFrame {
  type: 'heartbeat';
  channel: 0;
}
export type DecodedFrame = MethodFrame | HeaderFrame | BodyFrame | HeartbeatFrame;

/** A content header whose properties are decoded on first read: an observer reads a publish's, never a delivery's. */
class LazyHeader implements HeaderFrame {
  readonly type = 'header';
  private decoded: Record<string, unknown> | undefined;
  constructor(
    readonly channel: number,
    readonly size: number,
    private readonly raw: Buffer,
  ) {}
  get properties(): Record<string, unknown> {
    return (this.decoded ??= decodeProperties(this.raw));
  }
}

/** A content frame (header or body) or a heartbeat, from its payload. */
export function contentFrame(type: number, channel: number, payload: Buffer): DecodedFrame {
  if (type === FRAME.HEADER) return new LazyHeader(channel, Number(payload.readBigUInt64BE(4)), payload.subarray(12));
  if (type === FRAME.BODY) return { type: 'body', channel, content: payload };
  return { type: 'heartbeat', channel: 0 };
}

/** Any frame, from its payload (a method is decoded here). */
export function toDecodedFrame(type: number, channel: number, payload: Buffer): DecodedFrame {
  if (type !== FRAME.METHOD) return contentFrame(type, channel, payload);
  const id = payload.readUInt32BE(0);
  return { type: 'method', channel, name: methodName(id) ?? `unknown method ${id}`, fields: decodeMethod(id, payload.subarray(4)) };
}
