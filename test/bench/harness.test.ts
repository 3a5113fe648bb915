// The benchmark harness's arithmetic and printing (bench/lib): percentiles
// are nearest-rank, the table has one line per row and says what was not run.
import assert from 'node:assert/strict';
import { notRun, type Row } from '../../bench/lib/result.js';
import { percentile, summarize } from '../../tools/stats.js';
import { renderTable } from '../../bench/lib/table.js';
import { compareThroughput } from '../../tools/timing.js';

describe('bench harness', () => {
  it('takes nearest-rank percentiles: an observed sample, never an interpolation', () => {
    const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(oneToHundred, 50), 50);
    assert.equal(percentile(oneToHundred, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.deepEqual(summarize([3, 1, 2]), { samples: 3, p50: 2, p99: 3, mean: 2, max: 3 });
  });

  it('prints one line per row, with the ratio, the goal and whether it was met', () => {
    const row: Row = {
      benchmark: 'routing: example',
      figure: { value: 2_500_000, unit: 'routes/s' },
      baseline: { value: 500_000, unit: 'routes/s', label: 'regex per binding' },
      ratio: 5,
      goal: '≥ 1,000,000 routes/s',
      met: true,
    };
    const table = renderTable([row, notRun('chat', '≤ 150 MB', 'RabbitMQ unreachable')]).split('\n');
    assert.match(table[0], /benchmark .*figure .*baseline .*ratio .*goal .*met\?/);
    assert.match(
      table[2],
      /routing: example \| 2\.50 M routes\/s \| 500 k routes\/s \(regex per binding\) \| 5\.00× \| ≥ 1,000,000 routes\/s \| yes/,
    );
    assert.match(table[3], /chat .*\| — .*\| ≤ 150 MB .*\| — /);
    assert.ok(table.some((line) => line === '- chat: not run: RabbitMQ unreachable'));
  });

  it('measures tasks side by side and answers a rate for each', () => {
    let a = 0;
    let b = 0;
    const rates = compareThroughput({ a: () => a++, b: () => (b += 2) }, { warmupMs: 1, batches: 2, batchMs: 1 });
    assert.deepEqual(Object.keys(rates), ['a', 'b']);
    for (const rate of [rates.a, rates.b])
      assert.ok(rate.cpu > 0 && Number.isFinite(rate.cpu) && rate.wall > 0 && Number.isFinite(rate.wall));
    assert.ok(a > 0 && b > 0);
  });
});
