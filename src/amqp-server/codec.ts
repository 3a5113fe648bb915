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

/**
 * The property flags and fields of a content header (what follows class,
 * weight and body size). amqplib's codec has no 'L' (a 64-bit integer, what
 * py-amqp and rabbitmq-c send for big integers), which RabbitMQ 3.10 takes:
 * when it refuses a header table, the 'L's are read as 'l' (same width) and
 * it is decoded again. The bytes sent on stay as the publisher wrote them.
 */
export function decodeProperties(raw: Buffer): Record<string, unknown> {
  try {
    return defs.decode(BASIC_CLASS, raw);
  } catch (error) {
    const headers = headersTableAt(raw);
    if (headers === undefined) throw error;
    const copy = Buffer.from(raw);
    if (!retagLongs(copy, headers + 4, headers + 4 + copy.readUInt32BE(headers))) throw error;
    return defs.decode(BASIC_CLASS, copy);
  }
}

/** Where the headers table starts in basic properties (after content-type and content-encoding), if present. */
function headersTableAt(raw: Buffer): number | undefined {
  const flags = raw.readUInt16BE(0);
  if (!(flags & 0x2000)) return undefined;
  let at = 2;
  if (flags & 0x8000) at += 1 + raw[at];
  if (flags & 0x4000) at += 1 + raw[at];
  return at + 4 <= raw.length ? at : undefined;
}

/** Fixed widths of field values (rabbit_binary_parser), by tag; S, x, F and A carry a 32-bit length. */
const FIELD_WIDTH: Record<string, number> = { b: 1, B: 1, t: 1, s: 2, u: 2, I: 4, i: 4, f: 4, D: 5, l: 8, L: 8, d: 8, T: 8, V: 0 };

/** Rewrites every 'L' tag of a table (or, with array, an array) in [from, to) to 'l'; false if it is not well formed. */
function retagLongs(buf: Buffer, from: number, to: number, array = false): boolean {
  let at = from;
  while (at < to) {
    if (!array) at += 1 + buf[at]; // the field name
    if (at >= to) return false;
    const tag = String.fromCharCode(buf[at]);
    if (tag === 'L') buf[at] = 'l'.charCodeAt(0);
    at += 1;
    const width = FIELD_WIDTH[tag];
    if (width !== undefined) at += width;
    else if ('SxFA'.includes(tag)) {
      if (at + 4 > to) return false;
      const length = buf.readUInt32BE(at);
      const end = at + 4 + length;
      if (end > to) return false;
      if ((tag === 'F' || tag === 'A') && !retagLongs(buf, at + 4, end, tag === 'A')) return false;
      at = end;
    } else return false;
  }
  return at === to;
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
