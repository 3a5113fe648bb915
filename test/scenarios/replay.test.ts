// Every scenario's expectations, replayed on both brokers (and with the
// RabbitMQ adapter over the embedded broker's AMQP listener): the step tables
// in scenarios/*.json are the lesson AND the test (RabbitMQ's routing_SUITE
// keeps such {RoutingKey, ExpectedQueues} tables).
import assert from 'node:assert/strict';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { run } from '../../src/engine/run.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';
import type { Broker } from '../../src/broker/broker.js';
import { consumerProblems, routingProblems } from '../../src/scenarios/expectations.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { localizeScenario } from '../../src/scenarios/localize.js';
import { playConsumersOverAmqp } from '../../src/scenarios/play-consumers-amqp.js';
import { playScenario } from '../../src/scenarios/play-scenario.js';
import { listenerConnection } from '../helpers/listener.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

const scenarios = loadScenarios();

function replayAll(label: string, services: () => { broker: Broker; connection: AmqpConnection }) {
  // In English, and — with their French bodies ("tâche 1"), which name the messages the consumers ack — the
  // consumer scenarios in French, as a French page plays them.
  const french = scenarios.filter((s) => s.kind === 'consumers').map((s) => ({ ...localizeScenario(s, 'fr'), id: `${s.id} (fr)` }));
  for (const scenario of [...scenarios, ...french]) {
    it(`${label}: plays ${scenario.id} step by step as the file expects (${scenario.steps.length} steps)`, async () => {
      const play = await playScenario(scenario, services());
      const problems =
        play.kind === 'routing' && scenario.kind === 'routing'
          ? routingProblems(scenario, play)
          : play.kind === 'consumers' && scenario.kind === 'consumers'
            ? consumerProblems(scenario, play)
            : ['wrong kind of play'];
      assert.deepEqual(problems, []);
      assert.equal(play.steps.length, scenario.steps.length);
      if (play.kind === 'routing') {
        // Every step can be explained, and the engine agrees with the broker.
        assert.ok(
          play.steps.every((s) => s.trace !== null),
          'a step has no trace',
        );
        assert.deepEqual(
          play.steps.map((s) => s.prediction_mismatch),
          play.steps.map(() => false),
        );
      }
    });
  }
}

describe('scenario replay', () => {
  describe('on the embedded broker', () => {
    // As `npm start` runs it: routing through the engine, consumers over the broker's own AMQP port.
    const broker = new EmbeddedBroker();
    let connection: AmqpConnection;
    before(async () => {
      connection = await listenerConnection();
    });
    replayAll('embedded', () => ({ broker, connection }));
  });

  describe('on RabbitMQ', function () {
    let connection: AmqpConnection;
    let broker: RabbitMqBroker;
    before(async function () {
      connection = await requireRabbit(this);
      // The engine predicts beside the broker, as on the server: its traces explain the page.
      broker = new RabbitMqBroker(connection, { predict: run });
    });
    replayAll('RabbitMQ', () => ({ broker, connection }));

    it('deletes every queue a consumer scenario declared', async () => {
      const scenario = scenarios.find((s) => s.kind === 'consumers')!;
      assert.equal(scenario.kind, 'consumers');
      const prefix = `xtp.scenario-test-${Date.now()}.`;
      const play = await playConsumersOverAmqp(connection, scenario, { broker: 'rabbitmq', prefix });
      assert.equal(play.error, null);
      for (const q of scenario.definitions.queues) {
        const channel = await connection.createChannel();
        // A passive declare of a deleted queue fails with 404 (and closes the channel).
        await assert.rejects(channel.checkQueue(prefix + q.name), /404/);
        await channel.close().catch(() => {});
      }
    });
  });

  describe('with the RabbitMQ adapter over the embedded broker’s AMQP listener', () => {
    let server: AmqpServer;
    let connection: AmqpConnection;
    let broker: RabbitMqBroker;
    before(async () => {
      // Real consumers over the wire (timing as on RabbitMQ: the listener's clock runs on the wall clock).
      server = await startAmqpServer({ port: 0, host: '127.0.0.1' });
      connection = new AmqpConnection(`amqp://guest:guest@127.0.0.1:${server.port}`, { connectionName: 'replay-on-listener' });
      await connection.start(5000);
      broker = new RabbitMqBroker(connection, { predict: run });
    });
    after(async () => {
      await connection?.close();
      await server?.close();
    });
    replayAll('listener', () => ({ broker, connection }));
  });
});
