// AMQP 0-9-1 frames as /live watches them go by: cut and decoded by the
// listener's own frame reader and codec (src/amqp-server, over amqplib's
// generated tables), so both read every frame the same way.
import { PROTOCOL_HEADER, FRAME } from '../amqp-server/codec.js';
import { toDecodedFrame, type DecodedFrame } from '../amqp-server/decoded-frame.js';
import { FrameReader as RawFrameReader } from '../amqp-server/frame-reader.js';

export type { BodyFrame, HeaderFrame, HeartbeatFrame, MethodFrame } from '../amqp-server/decoded-frame.js';
export type Frame = DecodedFrame;

/**
 * Cuts one direction of a connection into frames as bytes arrive. The
 * client's side starts with the 8-byte protocol header. Anything it cannot
 * read makes it stop (the observer only watches; the peers decide).
 * `methodsOnly`: content frames are cut and skipped, never decoded (a
 * broker's side: what it delivers, the observer knows from the method).
 */
export class FrameReader {
  /** No frame_max: the watcher takes what the peers accepted. */
  private readonly raw = new RawFrameReader(0);
  private headerPending: boolean;
  private readonly methodsOnly: boolean;
  private broken = false;

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    options: { protocolHeader: boolean; methodsOnly?: boolean },
  ) {
    this.headerPending = options.protocolHeader;
    this.methodsOnly = options.methodsOnly ?? false;
  }

  push(chunk: Buffer): void {
    if (this.broken) return;
    this.raw.push(chunk);
    try {
      if (this.headerPending) {
        if (!this.raw.take(PROTOCOL_HEADER.length)) return;
        this.headerPending = false;
      }
      for (let raw = this.raw.next(); raw; raw = this.raw.next()) {
        if (this.methodsOnly && raw.type !== FRAME.METHOD) continue;
        this.onFrame(toDecodedFrame(raw.type, raw.channel, raw.payload));
      }
    } catch {
      this.broken = true; // not AMQP we can read: stop watching, never interfere
    }
  }
}
