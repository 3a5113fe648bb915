// A run message's properties (snake_case, as in the request) → amqplib's
// publish options, plus the run's tag (message-tag.ts).
import type { Options } from 'amqplib';
import type { MessageSpec } from '../../engine/types.js';
import { withRunNames } from './declare-arguments.js';
import type { Tag } from './message-tag.js';
import type { RunNames } from './namespace.js';

const PROPERTY_NAMES: Record<string, keyof Options.Publish> = {
  content_type: 'contentType',
  content_encoding: 'contentEncoding',
  headers: 'headers',
  delivery_mode: 'deliveryMode',
  priority: 'priority',
  correlation_id: 'correlationId',
  reply_to: 'replyTo',
  expiration: 'expiration',
  message_id: 'messageId',
  timestamp: 'timestamp',
  type: 'type',
  app_id: 'appId',
};

export function publishOptions(message: MessageSpec, tag: Tag | null, ns: RunNames): Options.Publish {
  const options: Record<string, unknown> = { mandatory: message.mandatory ?? false };
  for (const [name, value] of Object.entries(message.properties ?? {})) {
    const option = PROPERTY_NAMES[name];
    if (option !== undefined && value !== undefined) options[option] = value;
  }
  if (message.properties?.headers) options.headers = withRunNames(message.properties.headers, ns);
  if (tag) options[tag.property] = tag.value;
  return options;
}
