// Method arguments checked as strictly as RabbitMQ reads them. amqplib's
// decoder is lenient (it ignores trailing bytes, reads past a table's end,
// takes NaN), but RabbitMQ's generated decoder is one exact binary pattern
// per method (rabbit_framing_amqp_0_9_1:decode_method_fields): any bytes
// missing or left over fall to its last clause, a 501 "cannot decode". A
// field table that does not parse crashes rabbit_binary_parser:parse_table
// (no clause matches) and the connection is dropped without a word.
import { defs } from './codec.js';

/** The arguments do not fit the method's layout (→ 501). */
export class BadArgs extends Error {}
/** A field table inside does not parse (→ the socket is dropped). */
export class BadTable extends Error {}

const FIXED: Record<string, number> = { octet: 1, short: 2, long: 4, longlong: 8, timestamp: 8 };

export function checkArgs(id: number, args: Buffer): void {
  const { args: layout } = defs.info(id) as unknown as { args: { type: string }[] };
  const tables: Buffer[] = [];
  let at = 0;
  const take = (n: number) => {
    if (at + n > args.length) throw new BadArgs();
    at += n;
  };
  for (let i = 0; i < layout.length; i++) {
    const type = layout[i].type;
    if (type === 'bit') {
      // Consecutive bits share one octet.
      while (layout[i + 1]?.type === 'bit') i++;
      take(1);
    } else if (type in FIXED) take(FIXED[type]);
    else if (type === 'shortstr') {
      take(1);
      take(args[at - 1]);
    } else if (type === 'longstr') {
      take(4);
      take(args.readUInt32BE(at - 4));
    } else if (type === 'table') {
      take(4);
      const start = at;
      take(args.readUInt32BE(at - 4));
      tables.push(args.subarray(start, at));
    }
  }
  if (at !== args.length) throw new BadArgs();
  // Only once the outer pattern matched are the tables parsed (as in the generated decoder).
  for (const t of tables) parseTable(t);
}

/** rabbit_binary_parser:parse_table/1: name, then one typed value, to the end exactly. */
function parseTable(b: Buffer): void {
  let at = 0;
  while (at < b.length) {
    const nameLength = b[at];
    at += 1 + nameLength;
    if (at > b.length) throw new BadTable();
    at = parseValue(b, at);
  }
}

function parseArray(b: Buffer): void {
  for (let at = 0; at < b.length;) at = parseValue(b, at);
}

const VALUE_SIZE: Record<string, number> = { b: 1, B: 1, t: 1, s: 2, u: 2, I: 4, i: 4, D: 5, T: 8, l: 8, L: 8 };

/** parse_field_value/1 of 3.10: the offset after the value; throws when no clause matches. */
function parseValue(b: Buffer, at: number): number {
  if (at >= b.length) throw new BadTable();
  const tag = String.fromCharCode(b[at++]);
  const need = (n: number) => {
    if (at + n > b.length) throw new BadTable();
    return at + n;
  };
  if (tag in VALUE_SIZE) return need(VALUE_SIZE[tag]);
  // Erlang's V:64/float does not match NaN or infinity.
  if (tag === 'd' && Number.isFinite(b.readDoubleBE(need(8) - 8))) return at + 8;
  if (tag === 'f' && Number.isFinite(b.readFloatBE(need(4) - 4))) return at + 4;
  if (tag === 'V') return at;
  if (tag === 'S' || tag === 'x' || tag === 'F' || tag === 'A') {
    const end = need(4 + b.readUInt32BE(need(4) - 4));
    const inner = b.subarray(at + 4, end);
    if (tag === 'F') parseTable(inner);
    if (tag === 'A') parseArray(inner);
    return end;
  }
  throw new BadTable();
}
