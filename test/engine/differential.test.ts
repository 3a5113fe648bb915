// The engine against the real RabbitMQ 3.10 on seeded random runs (beyond the
// recorded cases): same refusals, same returns, same publish errors, and the
// same messages in every queue. Queue contents are compared as multisets:
// dead-lettered copies from different queues reach a shared target in an
// order RabbitMQ does not fix (§13); everything else must match exactly.
import assert from 'node:assert/strict';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { run } from '../../src/engine/run.js';
import type { RunOutcome } from '../../src/engine/types.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { randomRun } from './random-case.js';

const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 60);

function comparable(outcome: RunOutcome) {
  if (outcome.setup_error) return { setup_error: outcome.setup_error.code };
  const queues = Object.fromEntries(Object.entries(outcome.queues ?? {}).map(([q, held]) => [q, [...held].sort((a, b) => a - b)]));
  return { setup_error: null, queues, returned: outcome.returned, publish_errors: outcome.publish_errors };
}

describe('the engine against RabbitMQ on random runs', function () {
  let broker: RabbitMqBroker;
  before(async function () {
    broker = new RabbitMqBroker(await requireRabbit(this));
  });

  it(`predicts what RabbitMQ does, for ${RUNS} seeded random topologies and messages`, async function () {
    this.timeout(120_000);
    for (let seed = 1; seed <= RUNS; seed++) {
      const request = randomRun(seed);
      const predicted = comparable(run(request));
      const actual = comparable(await broker.run(request));
      assert.deepEqual(predicted, actual, `seed ${seed} differs; request: ${JSON.stringify(request)}`);
    }
  });
});
