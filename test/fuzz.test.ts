// Thousands of random and mutated bodies against the endpoints that take
// user input: never a 5xx, never a crash, never a hang. Each endpoint gets
// seeds (valid bodies) that are mutated; a failure prints (seed, index).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { EmbeddedBroker } from '../src/broker/embedded-broker.js';
import { createApp } from '../src/web/app.js';
import { brokenJson, mutate, prng, randomValue } from './helpers/fuzz.js';
import { conformanceDir } from './helpers/conformance.js';

const TOTAL = Number(process.env.FUZZ_BODIES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

interface Target {
  path: string;
  seeds: unknown[];
}

function targets(): Target[] {
  const dir = path.join(conformanceDir(), 'cases');
  const runSeeds = readdirSync(dir).flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown[]);
  return [{ path: '/api/run', seeds: runSeeds.slice(0, 60) }];
}

describe('fuzzing the endpoints that take user input', function () {
  this.timeout(300_000);
  let server: Server;
  let base: string;

  before(async () => {
    const app = createApp({ broker: new EmbeddedBroker(), rateLimit: { perSecond: 1e9, burst: 1e9 } });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server?.close());

  it(`answers ${TOTAL} random and mutated bodies without a 5xx or a hang`, async () => {
    const rand = prng(SEED);
    const all = targets();
    const statuses = new Map<number, number>();
    for (let i = 0; i < TOTAL; i++) {
      const target = all[i % all.length]!;
      const seed = target.seeds[Math.floor(rand() * target.seeds.length)];
      const r = rand();
      let body: string;
      if (r < 0.75) body = JSON.stringify(mutate(seed, rand));
      else if (r < 0.9) body = JSON.stringify(randomValue(rand));
      else body = brokenJson(rand, JSON.stringify(seed));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 10_000);
      let status: number;
      try {
        const res = await fetch(base + target.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: controller.signal,
        });
        status = res.status;
        const text = await res.text();
        if (status >= 400) {
          const parsed = JSON.parse(text);
          assert.equal(typeof parsed.error?.message, 'string', `error body without a message: ${text.slice(0, 200)}`);
        }
      } catch (err) {
        throw new Error(`body #${i} (seed ${SEED}) to ${target.path} failed: ${(err as Error).message}\n${body.slice(0, 500)}`);
      } finally {
        clearTimeout(timer);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      assert.ok(status < 500, `body #${i} (seed ${SEED}) to ${target.path} got ${status}:\n${body.slice(0, 500)}`);
    }
    // Both kinds of answer must occur, or the fuzzer is not exercising anything.
    assert.ok((statuses.get(200) ?? 0) > TOTAL * 0.05, `too few accepted bodies: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > TOTAL * 0.2, `too few refused bodies: ${JSON.stringify([...statuses])}`);
  });
});
