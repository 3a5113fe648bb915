// The exchanges, queues and bindings of a RabbitMQ definitions file, as
// `rabbitmqctl export_definitions` and the management UI write them. Entries
// carry "vhost" in the full export and not in the management UI's per-vhost
// one. 3.10's export adds "type" ("classic", "quorum", "stream") to queues and
// leaves "internal" out of exchanges. Any other field is refused: a field we do
// not know might change what the entry means.
import { z } from 'zod';
import { MAX_BINDINGS, MAX_EXCHANGES, MAX_QUEUES } from './limits.js';
import { bindingShape, exchangeShape, queueShape, shortstr } from '../amqp/definitions-schema.js';

const vhost = { vhost: z.string().optional() };

export const definitionsExchange = z.object({ ...exchangeShape, ...vhost }).strict();
export const definitionsQueue = z.object({ ...queueShape, ...vhost, type: shortstr.optional() }).strict();
export const definitionsBinding = z.object({ ...bindingShape, ...vhost }).strict();

/** Top-level keys of a definitions file that describe no routing: skipped with a notice. */
export const IGNORED_KEYS = [
  'rabbit_version',
  'rabbitmq_version',
  'product_name',
  'product_version',
  'users',
  'vhosts',
  'permissions',
  'topic_permissions',
  'parameters',
  'global_parameters',
  'policies',
];

export const definitionsFile = z
  .object({
    exchanges: z.array(definitionsExchange).max(MAX_EXCHANGES).optional(),
    queues: z.array(definitionsQueue).max(MAX_QUEUES).optional(),
    bindings: z.array(definitionsBinding).max(MAX_BINDINGS).optional(),
    ...Object.fromEntries(IGNORED_KEYS.map((k) => [k, z.unknown().optional()])),
  })
  .strict();

export type DefinitionsFile = z.infer<typeof definitionsFile>;
