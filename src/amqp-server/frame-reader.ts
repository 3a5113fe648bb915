// Cuts the byte stream into frames (rabbit_reader handle_input): type,
// channel, size, payload, frame-end. A frame larger than frame_max, a bad
// end byte or an unknown type are fatal frame errors with RabbitMQ's texts.
import { erlangBinary, FRAME, FRAME_OVERHEAD } from './codec.js';
import { ProtocolError } from './protocol-error.js';

export interface RawFrame {
  type: number;
  channel: number;
  payload: Buffer;
}

const KNOWN = new Set<number>([FRAME.METHOD, FRAME.HEADER, FRAME.BODY, FRAME.HEARTBEAT]);

/** "type 1, all octets = <<…>>" (payload_snippet/1: at most 16 bytes shown). */
export function frameSnippet(type: number, payload: Buffer): string {
  const shown = payload.length <= 16 ? 'all' : 'first 16';
  return `type ${type}, ${shown} octets = ${erlangBinary(payload.subarray(0, 16))}`;
}

export class FrameReader {
  private chunks: Buffer[] = [];
  private length = 0;

  /** frame_max as negotiated (the whole frame, 8 bytes of overhead included). */
  constructor(public frameMax: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  get buffered(): number {
    return this.length;
  }

  /** Takes `n` raw bytes (the protocol header) if they are there. */
  take(n: number): Buffer | undefined {
    if (this.length < n) return undefined;
    const all = this.joined();
    this.chunks = [all.subarray(n)];
    this.length -= n;
    return all.subarray(0, n);
  }

  /** The next whole frame, undefined if more bytes are needed; throws ProtocolError 501. */
  next(): RawFrame | undefined {
    if (this.length < 7) return undefined;
    const all = this.joined();
    const type = all.readUInt8(0);
    const channel = all.readUInt16BE(1);
    const size = all.readUInt32BE(3);
    if (this.frameMax > 0 && size > this.frameMax - FRAME_OVERHEAD) {
      throw ProtocolError.make(501, `${frameSnippet(type, Buffer.alloc(0))}: {frame_too_large,${size},${this.frameMax - FRAME_OVERHEAD}}`);
    }
    if (this.length < size + FRAME_OVERHEAD) return undefined;
    const payload = all.subarray(7, 7 + size);
    const end = all.readUInt8(7 + size);
    if (end !== FRAME.END) throw ProtocolError.make(501, `${frameSnippet(type, payload)}: {invalid_frame_end_marker,${end}}`);
    if (!KNOWN.has(type)) throw ProtocolError.make(501, `${frameSnippet(type, payload)}: unknown_frame`);
    // Copy out so the connection's buffer can be released.
    this.chunks = [all.subarray(size + FRAME_OVERHEAD)];
    this.length -= size + FRAME_OVERHEAD;
    return { type, channel, payload };
  }

  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0];
  }
}
