// Every benchmark function runs on a tiny size, so the benchmarks cannot rot
// as the code they measure changes. NOTHING here asserts on timings: a
// benchmark on a shared machine is not a timed test. What is asserted: each
// benchmark produced its rows with real (finite, positive) figures, its
// baseline agreed with the engine, and it left nothing on RabbitMQ.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { benchApiRun } from '../../bench/api-run.js';
import { benchChat } from '../../bench/chat.js';
import { benchClass } from '../../bench/class.js';
import { benchListener } from '../../bench/listener.js';
import { CHROMIUM } from '../../tools/chromium.js';
import type { Row } from '../../bench/lib/result.js';
import { benchPageWeight } from '../../bench/page-weight.js';
import { benchRouting } from '../../bench/routing.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { listNames } from '../../tools/rabbitmqctl.js';

function assertMeasured(rows: Row[], count: number): void {
  assert.equal(rows.length, count, rows.map((r) => `${r.benchmark}: ${r.note ?? ''}`).join('\n'));
  for (const row of rows) {
    assert.ok(!row.note?.startsWith('not run'), `${row.benchmark}: ${row.note}`);
    // Memory above idle may not grow at all on tiny sizes (0 MB); everything else is a positive figure.
    const least = row.figure.unit === 'MB' ? 0 : Number.MIN_VALUE;
    assert.ok(Number.isFinite(row.figure.value) && row.figure.value >= least, `${row.benchmark}: figure ${row.figure.value}`);
    assert.ok(row.baseline && Number.isFinite(row.baseline.value) && row.baseline.value >= least, `${row.benchmark}: baseline`);
  }
}

/** Queues and exchanges whose name starts with one of the prefixes. */
async function leftovers(...prefixes: string[]): Promise<string[]> {
  const names = [...(await listNames('queues')), ...(await listNames('exchanges'))];
  return names.filter((n) => prefixes.some((p) => n.startsWith(p)));
}

describe('benchmarks (smoke: tiny sizes, no timing asserted)', function () {
  this.timeout(60_000);

  it('routing: measures the engine beside the regex baseline, which routes alike', () => {
    const rows = benchRouting({ quick: true, sizes: [10, 100] });
    assertMeasured(rows, 4);
    for (const row of rows) assert.ok(!row.note?.includes('disagree'), row.note);
  });

  describe('on RabbitMQ', () => {
    before(async function () {
      await requireRabbit(this);
    });

    it('class: a class of students on both brokers, nothing lost (also across a crash of the server on RabbitMQ), and the class gone from RabbitMQ when it ends', async function () {
      if (!existsSync(CHROMIUM)) {
        if (process.env.CI === 'true' || process.env.REQUIRE_BROWSER === '1')
          throw new Error(`Chromium is required but missing at ${CHROMIUM}`);
        this.skip();
      }
      this.timeout(120_000);
      const before = new Set(await leftovers('xtp.class.'));
      const rows = await benchClass({ quick: true });
      assert.equal(rows.length, 9, rows.map((r) => `${r.benchmark}: ${r.note ?? ''}`).join('\n'));
      for (const row of rows) {
        assert.ok(!row.note?.startsWith('not run'), `${row.benchmark}: ${row.note}`);
        assert.ok(Number.isFinite(row.figure.value) && row.figure.value >= 0, `${row.benchmark}: figure ${row.figure.value}`);
      }
      for (const row of rows.filter((r) => r.benchmark.includes('lost'))) assert.equal(row.figure.value, 0, row.benchmark);
      assert.deepEqual(
        (await leftovers('xtp.class.')).filter((n) => !before.has(n)),
        [],
      );
    });

    it('listener: measures (a) to (c) beside RabbitMQ with the same client, and leaves nothing on RabbitMQ', async function () {
      this.timeout(120_000);
      const before = new Set(await leftovers('xtp.bench-listener.'));
      assertMeasured(await benchListener({ quick: true }), 7);
      assert.deepEqual(
        (await leftovers('xtp.bench-listener.')).filter((n) => !before.has(n)),
        [],
      );
    });

    it('POST /api/run: measures both brokers (RabbitMQ in both naming modes) beside their floors and deletes what the floor declared', async () => {
      const rows = await benchApiRun({ quick: true });
      // embedded, a vhost per run, a name prefix per run: p50 and p99 each
      assertMeasured(rows, 6);
      assert.deepEqual(await leftovers(`bench.${process.pid}.`), []);
    });

    it('chat: measures delivery and memory with simulated tabs and deletes their inboxes', async () => {
      const tag = `t${Math.random().toString(36).slice(2, 6)}`;
      const rows = await benchChat({ clientCounts: [2], samples: 2, tag });
      // idle RSS, p50, p99, RSS with the tabs
      assertMeasured(rows, 4);
      assert.deepEqual(await leftovers(`chat.b${tag}`, `bench.${process.pid}.`), []);
    });
  });

  it('page: weighs a scenario page and times its first render in Chromium', async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI === 'true' || process.env.REQUIRE_BROWSER === '1')
        throw new Error(`Chromium is required but missing at ${CHROMIUM}`);
      this.skip();
    }
    const rows = await benchPageWeight({ quick: true, brokers: ['embedded'] });
    assertMeasured(rows, 2);
  });
});
