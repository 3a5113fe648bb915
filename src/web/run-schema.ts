// The body of POST /api/run, as the conformance format allows it
// (test/conformance/README.md): the definitions and messages of the one
// schema (src/amqp/definitions-schema.ts), lenient about unknown keys —
// other top-level definitions keys (users, vhosts, policies…) and per-item
// keys such as "vhost" are accepted and ignored — and with every basic
// property a message may carry. Anything else is a 400 naming the field.
import { z } from 'zod';
import type { RunRequest } from '../engine/types.js';
import { definitionsSchema, fieldTable, messageShape, shortstr } from '../amqp/definitions-schema.js';
import { RUN_LIMITS as L } from '../limits.js';

const properties = z.strictObject({
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
});

const message = z.object({ ...messageShape, properties: properties.optional() });

export const runRequestSchema = z.object({
  name: z.string().max(L.nameChars).optional(),
  definitions: definitionsSchema('lenient').default({ exchanges: [], queues: [], bindings: [] }),
  messages: z.array(message).max(L.messages).default([]),
});

/** The validated request; throws a ZodError (→ 400 naming the field). */
export function parseRunRequest(body: unknown): RunRequest {
  return runRequestSchema.parse(body);
}
