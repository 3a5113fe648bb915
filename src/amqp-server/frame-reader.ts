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

/**
 * Frames are read in place: a frame that lies whole in one chunk (nearly
 * all of them) is a view of that chunk, never a copy; only a frame split
 * across chunks is joined, and only its own bytes.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  /** Where the unread bytes start in chunks[0]. */
  private offset = 0;
  private length = 0;

  /** frame_max as negotiated (the whole frame, 8 bytes of overhead included). */
  constructor(public frameMax: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  get buffered(): number {
    return this.length;
  }

  /** Takes `n` raw bytes (the protocol header) if they are there. */
  take(n: number): Buffer | undefined {
    if (this.length < n) return undefined;
    return this.consume(n);
  }

  /** The next whole frame, undefined if more bytes are needed; throws ProtocolError 501. */
  next(): RawFrame | undefined {
    if (this.length < 7) return undefined;
    if (this.chunks[0].length - this.offset < 7) this.gather(7);
    // Read where the bytes lie: no view made for the 7-byte frame header.
    const first = this.chunks[0];
    const at = this.offset;
    const type = first.readUInt8(at);
    const channel = first.readUInt16BE(at + 1);
    const size = first.readUInt32BE(at + 3);
    if (this.frameMax > 0 && size > this.frameMax - FRAME_OVERHEAD) {
      throw ProtocolError.make(501, `${frameSnippet(type, Buffer.alloc(0))}: {frame_too_large,${size},${this.frameMax - FRAME_OVERHEAD}}`);
    }
    if (this.length < size + FRAME_OVERHEAD) return undefined;
    const { buffer, start } = this.consumeInPlace(size + FRAME_OVERHEAD);
    const payload = buffer.subarray(start + 7, start + 7 + size);
    const end = buffer.readUInt8(start + 7 + size);
    if (end !== FRAME.END) throw ProtocolError.make(501, `${frameSnippet(type, payload)}: {invalid_frame_end_marker,${end}}`);
    if (!KNOWN.has(type)) throw ProtocolError.make(501, `${frameSnippet(type, payload)}: unknown_frame`);
    return { type, channel, payload };
  }

  /** The first n unread bytes (n ≤ length), consumed. */
  private consume(n: number): Buffer {
    const { buffer, start } = this.consumeInPlace(n);
    return buffer.subarray(start, start + n);
  }

  /** Consumes the first n unread bytes (n ≤ length): the buffer that holds them whole, and where they start. */
  private consumeInPlace(n: number): { buffer: Buffer; start: number } {
    if (this.chunks[0].length - this.offset < n) this.gather(n);
    const buffer = this.chunks[0];
    const start = this.offset;
    this.offset += n;
    this.length -= n;
    if (this.offset === buffer.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    return { buffer, start };
  }

  /** Joins just the bytes of chunks needed for chunks[0] to hold n unread bytes from its start. */
  private gather(n: number): void {
    const parts: Buffer[] = [this.chunks[0].subarray(this.offset)];
    let have = parts[0].length;
    let used = 1;
    while (have < n) {
      const chunk = this.chunks[used];
      const need = n - have;
      if (chunk.length <= need) {
        parts.push(chunk);
        have += chunk.length;
        used++;
      } else {
        // Only the head of this chunk: the rest stays a view, uncopied.
        parts.push(chunk.subarray(0, need));
        this.chunks[used] = chunk.subarray(need);
        have = n;
      }
    }
    this.chunks.splice(0, used, Buffer.concat(parts, n));
    this.offset = 0;
  }
}
