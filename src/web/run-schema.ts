// The body of POST /api/run, as the conformance format allows it
// (test/conformance/README.md): a RabbitMQ definitions file restricted to
// exchanges, queues and bindings, plus messages. Omitted fields take
// RabbitMQ's defaults; other top-level definitions keys (users, vhosts,
// policies…) and per-item keys such as "vhost" are accepted and ignored.
// Anything else is a 400 naming the field; our own checks say what is wrong
// as a catalog key (locales/*/errors.json), worded in the asker's language.
import { z } from 'zod';
import type { FieldTable, RunRequest } from '../engine/types.js';
import { checkFieldTable, isWellFormed } from './field-table-check.js';
import { RUN_LIMITS } from '../limits.js';

const L = RUN_LIMITS;

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Names, keys, types: an AMQP shortstr — longer would not even encode (and RabbitMQ would close the connection). */
const shortstr = z
  .string()
  .refine(isWellFormed, { message: 'error.unicode' })
  .refine((s) => bytes(s) <= L.shortstrBytes, { message: 'error.shortstr', params: { max: L.shortstrBytes } });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object sent as an AMQP field table (checked as received: nothing dropped silently). */
const fieldTable = z.custom<FieldTable>(isPlainObject, { message: 'error.table.not-object' }).superRefine((table, ctx) => {
  for (const issue of checkFieldTable(table).issues)
    ctx.addIssue({ code: 'custom', message: issue.key, params: issue.params, path: issue.path });
});

const exchange = z.object({
  name: shortstr,
  // Any type: one RabbitMQ does not know is refused with its own 503 (an outcome).
  type: shortstr,
  durable: z.boolean().default(false),
  auto_delete: z.boolean().default(false),
  internal: z.boolean().default(false),
  arguments: fieldTable.default({}),
});

const queue = z.object({
  name: shortstr,
  durable: z.boolean().default(false),
  auto_delete: z.boolean().default(false),
  arguments: fieldTable.default({}),
});

const binding = z.object({
  source: shortstr,
  destination: shortstr,
  destination_type: z.enum(['queue', 'exchange']).default('queue'),
  routing_key: shortstr.default(''),
  arguments: fieldTable.default({}),
});

const properties = z
  .strictObject({
    headers: fieldTable.optional(),
    content_type: shortstr.optional(),
    content_encoding: shortstr.optional(),
    delivery_mode: z.union([z.literal(1), z.literal(2)]).optional(),
    priority: z.int().min(0).max(255).optional(),
    correlation_id: shortstr.optional(),
    reply_to: shortstr.optional(),
    // AMQP's per-message TTL is a string of milliseconds; RabbitMQ refuses a bad one with 406 (an outcome).
    expiration: shortstr.optional(),
    message_id: shortstr.optional(),
    timestamp: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    type: shortstr.optional(),
    app_id: shortstr.optional(),
    // RabbitMQ compares user_id with the login of the server's own
    // connection (406 if different): an answer about the server, not about
    // routing, so it is refused here.
    user_id: z.never({ message: 'error.user-id' }).optional(),
  })
  .default({});

const message = z.object({
  exchange: shortstr,
  routing_key: shortstr.default(''),
  properties,
  payload: z
    .string()
    .refine(isWellFormed, { message: 'error.unicode' })
    .refine((s) => bytes(s) <= L.payloadBytes, { message: 'error.payload', params: { max: L.payloadBytes } })
    .default(''),
  mandatory: z.boolean().default(false),
});

const definitions = z.object({
  exchanges: z.array(exchange).max(L.exchanges).default([]),
  queues: z.array(queue).max(L.queues).default([]),
  bindings: z.array(binding).max(L.bindings).default([]),
});

export const runRequestSchema = z.object({
  name: z.string().max(L.nameChars).optional(),
  definitions: definitions.default({ exchanges: [], queues: [], bindings: [] }),
  messages: z.array(message).max(L.messages).default([]),
});

/** The validated request, defaults filled in; throws a ZodError (→ 400 naming the field). */
export function parseRunRequest(body: unknown): RunRequest {
  return runRequestSchema.parse(body);
}
