// `npm run bench`: every benchmark, one table, and bench/results/latest.json.
//   npm run bench                       all of them (≈ 2–3 minutes)
//   npm run bench -- --only=routing,chat
//   npm run bench -- --quick            tiny sizes (what the smoke test runs)
// AMQP_URL / CLOUDAMQP_URL choose the RabbitMQ, CHROMIUM_PATH the browser.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchApiRun } from './api-run.js';
import { benchChat } from './chat.js';
import { benchClass } from './class.js';
import { benchListener } from './listener.js';
import { benchLive } from './live.js';
import { AMQP_URL } from './lib/amqp-url.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { notRun, type Row } from './lib/result.js';
import { renderTable } from './lib/table.js';
import { benchPageWeight } from './page-weight.js';
import { benchRouting } from './routing.js';

const BENCHMARKS: Record<string, (quick: boolean) => Row[] | Promise<Row[]>> = {
  routing: (quick) => benchRouting({ quick }),
  'api-run': (quick) => benchApiRun({ quick }),
  chat: (quick) => benchChat({ quick }),
  page: (quick) => benchPageWeight({ quick }),
  live: (quick) => benchLive({ quick }),
  class: (quick) => benchClass({ quick }),
  listener: (quick) => benchListener({ quick }),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const unknown = (only ?? []).filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);

  const machine = await machineInfo(AMQP_URL);
  console.log(describeMachine(machine));
  const started = Date.now();
  const rows: Row[] = [];
  const durations: Record<string, number> = {};
  for (const [name, bench] of Object.entries(BENCHMARKS)) {
    if (only && !only.includes(name)) continue;
    const t = Date.now();
    process.stderr.write(`running ${name}…\n`);
    try {
      rows.push(...(await bench(quick)));
    } catch (err) {
      rows.push(notRun(name, '', (err as Error).message));
    }
    durations[name] = (Date.now() - t) / 1000;
  }
  const seconds = (Date.now() - started) / 1000;

  console.log(`\n${renderTable(rows)}\n`);
  const busiest = Math.max(machine.loadAverage[0] ?? 0, os.loadavg()[0] ?? 0);
  if (busiest > machine.cores) {
    console.log(
      `note: the machine was busy (load average up to ${busiest.toFixed(1)} on ${machine.cores} cores): other processes shared the CPU, so figures are noisy; ratios, measured side by side, are steadier than absolute figures.`,
    );
  }
  console.log(
    `${seconds.toFixed(0)} s (${Object.entries(durations)
      .map(([n, s]) => `${n} ${s.toFixed(0)} s`)
      .join(', ')}); load average now ${loadNow()}`,
  );

  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  writeFileSync(file, `${JSON.stringify({ machine, quick, seconds, durations, rows }, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

/** Read again at the end: a busy neighbour during the run shows here. */
function loadNow(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
