// Every recorded conformance case, run on the machine's real RabbitMQ through
// the RabbitMqBroker (namespaced, private amq.* copies, default-exchange
// stand-in), must give what RabbitMQ 3.10.8 gave in a vhost of its own.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import type { RunOutcome, RunRequest } from '../../src/engine/types.js';
import { conformanceDir } from '../helpers/conformance.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

interface Expected {
  name: string;
  setup_error: number | null;
  queues?: Record<string, number[]>;
  returned?: number[];
  publish_errors?: Record<string, number>;
}

function comparable(outcome: RunOutcome): Omit<Expected, 'name'> {
  if (outcome.setup_error) return { setup_error: outcome.setup_error.code };
  return { setup_error: null, queues: outcome.queues, returned: outcome.returned, publish_errors: outcome.publish_errors };
}

const dir = conformanceDir();
const files = readdirSync(path.join(dir, 'cases')).filter((f) => f.endsWith('.json')).sort();

describe('RabbitMqBroker on the recorded conformance cases', function () {
  this.timeout(60_000);
  let broker: RabbitMqBroker;
  before(async function () {
    broker = new RabbitMqBroker(await requireRabbit(this));
  });

  for (const file of files) {
    const cases = JSON.parse(readFileSync(path.join(dir, 'cases', file), 'utf8')) as RunRequest[];
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected', file), 'utf8')) as Expected[];
    describe(file, () => {
      cases.forEach((c, i) => {
        it(`gives the recorded outcome for ${c.name ?? `case ${i}`}`, async () => {
          const { name: _name, ...want } = expected[i]!;
          assert.deepEqual(comparable(await broker.run(c)), want);
        });
      });
    });
  }
});
