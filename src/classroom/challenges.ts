// Challenges graded by the engine: "write a binding key (or headers
// arguments, or the exchange to bind to) that receives A and B but not C".
// The student's answer becomes one binding of the queue `mine`; the engine
// routes the listed messages (exactly as RabbitMQ 3.10 does) and the answer is
// right when mine receives exactly the wanted ones. The traces of the
// messages that went wrong are the "why" shown to the student.
import { EXCHANGE_TYPES, type ExchangeTypeName } from '../amqp/exchange-types.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { run } from '../engine/run.js';
import type { BindingDef, Definitions, FieldTable, FieldValue, MessageSpec, MessageTrace } from '../engine/types.js';
import { localized, type Localized } from '../scenarios/schema.js';
import type { Lang } from '../i18n/catalogs.js';

export const CHALLENGE_QUEUE = 'mine';

const challengeSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    type: z.enum(EXCHANGE_TYPES),
    /** What the student writes: a binding key, headers arguments, or the exchange to bind to. */
    answer: z.enum(['routing_key', 'arguments', 'source']),
    title: localized,
    prompt: localized,
    definitions: z.object({ exchanges: z.array(z.any()), queues: z.array(z.any()), bindings: z.array(z.any()).optional() }),
    /** The exchange the student's binding starts from (routing_key, arguments). */
    exchange: z.string(),
    messages: z.array(z.object({ label: z.string(), receive: z.boolean(), message: z.any() }).strict()).min(2),
    /** An answer that solves it and one that does not (test/classroom/challenges.test.ts checks both). */
    solution: z.string(),
    wrong: z.string().nullable(),
  })
  .strict();

export interface Challenge {
  id: string;
  type: ExchangeTypeName;
  answer: 'routing_key' | 'arguments' | 'source';
  title: Localized;
  prompt: Localized;
  definitions: Definitions;
  exchange: string;
  messages: { label: string; receive: boolean; message: MessageSpec }[];
  solution: string;
  wrong: string | null;
}

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../challenges/challenges.json');
let cache: Challenge[] | null = null;

export function loadChallenges(file = FILE): Challenge[] {
  if (cache && file === FILE) return cache;
  const list = z.array(challengeSchema).parse(JSON.parse(readFileSync(file, 'utf8'))) as Challenge[];
  if (file === FILE) cache = list;
  return list;
}

export function findChallenge(id: string): Challenge | undefined {
  return loadChallenges().find((c) => c.id === id);
}

/** A refusal of the text itself (catalog key under class.challenge.parse.*). */
export class AnswerParseError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string> = {},
  ) {
    super(key);
  }
}

/**
 * "x-match=any, format=pdf, pages=12" (or a JSON object) → a field table.
 * Unquoted whole numbers are numbers and true/false booleans; "quoted" is
 * text — the difference matters: RabbitMQ compares 12 and "12" as different.
 */
export function parseArguments(text: string): FieldTable {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw new AnswerParseError('class.challenge.parse.json');
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AnswerParseError('class.challenge.parse.json');
    return value as FieldTable;
  }
  const table: FieldTable = {};
  for (const part of trimmed
    .split(/[,\n;]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new AnswerParseError('class.challenge.parse.pair', { part });
    const key = part.slice(0, eq).trim();
    table[key] = parseValue(part.slice(eq + 1).trim());
  }
  if (Object.keys(table).length === 0) throw new AnswerParseError('class.challenge.parse.empty');
  return table;
}

function parseValue(raw: string): FieldValue {
  if (/^".*"$/.test(raw) || /^'.*'$/.test(raw)) return raw.slice(1, -1);
  if (/^-?\d{1,15}$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return raw;
}

export interface MessageResult {
  label: string;
  receive: boolean;
  received: boolean;
  message: MessageSpec;
  trace: MessageTrace | null;
}

export interface Grade {
  right: boolean;
  /** The binding the answer became (shown back to the student). */
  binding: BindingDef;
  results: MessageResult[];
}

/** The student's text as the binding of `mine` (throws AnswerParseError for text that is no binding). */
export function bindingFor(challenge: Challenge, text: string): BindingDef {
  if (challenge.answer === 'source') {
    const name = text.trim();
    const known = (challenge.definitions.exchanges ?? []).map((x) => x.name);
    if (!known.includes(name)) throw new AnswerParseError('class.challenge.parse.exchange', { name, known: known.join(', ') });
    return { source: name, destination: CHALLENGE_QUEUE, routing_key: '' };
  }
  if (challenge.answer === 'arguments')
    return { source: challenge.exchange, destination: CHALLENGE_QUEUE, routing_key: '', arguments: parseArguments(text) };
  // A binding key is taken as typed, but for the spaces around it (a key with spaces at its ends is never what a student meant).
  return { source: challenge.exchange, destination: CHALLENGE_QUEUE, routing_key: text.trim() };
}

export function grade(challenge: Challenge, text: string): Grade {
  const binding = bindingFor(challenge, text);
  const definitions: Definitions = { ...challenge.definitions, bindings: [...(challenge.definitions.bindings ?? []), binding] };
  const outcome = run({ definitions, messages: challenge.messages.map((m) => m.message) });
  if (outcome.setup_error) {
    // e.g. an x-match RabbitMQ refuses (406): the broker's own words.
    throw new AnswerParseError('class.challenge.parse.refused', { reason: outcome.setup_error.message });
  }
  const got = new Set(outcome.queues?.[CHALLENGE_QUEUE] ?? []);
  const results = challenge.messages.map((m, i) => ({
    label: m.label,
    receive: m.receive,
    received: got.has(i),
    message: m.message,
    trace: outcome.traces?.[i] ?? null,
  }));
  return { right: results.every((r) => r.receive === r.received), binding, results };
}

/** What a page shows of a challenge, in one language. */
export function challengeView(c: Challenge, lang: Lang) {
  return {
    id: c.id,
    type: c.type,
    answer: c.answer,
    title: c.title[lang],
    prompt: c.prompt[lang],
    definitions: c.definitions,
    exchange: c.exchange,
    messages: c.messages.map((m) => ({ label: m.label, receive: m.receive, message: m.message })),
  };
}
