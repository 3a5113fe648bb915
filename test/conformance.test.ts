// Every recorded case of test/conformance (recorded on RabbitMQ 3.10.8),
// replayed on each broker: the embedded one always, the real RabbitMQ when
// reachable (required in CI), and the RabbitMQ adapter — the code path for a
// real RabbitMQ, amqplib and all — pointed at the embedded broker's AMQP
// listener. Each must give exactly the recorded outcome.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Broker } from '../src/broker/broker.js';
import { EmbeddedBroker } from '../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../src/broker/rabbitmq-broker.js';
import { AmqpConnection } from '../src/broker/amqp-connection.js';
import { startAmqpServer, type AmqpServer } from '../src/amqp-server/amqp-server.js';
import type { RunOutcome, RunRequest } from '../src/engine/types.js';
import { conformanceDir } from './helpers/conformance.js';
import { requireRabbit, requireRunVhosts } from './helpers/rabbitmq.js';

interface Recorded {
  setup_error: number | null;
  queues?: Record<string, number[]>;
  returned?: number[];
  publish_errors?: Record<string, number>;
}

const dir = conformanceDir();
const files = readdirSync(path.join(dir, 'cases'))
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (sub: string, file: string) => JSON.parse(readFileSync(path.join(dir, sub, file), 'utf8'));

/** The recorded facts, in the recorded format (setup_error as a bare code). */
function facts(outcome: RunOutcome): Recorded {
  if (outcome.setup_error) return { setup_error: outcome.setup_error.code };
  return {
    setup_error: null,
    queues: outcome.queues ?? {},
    returned: outcome.returned ?? [],
    publish_errors: outcome.publish_errors ?? {},
  };
}

function expected(recorded: Recorded & { name?: string }): Recorded {
  if (recorded.setup_error !== null) return { setup_error: recorded.setup_error };
  return {
    setup_error: null,
    queues: recorded.queues ?? {},
    returned: recorded.returned ?? [],
    publish_errors: recorded.publish_errors ?? {},
  };
}

let listener: AmqpServer | null = null;
let listenerConnection: AmqpConnection | null = null;

/** The RabbitMQ adapter on the listener: no engine prediction, so every fact comes over the wire. */
async function adapterOnListener(): Promise<Broker> {
  listener = await startAmqpServer({ port: 0, host: '127.0.0.1' });
  listenerConnection = new AmqpConnection(`amqp://guest:guest@127.0.0.1:${listener.port}`, { connectionName: 'conformance-on-listener' });
  await listenerConnection.start(5000);
  return new RabbitMqBroker(listenerConnection, { predict: () => null });
}

after(async () => {
  await listenerConnection?.close();
  await listener?.close();
});

const brokers: { label: string; make: (ctx: Mocha.Context) => Promise<Broker> }[] = [
  { label: 'embedded broker', make: async () => new EmbeddedBroker() },
  {
    label: 'RabbitMQ, a vhost per run (names exact)',
    make: async (ctx) => new RabbitMqBroker(await requireRabbit(ctx), { vhosts: await requireRunVhosts(ctx) }),
  },
  { label: 'RabbitMQ, a name prefix per run', make: async (ctx) => new RabbitMqBroker(await requireRabbit(ctx)) },
  { label: 'RabbitMQ adapter over the embedded broker’s AMQP listener', make: adapterOnListener },
];

for (const { label, make } of brokers) {
  describe(`conformance on the ${label}`, function () {
    let broker: Broker;
    before(async function () {
      this.timeout(10_000);
      broker = await make(this);
    });

    for (const file of files) {
      const cases: RunRequest[] = load('cases', file);
      const outcomes: (Recorded & { name?: string })[] = load('expected', file);
      describe(file, () => {
        cases.forEach((request, i) => {
          it(`${request.name ?? `case ${i}`} — as recorded on RabbitMQ 3.10.8`, async function () {
            this.timeout(15_000);
            assert.deepEqual(facts(await broker.run(request)), expected(outcomes[i]));
          });
        });
      });
    }

    it('has replayed all the recorded cases', () => {
      const total = files.reduce((n, f) => n + load('cases', f).length, 0);
      assert.ok(total >= 196, `expected at least 196 recorded cases, found ${total}`);
    });
  });
}
