// Differential test: random runs (test/helpers/random-run.ts) on the
// EmbeddedBroker and on the real RabbitMQ must give the same queues, returns,
// publish errors and setup error code. On a difference fast-check shrinks the
// run and prints the smallest one it finds (replay: DIFF_SEED, DIFF_PATH).
// Each difference found so far is kept in test/differential-findings/ and
// replayed first.
//
// DIFF_RUNS sets the number of random runs (default 500).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { EmbeddedBroker } from '../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../src/broker/rabbitmq-broker.js';
import type { RunOutcome, RunRequest } from '../src/engine/types.js';
import { deadLetterOrderIsLoose, randomRun } from './helpers/random-run.js';
import { connected } from './helpers/connected.js';
import { requireRabbit, requireRunVhosts } from './helpers/rabbitmq.js';

const RUNS = Number(process.env.DIFF_RUNS ?? 500);
const findingsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'differential-findings');

interface Comparable {
  setup_error: number | null;
  queues?: Record<string, number[]>;
  returned?: number[];
  publish_errors?: Record<string, number>;
}

/** What both brokers must agree on; queue contents sorted when RabbitMQ's order is not deterministic. */
function comparable(outcome: RunOutcome, orderIsLoose: boolean): Comparable {
  if (outcome.setup_error) return { setup_error: outcome.setup_error.code };
  const queues = Object.fromEntries(
    Object.entries(outcome.queues ?? {}).map(([name, list]) => [name, orderIsLoose ? [...list].sort((a, b) => a - b) : list]),
  );
  return { setup_error: null, queues, returned: outcome.returned, publish_errors: outcome.publish_errors };
}

interface Finding {
  title: string;
  request: RunRequest;
}

function findings(): Finding[] {
  let files: string[];
  try {
    files = readdirSync(findingsDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return files.map((f) => {
    const finding = JSON.parse(readFileSync(path.join(findingsDir, f), 'utf8')) as Finding;
    return { ...finding, title: `${f}: ${finding.title}` };
  });
}

// Both ways runs are kept apart on RabbitMQ (RUN_ISOLATION): a vhost each, names exact; a name prefix each.
for (const isolation of ['vhost', 'prefix'] as const) {
  describe(`differential: EmbeddedBroker vs RabbitMQ on random runs (${isolation === 'vhost' ? 'a vhost per run' : 'a name prefix per run'})`, function () {
    this.timeout(120_000);
    const embedded = new EmbeddedBroker();
    let rabbit: RabbitMqBroker;
    before(async function () {
      // No engine prediction inside the RabbitMQ run: the embedded broker is compared on its own.
      this.timeout(20_000);
      const connection = await connected(await requireRabbit(this));
      const vhosts = isolation === 'vhost' ? await requireRunVhosts(this) : null;
      rabbit = new RabbitMqBroker(connection, { predict: () => null, vhosts });
    });

    async function both(request: RunRequest): Promise<{ embedded: Comparable; rabbitmq: Comparable }> {
      const loose = deadLetterOrderIsLoose(request);
      const [e, r] = await Promise.all([embedded.run(structuredClone(request)), rabbit.run(structuredClone(request))]);
      return { embedded: comparable(e, loose), rabbitmq: comparable(r, loose) };
    }

    describe('recorded findings', () => {
      for (const finding of findings()) {
        it(`agrees with RabbitMQ on ${finding.title}`, async () => {
          const { embedded: e, rabbitmq: r } = await both(finding.request);
          assert.deepEqual(e, r);
        });
      }
    });

    it(`agrees with RabbitMQ on ${RUNS} random runs`, async () => {
      await fc.assert(
        fc.asyncProperty(randomRun, async (request) => {
          const { embedded: e, rabbitmq: r } = await both(request);
          if (isDeepStrictEqual(e, r)) return;
          // Before blaming the engine: does RabbitMQ itself answer the same way
          // twice? Timing can reorder dead letters (see deadLetterOrderIsLoose).
          const loose = deadLetterOrderIsLoose(request);
          const replays = [
            comparable(await rabbit.run(structuredClone(request)), loose),
            comparable(await rabbit.run(structuredClone(request)), loose),
          ];
          if (replays.some((again) => isDeepStrictEqual(e, again))) {
            console.warn(
              `      RabbitMQ answered this run in more than one way; the engine's answer is one of them: ${JSON.stringify(request)}`,
            );
            return;
          }
          const unsteady = replays.some((again) => !isDeepStrictEqual(again, r));
          assert.deepEqual(
            e,
            r,
            `${unsteady ? `RabbitMQ itself answered differently on replays: ${JSON.stringify(replays)}\n` : ''}` +
              `embedded (actual) vs RabbitMQ (expected) for ${JSON.stringify(request)}`,
          );
        }),
        {
          numRuns: RUNS,
          seed: process.env.DIFF_SEED === undefined ? undefined : Number(process.env.DIFF_SEED),
          path: process.env.DIFF_PATH,
          endOnFailure: process.env.DIFF_NO_SHRINK === '1',
        },
      );
    });
  });
}
