// Placeholder: replaced by the engine-backed embedded broker.
import type { Broker, BrokerStatus } from './broker.js';
import type { RunOutcome, RunRequest } from '../engine/types.js';

export class EmbeddedBroker implements Broker {
  readonly kind = 'embedded' as const;
  async run(_request: RunRequest): Promise<RunOutcome> {
    throw new Error('not implemented yet');
  }
  status(): BrokerStatus {
    return { kind: 'embedded', connected: true };
  }
  async close(): Promise<void> {}
}
