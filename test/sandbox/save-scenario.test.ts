// Save as scenario: the file has the exact format of scenarios/*.json (the
// loader reads it back), one step per message, and the expectations are what
// the broker did — so the replay passes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { SandboxInputError } from '../../src/sandbox/import-error.js';
import { normalizeState, type SandboxState } from '../../src/sandbox/sandbox-state.js';
import { saveAsScenario, slugify } from '../../src/sandbox/save-scenario.js';
import { routingProblems } from '../../src/scenarios/expectations.js';
import { loadScenarioFile } from '../../src/scenarios/load-scenarios.js';
import { playRoutingScenario } from '../../src/scenarios/play-routing.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { TUTORIAL_KEYS, tutorialState } from './tutorial.js';

const broker = new EmbeddedBroker();

async function refused(state: SandboxState, title = 'T'): Promise<SandboxInputError> {
  try {
    await saveAsScenario(broker, state, { title });
  } catch (err) {
    assert.ok(err instanceof SandboxInputError, String(err));
    return err;
  }
  assert.fail('saved');
}

describe('saving the sandbox as a scenario', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'sandbox-scenario-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a file the scenario loader accepts, one step per message with the broker’s outcome', async () => {
    const saved = await saveAsScenario(broker, tutorialState(), { title: 'Topic: my animals', description: 'Tutorial 5 by hand' });
    assert.equal(saved.filename, 'topic-my-animals.json');
    assert.equal(saved.replaces_existing, false);
    const file = path.join(dir, saved.filename);
    writeFileSync(file, JSON.stringify(saved.scenario, null, 2));
    const loaded = loadScenarioFile(file);
    assert.equal(loaded.kind, 'routing');
    assert.deepEqual(loaded.title, { en: 'Topic: my animals', fr: 'Topic: my animals' });
    assert.deepEqual(
      saved.scenario.steps.map((s) => [s.message.routing_key, s.expect.queues]),
      TUTORIAL_KEYS,
    );
    assert.deepEqual(saved.scenario.definitions.exchanges, [{ name: 'topic_logs', type: 'topic' }]);
  });

  it('narrates each step in English and French', async () => {
    const { scenario } = await saveAsScenario(broker, tutorialState(), { title: 'x' });
    assert.equal(scenario.steps[0].narration.en, 'Published to "topic_logs" with routing key "quick.orange.rabbit": delivered to Q1, Q2.');
    assert.equal(
      scenario.steps[5].narration.fr,
      'Publié sur "topic_logs" avec la clé de routage « quick.brown.fox » : aucune file ne le reçoit : il est jeté.',
    );
  });

  it('replays without a problem', async () => {
    const { scenario } = await saveAsScenario(broker, tutorialState(), { title: 'x' });
    assert.deepEqual(routingProblems(scenario, await playRoutingScenario(broker, scenario)), []);
  });

  it('records returns and, when queues can drop messages, what each queue holds after each step', async () => {
    const state = normalizeState({
      topology: {
        exchanges: [
          { name: 'in', type: 'direct' },
          { name: 'dlx', type: 'fanout' },
        ],
        queues: [{ name: 'short', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'dlx' } }, { name: 'dead' }],
        bindings: [
          { source: 'in', destination: 'short', routing_key: 'k' },
          { source: 'dlx', destination: 'dead' },
        ],
      },
      messages: [
        { exchange: 'in', routing_key: 'k' },
        { exchange: 'in', routing_key: 'k' },
        { exchange: 'in', routing_key: 'nope', mandatory: true },
      ],
    });
    const { scenario } = await saveAsScenario(broker, state, { title: 'overflow' });
    assert.deepEqual(
      scenario.steps.map((s) => s.expect),
      [
        { queues: ['short'], holds: { short: [1], dead: [] } },
        { queues: ['short'], holds: { short: [2], dead: [1] } },
        { queues: [], returned: true, holds: { short: [2], dead: [1] } },
      ],
    );
    assert.deepEqual(routingProblems(scenario, await playRoutingScenario(broker, scenario)), []);
  });

  it('declares the predeclared exchanges it uses, as the loader wants every exchange named', async () => {
    const state = normalizeState({
      topology: { queues: [{ name: 'payments' }], bindings: [{ source: 'amq.topic', destination: 'payments', routing_key: 'payment.#' }] },
      messages: [
        { exchange: 'amq.topic', routing_key: 'payment.card' },
        { exchange: 'amq.topic', routing_key: 'refund' },
      ],
    });
    const { scenario } = await saveAsScenario(broker, state, { title: 'amq.topic' });
    assert.deepEqual(scenario.definitions.exchanges, [{ name: 'amq.topic', type: 'topic', durable: true }]);
    assert.deepEqual(
      scenario.steps.map((s) => s.expect.queues),
      [['payments'], []],
    );
    assert.deepEqual(routingProblems(scenario, await playRoutingScenario(broker, scenario)), []);
  });

  it('uses the id given, and says when it is a built-in scenario’s', async () => {
    const saved = await saveAsScenario(broker, tutorialState(), { title: 'x', id: 'topic' });
    assert.equal(saved.filename, 'topic.json');
    assert.equal(saved.replaces_existing, true);
  });

  describe('refuses, naming what a scenario file cannot hold', () => {
    it('no message', async () => {
      const err = await refused({ ...tutorialState(), messages: [] });
      assert.equal(err.path, 'messages');
    });

    it('no queue', async () => {
      const state = normalizeState({ topology: { exchanges: [{ name: 'x', type: 'fanout' }] }, messages: [{ exchange: 'x' }] });
      const err = await refused(state);
      assert.equal(err.path, 'topology.queues');
      assert.match(err.message, /topology\.queues must have at least 1 entry/);
    });

    it('an exchange type other than the four', async () => {
      const state = tutorialState();
      state.topology.exchanges[0].type = 'x-delayed-message';
      const err = await refused(state);
      assert.equal(err.path, 'topology.exchanges[0].type');
    });

    it('a message to an exchange that is not declared', async () => {
      const state = tutorialState();
      state.messages[2].exchange = 'nowhere';
      const err = await refused(state);
      assert.equal(err.path, 'messages[2].exchange');
      assert.match(err.message, /no exchange "nowhere" is declared/);
    });

    it('a message to an internal exchange', async () => {
      const state = tutorialState();
      state.topology.exchanges[0].internal = true;
      const err = await refused(state);
      assert.equal(err.path, 'messages[0].exchange');
      assert.match(err.message, /is internal/);
    });

    it('a topology the broker refuses, in the broker’s words', async () => {
      const state = tutorialState();
      state.topology.exchanges.push({
        name: 'amq.mine',
        type: 'direct',
        durable: false,
        auto_delete: false,
        internal: false,
        arguments: {},
      });
      const err = await refused(state);
      assert.match(err.message, /ACCESS_REFUSED - exchange name 'amq\.mine' contains reserved prefix 'amq\.\*'/);
    });

    it('an id that is not a file name', async () => {
      const err = await saveAsScenario(broker, tutorialState(), { title: 'x', id: '../etc/passwd' }).catch((e) => e);
      assert.ok(err instanceof SandboxInputError);
      assert.equal(err.path, 'id');
    });
  });

  it('makes file names from titles', () => {
    assert.equal(slugify('Échange « topic » : 2 files!'), 'echange-topic-2-files');
    assert.equal(slugify('***'), 'sandbox');
  });
});

describe('a scenario saved from the sandbox, on a real RabbitMQ', function () {
  this.timeout(30_000);
  let rabbit: RabbitMqBroker;
  before(async function () {
    rabbit = new RabbitMqBroker(await requireRabbit(this));
  });

  it('is saved with what RabbitMQ did, and replays there without a problem', async () => {
    const state = tutorialState();
    state.topology.bindings.push({ source: 'amq.topic', destination: 'Q1', destination_type: 'queue', routing_key: '#', arguments: {} });
    state.messages.push({ exchange: 'amq.topic', routing_key: 'any.thing', properties: { headers: {} }, payload: '', mandatory: false });
    const { scenario } = await saveAsScenario(rabbit, state, { title: 'on rabbitmq' });
    assert.deepEqual(
      scenario.steps.map((s) => [s.message.routing_key, s.expect.queues]),
      [...TUTORIAL_KEYS, ['any.thing', ['Q1']]],
    );
    assert.deepEqual(routingProblems(scenario, await playRoutingScenario(rabbit, scenario)), []);
  });
});
