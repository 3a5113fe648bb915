// AMQP 0-9-1 frames as /live watches them go by: cut and decoded by the
// listener's own frame reader and codec (src/amqp-server, over amqplib's
// generated tables), so both read every frame the same way.
import { decodeMethod, decodeProperties, FRAME, methodName, PROTOCOL_HEADER } from '../amqp-server/codec.js';
import { FrameReader as RawFrameReader, type RawFrame } from '../amqp-server/frame-reader.js';

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
  properties: Record<string, unknown>;
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
export type Frame = MethodFrame | HeaderFrame | BodyFrame | HeartbeatFrame;

/**
 * Cuts one direction of a connection into frames as bytes arrive. The
 * client's side starts with the 8-byte protocol header. Anything it cannot
 * read makes it stop (the observer only watches; the peers decide).
 */
export class FrameReader {
  /** No frame_max: the watcher takes what the peers accepted. */
  private readonly raw = new RawFrameReader(0);
  private headerPending: boolean;
  private broken = false;

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    options: { protocolHeader: boolean },
  ) {
    this.headerPending = options.protocolHeader;
  }

  push(chunk: Buffer): void {
    if (this.broken) return;
    this.raw.push(chunk);
    try {
      if (this.headerPending) {
        if (!this.raw.take(PROTOCOL_HEADER.length)) return;
        this.headerPending = false;
      }
      for (let raw = this.raw.next(); raw; raw = this.raw.next()) this.onFrame(toFrame(raw));
    } catch {
      this.broken = true; // not AMQP we can read: stop watching, never interfere
    }
  }
}

function toFrame({ type, channel, payload }: RawFrame): Frame {
  if (type === FRAME.METHOD) {
    const id = payload.readUInt32BE(0);
    return { type: 'method', channel, name: methodName(id) ?? `unknown method ${id}`, fields: decodeMethod(id, payload.subarray(4)) };
  }
  if (type === FRAME.HEADER) {
    return { type: 'header', channel, size: Number(payload.readBigUInt64BE(4)), properties: decodeProperties(payload.subarray(12)) };
  }
  if (type === FRAME.BODY) return { type: 'body', channel, content: payload };
  return { type: 'heartbeat', channel: 0 };
}
