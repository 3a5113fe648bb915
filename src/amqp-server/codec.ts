// AMQP 0-9-1 frames, read and written with amqplib's own generated codec
// (lib/defs.js, lib/frame.js), loaded by file path: the same tables that
// clients use, so no per-method encoder is written by hand here.
import { createRequire } from 'node:module';
import path from 'node:path';

const req = createRequire(import.meta.url);
const lib = path.join(path.dirname(req.resolve('amqplib')), 'lib');

interface Defs {
  constants: Record<string, number>;
  decode(id: number, buf: Buffer): Record<string, unknown>;
  encodeMethod(id: number, channel: number, fields: Record<string, unknown>): Buffer;
  encodeProperties(classId: number, channel: number, size: number, fields: Record<string, unknown>): Buffer;
  info(id: number): { name: string; classId: number; methodId: number };
  [name: string]: unknown;
}

export const defs = req(path.join(lib, 'defs.js')) as Defs;
const frameLib = req(path.join(lib, 'frame.js')) as { HEARTBEAT_BUF: Buffer; PROTOCOL_HEADER: string };

/** Method ids by name ("BasicPublish" → 3932200) and back. */
export const METHOD: Record<string, number> = {};
const NAMES = new Map<number, string>();
for (const [key, value] of Object.entries(defs)) {
  if (typeof value === 'number' && /^[A-Z][a-zA-Z]+$/.test(key) && key !== 'FRAME_OVERHEAD') {
    METHOD[key] = value;
    NAMES.set(value, key);
  }
}

export const FRAME = { METHOD: 1, HEADER: 2, BODY: 3, HEARTBEAT: 8, END: 206 } as const;
export const HEARTBEAT_FRAME = frameLib.HEARTBEAT_BUF;
export const PROTOCOL_HEADER = Buffer.from(frameLib.PROTOCOL_HEADER, 'latin1');
/** type (1) + channel (2) + size (4) + frame-end (1). */
export const FRAME_OVERHEAD = 8;
export const BASIC_CLASS = 60;

/** "BasicPublish" → "basic.publish", as RabbitMQ names methods in its texts. */
export function amqpMethodName(id: number): string {
  const name = NAMES.get(id);
  if (!name) return `unknown method ${id}`;
  const [cls, ...rest] = name.split(/(?=[A-Z])/);
  return `${cls.toLowerCase()}.${rest.map((w) => w.toLowerCase()).join('_')}`;
}

export function methodName(id: number): string | undefined {
  return NAMES.get(id);
}

export function encodeMethod(name: string, channel: number, fields: Record<string, unknown> = {}): Buffer {
  return defs.encodeMethod(METHOD[name], channel, fields);
}

export function decodeMethod(id: number, args: Buffer): Record<string, unknown> {
  return defs.decode(id, args);
}

/** The property flags and fields of a content header (what follows class, weight and body size). */
export function decodeProperties(raw: Buffer): Record<string, unknown> {
  return defs.decode(BASIC_CLASS, raw);
}

/** A content header frame from property bytes kept as the publisher sent them. */
function headerFrameFromRaw(channel: number, size: number, raw: Buffer): Buffer {
  const payloadSize = 12 + raw.length;
  const out = Buffer.allocUnsafe(FRAME_OVERHEAD + payloadSize);
  out.writeUInt8(FRAME.HEADER, 0);
  out.writeUInt16BE(channel, 1);
  out.writeUInt32BE(payloadSize, 3);
  out.writeUInt16BE(BASIC_CLASS, 7);
  out.writeUInt16BE(0, 9);
  out.writeBigUInt64BE(BigInt(size), 11);
  raw.copy(out, 19);
  out.writeUInt8(FRAME.END, 19 + raw.length);
  return out;
}

/**
 * A message's header frame and body frames, each body frame at most
 * frameMax bytes in all (RabbitMQ splits content the same way).
 */
export function encodeContent(
  channel: number,
  body: Buffer,
  properties: { raw?: Buffer; fields?: Record<string, unknown> },
  frameMax: number,
): Buffer[] {
  const frames = [
    properties.raw
      ? headerFrameFromRaw(channel, body.length, properties.raw)
      : defs.encodeProperties(BASIC_CLASS, channel, body.length, properties.fields ?? {}),
  ];
  const chunk = frameMax - FRAME_OVERHEAD;
  for (let offset = 0; offset < body.length; offset += chunk) {
    const part = body.subarray(offset, Math.min(body.length, offset + chunk));
    const out = Buffer.allocUnsafe(FRAME_OVERHEAD + part.length);
    out.writeUInt8(FRAME.BODY, 0);
    out.writeUInt16BE(channel, 1);
    out.writeUInt32BE(part.length, 3);
    part.copy(out, 7);
    out.writeUInt8(FRAME.END, 7 + part.length);
    frames.push(out);
  }
  return frames;
}

/** Erlang's ~p of a binary, as RabbitMQ prints frame snippets: <<"text">> or <<1,2,3>>. */
export function erlangBinary(bytes: Buffer): string {
  if (bytes.length === 0) return '<<>>';
  const printable = [...bytes].every((b) => (b >= 32 && b < 127) || b === 10 || b === 13 || b === 9);
  if (printable)
    return `<<"${bytes.toString('latin1').replace(/["\\]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}">>`;
  return `<<${[...bytes].join(',')}>>`;
}
