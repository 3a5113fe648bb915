// The embedded broker: the routing engine in-process. Each run gets a fresh
// virtual host, so runs are isolated by construction and leave nothing behind.
import type { Broker, BrokerStatus } from './broker.js';
import { run } from '../engine/run.js';
import type { RunOptions, RunOutcome, RunRequest } from '../engine/types.js';

export class EmbeddedBroker implements Broker {
  readonly kind = 'embedded' as const;
  async run(request: RunRequest, options: RunOptions = {}): Promise<RunOutcome> {
    return run(request, options);
  }
  status(): BrokerStatus {
    return { kind: 'embedded', connected: true };
  }
  async close(): Promise<void> {}
}
