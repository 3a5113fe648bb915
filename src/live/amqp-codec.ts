// AMQP 0-9-1 frames decoded with amqplib's own codec (lib/defs.js is generated
// from the spec and knows every method in both directions). Its package
// `exports` hide lib/, so it is loaded by file path.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const lib = path.join(path.dirname(require.resolve('amqplib')), 'lib');

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

interface RawFrame {
  type: number;
  channel: number;
  size: number;
  payload: Buffer;
  rest: Buffer;
}
interface Defs {
  info(id: number): { name: string };
  constants: Record<string, number>;
}
const defs = require(path.join(lib, 'defs.js')) as Defs;
const codec = require(path.join(lib, 'frame.js')) as {
  parseFrame(bin: Buffer, max: number): RawFrame | false;
  decodeFrame(frame: RawFrame): { id?: number; channel: number; fields?: Record<string, unknown>; size?: number; content?: Buffer };
};

export const PROTOCOL_HEADER = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');
const { FRAME_METHOD, FRAME_HEADER, FRAME_BODY } = defs.constants as { FRAME_METHOD: number; FRAME_HEADER: number; FRAME_BODY: number };

/**
 * Cuts one direction of a connection into frames as bytes arrive. The
 * client's side starts with the 8-byte protocol header. Anything it cannot
 * read makes it stop (the observer only watches; the peers decide).
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
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
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    try {
      if (this.headerPending) {
        if (this.buffer.length < PROTOCOL_HEADER.length) return;
        this.buffer = this.buffer.subarray(PROTOCOL_HEADER.length);
        this.headerPending = false;
      }
      for (;;) {
        const raw = codec.parseFrame(this.buffer, 0);
        if (!raw) return;
        this.buffer = raw.rest;
        this.onFrame(toFrame(raw));
      }
    } catch {
      this.broken = true; // not AMQP we can read: stop watching, never interfere
      this.buffer = Buffer.alloc(0);
    }
  }
}

function toFrame(raw: RawFrame): Frame {
  const decoded = codec.decodeFrame(raw);
  if (raw.type === FRAME_METHOD)
    return { type: 'method', channel: raw.channel, name: defs.info(decoded.id!).name, fields: decoded.fields ?? {} };
  if (raw.type === FRAME_HEADER) return { type: 'header', channel: raw.channel, size: decoded.size ?? 0, properties: decoded.fields ?? {} };
  if (raw.type === FRAME_BODY) return { type: 'body', channel: raw.channel, content: decoded.content ?? Buffer.alloc(0) };
  return { type: 'heartbeat', channel: 0 };
}
