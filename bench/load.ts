// `npm run load`: a class on one server and one RabbitMQ — 60 simulated
// students for 60 s, each with a scenario tab stepping and a chat tab sending
// (test/classroom/load/). Prints chat delivery and scenario-play latencies,
// the server's peak memory, errors, lost and duplicated messages, and what
// the server left on RabbitMQ. Exits 1 if anything went wrong.
//   npm run load
//   npm run load -- --students=20 --seconds=8
//   npm run load -- --one-address   every student from 127.0.0.1, as a class
//                                   behind one NAT address (the server's rate
//                                   limit is then raised, as the README says)
//   npm run load -- --class         a class instead: 200 simulated students and
//                                   20 Chromium student pages follow a teacher,
//                                   on both brokers, and a crash of the server
//                                   mid-answers on RabbitMQ (bench/class.ts)
// AMQP_URL / CLOUDAMQP_URL choose the RabbitMQ.
import os from 'node:os';
import { AMQP_URL } from './lib/amqp-url.js';
import { formatReport } from '../tools/classroom-load/report.js';
import { loadRun } from '../tools/classroom-load/load-run.js';
import { MAX_IDLE_CHANNELS } from '../tools/classroom-load/after-class.js';
import { benchClass } from './class.js';
import { renderTable } from './lib/table.js';

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!arg) return fallback;
  const n = Number(arg.slice(name.length + 3));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

async function main(): Promise<void> {
  if (process.argv.includes('--class')) return classLoad();
  const students = option('students', 60);
  const seconds = option('seconds', 60);
  const oneAddress = process.argv.includes('--one-address');
  console.log(
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, Node ${process.version}`,
  );
  console.log(
    `${students} students, ${seconds} s, ${oneAddress ? 'all from 127.0.0.1 (one NAT address)' : 'one loopback address each'}, on ${AMQP_URL.replace(/:[^:@/]*@/, ':***@')}`,
  );
  const result = await loadRun({
    amqpUrl: AMQP_URL,
    students,
    durationMs: seconds * 1000,
    chatEveryMs: option('chat-every-ms', 3000),
    stepEveryMs: option('step-every-ms', 1000),
    oneAddress,
    // One address for the class: 2 chat messages and ~1 play a second per 3 students need room.
    ...(oneAddress && { rateLimit: { perSecond: students * 2, burst: students * 4 } }),
    log: (line) => console.log(line),
  });
  console.log(formatReport(result.report));
  const idle = result.idle;
  console.log(
    `on RabbitMQ with the server idle: ${idle.connections.length} connection, ${idle.channels.length} channels (at most ${MAX_IDLE_CHANNELS} idle intended), ` +
      `${idle.channels.reduce((n, c) => n + c.consumers, 0)} consumers, ${idle.channels.reduce((n, c) => n + c.unacked, 0)} unacked; ` +
      `queues ${JSON.stringify(summarizeNames(result.queues, result.tag))}, exchanges ${JSON.stringify(result.exchanges)} in vhost ${result.vhost} (deleted now)`,
  );
  console.log(
    `after SIGTERM: exit code ${result.exitCode}, connections left ${result.stopped.connections.length}, channels left ${result.stopped.channels.length}`,
  );
  if (result.serverErrors.length) console.log(`server error log:\n  ${result.serverErrors.slice(0, 10).join('\n  ')}`);
  const r = result.report;
  const ok =
    r.errors.total === 0 &&
    r.chat.lost === 0 &&
    r.chat.duplicated === 0 &&
    r.chat.unexpected === 0 &&
    result.queues.every((q) => q.startsWith(`chat.${result.tag}s`)) &&
    result.exchanges.every((x) => x === 'chat') &&
    result.health.before === 200 &&
    result.health.after === 200 &&
    result.stopped.connections.length === 0 &&
    result.exitCode === 0 &&
    result.serverErrors.length === 0;
  console.log(ok ? 'OK' : 'FAILED');
  process.exitCode = ok ? 0 : 1;
}

/** The class at class size: the same run as `npm run bench -- --only=class`, failing when a goal is missed. */
async function classLoad(): Promise<void> {
  const rows = await benchClass();
  console.log(renderTable(rows));
  for (const row of rows) if (row.note) console.log(`- ${row.benchmark}: ${row.note}`);
  const ok = rows.every((row) => row.met === true);
  console.log(ok ? 'OK' : 'FAILED');
  process.exitCode = ok ? 0 : 1;
}

/** chat.<tag>s0 … chat.<tag>s59 as "60 × chat.<tag>s<i>", anything else by name. */
function summarizeNames(queues: string[], tag: string): string[] {
  const inboxes = queues.filter((q) => q.startsWith(`chat.${tag}s`));
  return [
    ...(inboxes.length ? [`${inboxes.length} × chat.${tag}s<i> (student inboxes: durable, x-expires 24 h, intended)`] : []),
    ...queues.filter((q) => !inboxes.includes(q)),
  ];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
