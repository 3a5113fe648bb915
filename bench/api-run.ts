// Benchmark 2: POST /api/run latency for the tutorial scenarios, on the
// embedded broker and on RabbitMQ, each beside its floor in the same run:
// - embedded: GET /healthz on the same server and socket (the HTTP floor:
//   what Express, helmet and the socket cost before any routing);
// - RabbitMQ: a plain amqplib script doing the same declare, bind, publish
//   with confirms, get and delete directly (lib/amqp-floor.ts).
// The brokers are built by selectBroker, as src/server.ts builds them.
import { readConfig } from '../src/config.js';
import { selectBroker } from '../src/broker/select-broker.js';
import type { Broker } from '../src/broker/broker.js';
import { createApp } from '../src/web/app.js';
import { AmqpFloor } from './lib/amqp-floor.js';
import { AMQP_URL, benchPrefix } from './lib/amqp-url.js';
import { KeepAliveClient } from './lib/http-client.js';
import { listen } from './lib/listen.js';
import { notRun, ratioOf, type Row } from './lib/result.js';
import { summarize } from '../tools/stats.js';
import { compareLatency } from '../tools/timing.js';
import { tutorialRuns, TUTORIAL_SCENARIOS } from './lib/tutorial-runs.js';

export interface ApiRunOptions {
  /** Tiny sizes for the smoke test. */
  quick?: boolean;
  amqpUrl?: string;
}

const EMBEDDED_GOAL = '≤ 2 ms';
const RABBIT_GOAL = '≤ 1.3× floor';

export async function benchApiRun(options: ApiRunOptions = {}): Promise<Row[]> {
  const amqpUrl = options.amqpUrl ?? AMQP_URL;
  const runs = tutorialRuns();
  const which = `${TUTORIAL_SCENARIOS.join(', ')}`;
  const rows: Row[] = [];

  rows.push(...(await embedded(runs, which, options.quick ?? false)));
  // Both ways runs are kept apart on RabbitMQ (RUN_ISOLATION): a vhost each, and a name prefix each.
  for (const isolation of ['vhost', 'prefix'] as const)
    rows.push(...(await rabbitmq(runs, which, amqpUrl, options.quick ?? false, isolation)));
  return rows;
}

type Runs = ReturnType<typeof tutorialRuns>;

/** "fanout 1.10 / direct 1.32 / topic 1.61 ms": sample i ran scenario i mod n. */
function perScenario(runs: Runs, samples: number[], floor?: number[]): string {
  const p50 = (values: number[], k: number) => summarize(values.filter((_, i) => i % runs.length === k)).p50.toFixed(2);
  const of = (values: number[]) => runs.map((r, k) => `${r.id} ${p50(values, k)}`).join(' / ');
  return `p50 per scenario: ${of(samples)} ms${floor ? `; floor: ${of(floor)} ms` : ''}`;
}

/** The app as the server builds it, with the rate limit out of the way (one client sends every sample). */
async function serve(broker: Broker) {
  const app = createApp({ broker, rateLimit: { perSecond: 1e9, burst: 1e9 } });
  const listening = await listen(app);
  return { listening, client: new KeepAliveClient(listening.url) };
}

async function postRun(client: KeepAliveClient, body: unknown): Promise<void> {
  const answer = await client.request('POST', '/api/run', body);
  if (answer.status !== 200) throw new Error(`POST /api/run answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const outcome = JSON.parse(answer.body) as { setup_error?: unknown; queues?: unknown };
  if (outcome.setup_error !== null || typeof outcome.queues !== 'object') {
    throw new Error(`POST /api/run did not run the scenario: ${answer.body.slice(0, 300)}`);
  }
}

async function embedded(runs: Runs, which: string, quick: boolean): Promise<Row[]> {
  const name = `POST /api/run, embedded (${which})`;
  const { broker } = await selectBroker(readConfig({ BROKER: 'embedded' }));
  const { listening, client } = await serve(broker);
  try {
    await postRun(client, runs[0].request);
    const samples = await compareLatency(
      {
        run: (i) => postRun(client, runs[i % runs.length].request),
        floor: async () => {
          const a = await client.request('GET', '/healthz');
          if (a.status !== 200) throw new Error(`GET /healthz answered ${a.status}`);
        },
      },
      quick ? 1 : 100,
      quick ? 3 : 600,
    );
    const run = summarize(samples.run);
    const floor = summarize(samples.floor);
    return [
      {
        benchmark: `${name} p50`,
        figure: { value: run.p50, unit: 'ms' },
        baseline: { value: floor.p50, unit: 'ms', label: 'GET /healthz, same socket' },
        ratio: ratioOf(run.p50, floor.p50),
        goal: EMBEDDED_GOAL,
        met: run.p50 <= 2,
        note: perScenario(runs, samples.run),
      },
      {
        benchmark: `${name} p99`,
        figure: { value: run.p99, unit: 'ms' },
        baseline: { value: floor.p99, unit: 'ms', label: 'GET /healthz, same socket' },
        ratio: ratioOf(run.p99, floor.p99),
        goal: '',
        met: null,
      },
    ];
  } catch (err) {
    return [notRun(`${name} p50`, EMBEDDED_GOAL, (err as Error).message)];
  } finally {
    client.close();
    await listening.close();
    await broker.close();
  }
}

async function rabbitmq(runs: Runs, which: string, amqpUrl: string, quick: boolean, isolation: 'vhost' | 'prefix'): Promise<Row[]> {
  const name = `POST /api/run, RabbitMQ, a ${isolation === 'vhost' ? 'vhost' : 'name prefix'} per run (${which})`;
  let selected: Awaited<ReturnType<typeof selectBroker>>;
  try {
    selected = await selectBroker(readConfig({ BROKER: 'rabbitmq', AMQP_URL: amqpUrl, RUN_ISOLATION: isolation }));
  } catch (err) {
    return [notRun(`${name} p50`, RABBIT_GOAL, (err as Error).message)];
  }
  const { broker } = selected;
  const { listening, client } = await serve(broker);
  const floor = await AmqpFloor.open(amqpUrl, benchPrefix());
  try {
    await postRun(client, runs[0].request);
    const samples = await compareLatency(
      {
        run: (i) => postRun(client, runs[i % runs.length].request),
        floor: (i) => floor.run(runs[i % runs.length].request),
      },
      quick ? 1 : 20,
      quick ? 3 : 150,
    );
    const run = summarize(samples.run);
    const base = summarize(samples.floor);
    const ratio = ratioOf(run.p50, base.p50);
    return [
      {
        benchmark: `${name} p50`,
        figure: { value: run.p50, unit: 'ms' },
        baseline: { value: base.p50, unit: 'ms', label: 'plain amqplib script' },
        ratio,
        goal: RABBIT_GOAL,
        met: ratio !== null && ratio <= 1.3,
        note: perScenario(runs, samples.run, samples.floor),
      },
      {
        benchmark: `${name} p99`,
        figure: { value: run.p99, unit: 'ms' },
        baseline: { value: base.p99, unit: 'ms', label: 'plain amqplib script' },
        ratio: ratioOf(run.p99, base.p99),
        goal: '',
        met: null,
      },
    ];
  } catch (err) {
    return [notRun(`${name} p50`, RABBIT_GOAL, (err as Error).message)];
  } finally {
    client.close();
    await listening.close();
    await floor.close();
    await broker.close();
  }
}
