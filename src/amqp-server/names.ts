// Server-made names as RabbitMQ makes them (rabbit_guid:binary/2): a prefix
// and 22 characters of URL-safe base64 from 16 random bytes.
import { randomBytes } from 'node:crypto';

export function guidName(prefix: 'amq.gen' | 'amq.ctag' | 'amq.rabbitmq.reply-to'): string {
  return `${prefix}-${randomBytes(16).toString('base64url')}`;
}
