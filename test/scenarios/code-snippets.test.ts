// The code shown on each scenario page is run for real: the pika program with
// Debian's python3-pika, the amqplib program with tsx, both against RabbitMQ,
// and what they print must match the scenario's expectations. Names get a
// random prefix so that they never meet another user's Q1 on the shared broker;
// the programs delete what they declared (checked at the end).
import { translator } from '../../src/web/i18n/index.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { codeSnippets } from '../../src/scenarios/code-snippets.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import type { Scenario } from '../../src/scenarios/schema.js';
import { bodyOf } from '../../src/scenarios/code-snippets.js';
import { rabbitRequired, requireRabbit } from '../helpers/rabbitmq.js';
import type { AmqpConnection } from '../../src/broker/amqp-connection.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Inside the project, so that `import amqp from 'amqplib'` resolves; git-ignored.
const outDir = path.join(root, 'test-output', 'snippets');
const PYTHON = '/usr/bin/python3';

/** What the program must print, as groups of lines whose order within a group does not matter. */
function expectedOutput(scenario: Scenario, prefix: string): string[][] {
  if (scenario.kind === 'consumers') {
    return scenario.steps
      .map((step) => step.expect.deliveries.map((d) => `${d.message} → ${d.consumer}${d.redelivered ? ' (redelivered)' : ''}`))
      .filter((group) => group.length > 0);
  }
  const returned = scenario.steps
    .map((step) =>
      step.expect.returned ? [`returned: ${step.message.exchange === '' ? prefix : ''}${step.message.routing_key ?? ''}`] : [],
    )
    .filter((g) => g.length > 0);
  const last = scenario.steps.at(-1)!.expect.holds;
  const contents = scenario.definitions.queues.map((q) => {
    const steps =
      last?.[q.name]?.map((n) => n - 1) ?? scenario.steps.flatMap((step, k) => (step.expect.queues.includes(q.name) ? [k] : []));
    return [`${prefix}${q.name}: ${steps.map((k) => bodyOf(scenario.steps[k].message, k)).join(', ')}`];
  });
  return [...returned, ...contents];
}

function assertOutput(stdout: string, expected: string[][]): void {
  const lines = stdout.trimEnd().split('\n');
  const got: string[][] = [];
  let at = 0;
  for (const group of expected) {
    got.push([...lines.slice(at, at + group.length)].sort());
    at += group.length;
  }
  assert.deepEqual(
    got,
    expected.map((g) => [...g].sort()),
  );
  assert.equal(lines.length, at, `unexpected extra output: ${lines.slice(at).join(' | ')}`);
}

describe('the code snippets of the scenario pages', function () {
  this.timeout(60_000);
  const scenarios = loadScenarios();
  const base = `xtp.snippet-${process.pid}-${Date.now()}.`;
  // Per language and scenario: the amqplib programs run side by side, and two scenarios both have a queue "tasks".
  const prefixOf = (lang: 'py' | 'ts', s: Scenario) => `${base}${lang}.${s.id}.`;
  let connection: AmqpConnection;

  before(async function () {
    connection = await requireRabbit(this);
    mkdirSync(outDir, { recursive: true });
  });
  after(async () => {
    rmSync(outDir, { recursive: true, force: true });
    if (!connection) return;
    // Only matters when a program failed midway; deleting a missing queue or exchange is not an error.
    const channel = await connection.createChannel();
    for (const s of scenarios) {
      for (const lang of ['py', 'ts'] as const) {
        for (const q of s.definitions.queues) await channel.deleteQueue(prefixOf(lang, s) + q.name);
        for (const x of s.definitions.exchanges ?? []) await channel.deleteExchange(prefixOf(lang, s) + x.name);
      }
    }
    await channel.close();
  });

  for (const scenario of scenarios) {
    it(`pika: the ${scenario.id} program prints what the scenario expects`, async function () {
      if (!existsSync(PYTHON)) {
        if (rabbitRequired) throw new Error(`${PYTHON} (with python3-pika) is required in CI`);
        this.skip();
      }
      const file = path.join(outDir, `${scenario.id.replace(/-/g, '_')}.py`);
      const prefix = prefixOf('py', scenario);
      writeFileSync(file, codeSnippets(scenario, { prefix, lang: 'en', t: translator('en') }).python);
      const { stdout } = await run(PYTHON, [file], { timeout: 20_000 });
      assertOutput(stdout, expectedOutput(scenario, prefix));
    });
  }

  it('amqplib: every program prints what its scenario expects', async () => {
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    // Three at a time: each tsx start costs about a second of CPU.
    const queue = [...scenarios];
    const failures: string[] = [];
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let s = queue.shift(); s; s = queue.shift()) {
          const file = path.join(outDir, `${s.id}.mts`);
          const prefix = prefixOf('ts', s);
          writeFileSync(file, codeSnippets(s, { prefix, lang: 'en', t: translator('en') }).typescript);
          try {
            const { stdout } = await run(tsx, [file], { timeout: 30_000, cwd: root });
            assertOutput(stdout, expectedOutput(s, prefix));
          } catch (err) {
            failures.push(`${s.id}: ${(err as Error).message}`);
          }
        }
      }),
    );
    assert.deepEqual(failures, []);
  });

  it('the programs delete every queue they declared', async () => {
    const names = scenarios.flatMap((s) =>
      (['py', 'ts'] as const).flatMap((lang) => s.definitions.queues.map((q) => prefixOf(lang, s) + q.name)),
    );
    const left = await Promise.all(
      names.map(async (name) => {
        const channel = await connection.createChannel();
        // A passive declare of a deleted queue fails with 404 (and closes the channel).
        const found = await channel.checkQueue(name).then(
          () => true,
          () => false,
        );
        if (found) await channel.close();
        return found ? [name] : [];
      }),
    );
    assert.deepEqual(left.flat(), []);
  });
});
