// The four exchange types RabbitMQ 3.10 ships with, by type name. Any other
// name is refused at declare time with 503 (§9), as the broker does.
import type { ExchangeType } from '../types.js';
import { direct } from './direct.js';
import type { ExchangeTypeModule } from './exchange-type.js';
import { fanout } from './fanout.js';
import { headers } from './headers.js';
import { topic } from './topic.js';

export const EXCHANGE_TYPES: Record<ExchangeType, ExchangeTypeModule> = { direct, topic, fanout, headers };

/** Type names are case-sensitive: "Direct" is unknown. */
export function exchangeType(name: string): ExchangeTypeModule | undefined {
  return Object.hasOwn(EXCHANGE_TYPES, name) ? EXCHANGE_TYPES[name as ExchangeType] : undefined;
}
