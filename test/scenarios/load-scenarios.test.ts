import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadScenarioFile, loadScenarios, SCENARIO_DIR, ScenarioFileError } from '../../src/scenarios/load-scenarios.js';

describe('loading scenario files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'scenarios-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The direct scenario, changed by `edit`, written as <id>.json in a scratch folder. */
  function variant(edit: (s: any) => void, fileName = 'direct.json'): string {
    const s = JSON.parse(readFileSync(path.join(SCENARIO_DIR, 'direct.json'), 'utf8'));
    edit(s);
    const file = path.join(dir, fileName);
    writeFileSync(file, JSON.stringify(s));
    return file;
  }

  it('loads every scenario of the issue, ordered for the home page', () => {
    const ids = loadScenarios().map((s) => s.id);
    assert.deepEqual(ids, [
      'direct',
      'topic',
      'fanout',
      'headers',
      'default-exchange',
      'work-queue',
      'acknowledgements',
      'alternate-exchange',
      'dead-lettering',
      'exchange-to-exchange',
    ]);
  });

  it('steps through the ten tutorial keys of the topic scenario, lazy last', () => {
    const topic = loadScenarios().find((s) => s.id === 'topic')!;
    assert.equal(topic.kind, 'routing');
    if (topic.kind !== 'routing') return;
    assert.deepEqual(
      topic.steps.map((s) => s.message.routing_key),
      [
        'quick.orange.rabbit',
        'lazy.orange.elephant',
        'quick.orange.fox',
        'lazy.brown.fox',
        'lazy.pink.rabbit',
        'quick.brown.fox',
        'orange',
        'quick.orange.new.rabbit',
        'lazy.orange.new.rabbit',
        'lazy',
      ],
    );
  });

  it('accepts an unchanged copy of a scenario', () => {
    assert.equal(loadScenarioFile(variant(() => {})).id, 'direct');
  });

  it('rejects an expectation naming an undeclared queue, saying where', () => {
    const file = variant((s) => (s.steps[1].expect.queues = ['Q3']));
    assert.throws(
      () => loadScenarioFile(file),
      (err: Error) => {
        assert.ok(err instanceof ScenarioFileError);
        assert.match(err.message, /direct\.json: steps\[1\]\.expect\.queues: no queue "Q3" is declared/);
        return true;
      },
    );
  });

  it('rejects a binding from an undeclared exchange', () => {
    const file = variant((s) => (s.definitions.bindings[0].source = 'direct_log'));
    assert.throws(() => loadScenarioFile(file), /bindings\[0\]\.source: no exchange "direct_log"/);
  });

  it('rejects a step without its French narration, naming the field', () => {
    const file = variant((s) => delete s.steps[2].narration.fr);
    assert.throws(() => loadScenarioFile(file), /steps\[2\]\.narration\.fr/);
  });

  it('rejects an id that differs from the file name', () => {
    const file = variant((s) => (s.id = 'direct2'));
    assert.throws(() => loadScenarioFile(file), /id "direct2" differs from the file name/);
  });

  it('rejects a file that is not JSON', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"id": "broken",');
    assert.throws(() => loadScenarioFile(file), /broken\.json: not valid JSON/);
  });

  it('rejects a consumer scenario acking a message never published', () => {
    const s = JSON.parse(readFileSync(path.join(SCENARIO_DIR, 'acknowledgements.json'), 'utf8'));
    s.steps[2].actions[0].message = 'task 9';
    const file = path.join(dir, 'acknowledgements.json');
    writeFileSync(file, JSON.stringify(s));
    assert.throws(() => loadScenarioFile(file), /steps\[2\]\.actions\[0\]: message "task 9" was not published before/);
  });
});
