// A method frame's arguments, as amqplib's codec (lib/defs.js) decodes them:
// camelCase names, bits as booleans, longs as numbers, tables as objects.
// One method carries only some of these; the codec fills every field its
// method defines, so a field the method lacks reads as undefined. The
// listener and the live view's observer both read decoded frames through it.
import type { FieldTable } from './field-table.js';

export interface MethodFields {
  // names
  exchange: string;
  queue: string;
  routingKey: string;
  type: string;
  source: string;
  destination: string;
  consumerTag: string;
  virtualHost: string;
  mechanism: string;
  reason: string;
  replyText: string;
  // bits
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  exclusive: boolean;
  passive: boolean;
  nowait: boolean;
  noAck: boolean;
  ifUnused: boolean;
  ifEmpty: boolean;
  mandatory: boolean;
  immediate: boolean;
  multiple: boolean;
  requeue: boolean;
  redelivered: boolean;
  global: boolean;
  active: boolean;
  // numbers
  deliveryTag: number;
  prefetchCount: number;
  prefetchSize: number;
  messageCount: number;
  consumerCount: number;
  replyCode: number;
  // tables and bytes
  arguments?: FieldTable;
  clientProperties?: FieldTable;
  response?: Buffer;
}

/** Reads a decoded frame's fields by its method's definition (see above). */
export function methodFields(fields: unknown): MethodFields {
  return (fields ?? {}) as MethodFields;
}
